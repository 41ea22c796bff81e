import { describe, expect, it } from "vitest";
import { MoneyError, ceilToCent, dollarsToMoney, formatDecimal, formatUsd, parseDollars } from "../../src/domain/money.ts";

describe("exact money", () => {
  it("parses Kalshi's decimal strings exactly", () => {
    expect(parseDollars("0.5600")).toBe(5600);
    expect(parseDollars("15")).toBe(150_000);
    expect(parseDollars("-2.5")).toBe(-25_000);
    expect(parseDollars("0.001000")).toBe(10); // six places allowed when the extra ones are zeros
    expect(parseDollars("64809.04")).toBe(648_090_400);
  });

  it("refuses anything it cannot hold exactly", () => {
    expect(() => parseDollars("0.00001")).toThrow(MoneyError);
    expect(() => parseDollars("1e3")).toThrow(MoneyError);
    expect(() => parseDollars("")).toThrow(MoneyError);
    expect(() => parseDollars("12.3.4")).toThrow(MoneyError);
    expect(() => dollarsToMoney(0.123456)).toThrow(MoneyError);
    expect(() => dollarsToMoney(Number.NaN)).toThrow(MoneyError);
  });

  it("round-trips through the journal's string form", () => {
    for (const m of [0, 1, 99, 100, 5600, 150_000, -25_000, 123_456_789]) expect(parseDollars(formatDecimal(m))).toBe(m);
    expect(formatDecimal(-25_000)).toBe("-2.5000");
    expect(formatUsd(1_234_5600)).toBe("$1,234.56");
    expect(formatUsd(5)).toBe("$0.0005");
  });

  it("converts configuration dollars without float drift", () => {
    expect(dollarsToMoney(0.07)).toBe(700);
    expect(dollarsToMoney(15)).toBe(150_000);
    expect(dollarsToMoney(0.1 + 0.2)).toBe(3000);
  });

  it("rounds up to whole cents", () => {
    expect(ceilToCent(101)).toBe(200);
    expect(ceilToCent(100)).toBe(100);
    expect(ceilToCent(0)).toBe(0);
  });
});
