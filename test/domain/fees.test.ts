import { describe, expect, it } from "vitest";
import { feePerContractDollars, takerFee, takerFeeAt } from "../../src/domain/fees.ts";

const RATE = 700; // 0.07
const c = (cents: number) => cents * 100;

describe("taker fee: round up to the cent of 0.07 × C × P × (1 − P)", () => {
  it("matches the worked examples", () => {
    expect(takerFeeAt(1, c(50), RATE)).toBe(c(2)); // 0.0175 → 0.02
    expect(takerFeeAt(10, c(50), RATE)).toBe(c(18)); // 0.175 → 0.18
    expect(takerFeeAt(100, c(50), RATE)).toBe(c(175)); // exactly 1.75: no rounding
    expect(takerFeeAt(1, c(1), RATE)).toBe(c(1)); // 0.000693 → 0.01
    expect(takerFeeAt(3, c(90), RATE)).toBe(c(2)); // 0.0189 → 0.02
    expect(takerFeeAt(0, c(50), RATE)).toBe(0);
  });

  it("is zero at prices of 0 and 1 and symmetric in P ↔ 1 − P", () => {
    expect(takerFeeAt(50, 0, RATE)).toBe(0);
    expect(takerFeeAt(50, 10_000, RATE)).toBe(0);
    for (let p = 100; p < 10_000; p += 100) expect(takerFeeAt(37, p, RATE)).toBe(takerFeeAt(37, 10_000 - p, RATE));
  });

  it("rounds once per order, not per level", () => {
    // Two levels of 1 contract at 50¢: 0.0175 + 0.0175 = 0.035 → 0.04, not 0.02 + 0.02.
    expect(takerFee([{ price: c(50), contracts: 1 }, { price: c(50), contracts: 1 }], RATE)).toBe(c(4));
    expect(takerFee([{ price: c(40), contracts: 5 }, { price: c(41), contracts: 7 }], RATE)).toBe(c(21)); // 0.084 + 0.118531 = 0.202531 → 0.21
  });

  it("takes the rate from configuration", () => {
    expect(takerFeeAt(100, c(50), 350)).toBe(c(88)); // 0.875 → 0.88
    expect(takerFeeAt(100, c(50), 0)).toBe(0);
  });

  it("never charges less than the exact fee and never a cent more", () => {
    for (let n = 1; n <= 60; n += 7) {
      for (let p = 50; p < 10_000; p += 333) {
        const exactCents = 0.07 * n * (p / 10_000) * (1 - p / 10_000) * 100;
        const fee = takerFeeAt(n, p, RATE) / 100;
        expect(fee).toBeGreaterThanOrEqual(exactCents - 1e-9);
        expect(fee).toBeLessThan(exactCents + 1);
        expect(Number.isInteger(fee)).toBe(true);
      }
    }
  });

  it("rejects fractional contracts and prices outside 0–1", () => {
    expect(() => takerFeeAt(1.5, c(50), RATE)).toThrow(RangeError);
    expect(() => takerFeeAt(1, 10_001, RATE)).toThrow(RangeError);
  });

  it("gives the unrounded per-contract fee for edge estimates", () => {
    expect(feePerContractDollars(c(50), RATE)).toBeCloseTo(0.0175, 12);
  });
});
