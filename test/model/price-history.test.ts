import { describe, expect, it } from "vitest";
import { PriceHistory } from "../../src/model/price-history.ts";
import { VolatilityEstimator } from "../../src/model/volatility.ts";
import { rng } from "../helpers.ts";

describe("price history", () => {
  it("keeps the 60-s sum exact over a long run, in O(1) a second", () => {
    const h = new PriceHistory(100);
    const r = rng(3);
    const all: number[] = [];
    for (let s = 0; s < 20_000; s++) {
      const cents = 9_000_000 + Math.floor(r() * 1_000_000);
      all.push(cents);
      h.push(s, cents, r() < 0.1);
      if (s >= 59) expect(h.meanSum).toBe(all.slice(-60).reduce((a, b) => a + b, 0));
    }
    expect(h.latest).toBe(all.at(-1));
    expect(h.ago(99)).toBe(all.at(-100));
    expect(() => h.ago(100)).toThrow(RangeError);
  });

  it("counts carried-forward seconds in the averaging minute", () => {
    const h = new PriceHistory(60);
    for (let s = 0; s < 60; s++) h.push(s, 100, s < 10);
    expect(h.meanCarried).toBe(10);
    for (let s = 60; s < 65; s++) h.push(s, 100, false);
    expect(h.meanCarried).toBe(5);
  });

  it("knows which seconds hold an exact price: not one drawn inside a bar, never a carried one", () => {
    const h = new PriceHistory(60);
    h.push(0, 100, false);
    h.push(1, 101, false, false);
    h.push(2, 101, true, true);
    h.push(3, 102, false, true);
    expect([3, 2, 1, 0].map((k) => h.exactSince(k))).toEqual([true, false, false, true]);
    h.push(4, 103, false, false);
    expect([4, 3, 0].map((k) => h.exactSince(k))).toEqual([false, false, false]);
    expect(() => h.exactSince(5)).toThrow(RangeError);
  });

  it("refuses a hole in the seconds", () => {
    const h = new PriceHistory(60);
    h.push(10, 1, false);
    expect(() => h.push(12, 1, false)).toThrow(/consecutive/);
  });
});

describe("volatility estimator", () => {
  it("reads a steady 60-s return r as variance r²/60 per second", () => {
    const v = new VolatilityEstimator(300);
    for (let i = 0; i < 50; i++) v.update(101, 100);
    expect(v.variancePerSecond()).toBeCloseTo(0.0001 / 60, 15);
  });

  it("counts only exact returns, but forgets by the second whether one came or not", () => {
    const v = new VolatilityEstimator(100);
    v.update(102, 100, false); // nothing to count yet
    expect(v.variancePerSecond()).toBe(0);
    v.update(102, 100); // r = 2%
    for (let i = 0; i < 99; i++) v.update(150, 100, false); // drawn prices: not counted
    v.update(100, 100); // r = 0, a half-life after the first, so weighted twice as much
    expect(v.samples).toBe(2);
    expect(v.variancePerSecond()).toBeCloseTo((0.0004 * 0.5) / (0.5 + 1) / 60, 15);
  });

  it("forgets old returns at its half-life", () => {
    const v = new VolatilityEstimator(100);
    for (let i = 0; i < 5000; i++) v.update(102, 100); // r = 2%
    for (let i = 0; i < 100; i++) v.update(100, 100); // one half-life of zero returns
    expect(v.variancePerSecond()).toBeCloseTo((0.0004 / 60) * 0.5, 12);
  });
});
