import { describe, expect, it } from "vitest";
import { takerFeeAt } from "../../src/domain/fees.ts";
import { formatPnlInterval, pnlInterval95 } from "../../src/report/pnl-interval.ts";
import { studentTCdf, studentTQuantile } from "../../src/report/student-t.ts";
import { rng } from "../helpers.ts";

describe("Student t", () => {
  it("matches the printed table of 97.5% quantiles", () => {
    const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [4, 2.7764], [5, 2.5706], [10, 2.2281], [30, 2.0423], [120, 1.9799], [1e7, 1.96]];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(-2.7764, 4)).toBeCloseTo(0.025, 4);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.7764, 3);
  });
});

describe("P&L interval", () => {
  it("agrees with a hand computation", () => {
    // +1.00, −0.50, +0.25, −0.75, +2.00: total 2.00, mean 0.40, s² = 5.075 / 4, t(0.975, 4) = 2.7764.
    const ci = pnlInterval95([10_000, -5_000, 2_500, -7_500, 20_000]);
    const half = 2.776445 * Math.sqrt(5.075 / 4) * Math.sqrt(5);
    expect(ci.n).toBe(5);
    expect(ci.total).toBe(2);
    expect(ci.low!).toBeCloseTo(2 - half, 3);
    expect(ci.high!).toBeCloseTo(2 + half, 3);
    expect(formatPnlInterval(ci)).toBe("95% interval −$4.99 to +$8.99 (n = 5 trades)");
  });

  it("says a sample too small for an interval is too small", () => {
    expect(pnlInterval95([])).toEqual({ n: 0, total: 0, low: null, high: null, method: "t-interval" });
    expect(formatPnlInterval(pnlInterval95([12_300]))).toBe("95% interval: none (n = 1 trade, too few for one)");
    // Two wins and a loss of 10 contracts at 45¢: a positive total, and an interval far on both sides of zero.
    const few = pnlInterval95([54_900, 54_900, -45_200]);
    expect(few.total).toBeCloseTo(6.46, 10);
    expect(few.low!).toBeLessThan(-10);
    expect(few.high!).toBeGreaterThan(20);
  });

  it("covers the true expected total about 95% of the time on simulated binary trades", () => {
    // Buy 10 contracts at 45¢ that win half the time, fee included: expected P&L per trade known exactly.
    const price = 4_500;
    const fee = takerFeeAt(10, price, 700);
    const win = 10 * (10_000 - price) - fee;
    const lose = -10 * price - fee;
    const u = rng(42);
    const n = 40;
    const expected = (n * (win + lose)) / 2 / 10_000;
    let covered = 0;
    const runs = 2_000;
    for (let r = 0; r < runs; r++) {
      const trades = Array.from({ length: n }, () => (u() < 0.5 ? win : lose));
      const ci = pnlInterval95(trades);
      if (ci.low! <= expected && expected <= ci.high!) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.97);
  });
});
