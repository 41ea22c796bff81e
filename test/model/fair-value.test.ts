import { describe, expect, it } from "vitest";
import { fairValue, settlementVarianceSeconds } from "../../src/model/fair-value.ts";
import { gaussian } from "../helpers.ts";

/** Simulates the settlement average by brute force: a random walk in one-second steps. */
function simulate(opts: { price: number; strike: number; t: number; close: number; fixed: number[]; sdPerSecond: number; runs: number; seed: number }): number {
  const g = gaussian(opts.seed);
  let up = 0;
  for (let r = 0; r < opts.runs; r++) {
    let p = opts.price;
    let sum = opts.fixed.reduce((a, b) => a + b, 0);
    for (let s = opts.t; s < opts.close; s++) {
      p += opts.sdPerSecond * g();
      if (s >= opts.close - 60) sum += p;
    }
    const avg = Math.round((sum / 60) * 100) / 100;
    if (avg >= opts.strike) up++;
  }
  return up / opts.runs;
}

describe("fair value of the settlement average", () => {
  it("counts the variance a full window's average carries", () => {
    // Forecast at the open: 840 s of walk before the averaging minute, then the average of 60 steps.
    expect(settlementVarianceSeconds(0, 900)).toBeCloseTo(840 + (61 * 121) / 360, 10);
    expect(settlementVarianceSeconds(899, 900)).toBeCloseTo(1 / 3600, 12); // one unknown second left, 1/60 of the average
    expect(settlementVarianceSeconds(900, 900)).toBe(0);
  });

  it("agrees with a brute-force simulation before the last minute", () => {
    const state = { price: 100_000, strike: 100_030, t: 1000, close: 1300, fixedSum: 0 };
    const sigma = 8e-5; // per √s, relative
    const p = fairValue(state, sigma * sigma).pUp;
    const mc = simulate({ price: 100_000, strike: 100_030, t: 1000, close: 1300, fixed: [], sdPerSecond: 100_000 * sigma, runs: 20_000, seed: 7 });
    expect(Math.abs(p - mc)).toBeLessThan(0.012);
    expect(p).toBeGreaterThan(0.2);
    expect(p).toBeLessThan(0.45);
  });

  it("agrees with a brute-force simulation inside the last minute, using the part already fixed", () => {
    const fixed = Array.from({ length: 40 }, (_, i) => 100_000 + i * 2); // 40 seconds already averaged, drifting up
    const state = { price: 100_078, strike: 100_050, t: 1300 - 20, close: 1300, fixedSum: fixed.reduce((a, b) => a + b, 0) };
    const sigma = 1e-4;
    const p = fairValue(state, sigma * sigma).pUp;
    const mc = simulate({ price: 100_078, strike: 100_050, t: 1280, close: 1300, fixed, sdPerSecond: 100_078 * sigma, runs: 20_000, seed: 11 });
    expect(Math.abs(p - mc)).toBeLessThan(0.012);
  });

  it("is a coin flip, tilted up by the tie rule, at the strike", () => {
    const p = fairValue({ price: 50_000, strike: 50_000, t: 0, close: 900, fixedSum: 0 }, 1e-8).pUp;
    expect(p).toBeGreaterThan(0.5);
    expect(p).toBeLessThan(0.5005);
  });

  it("is certain when nothing can move any more", () => {
    expect(fairValue({ price: 1, strike: 100, t: 900, close: 900, fixedSum: 60 * 100 }, 1e-8).pUp).toBe(1); // average 100 ≥ strike 100
    expect(fairValue({ price: 1, strike: 100.01, t: 900, close: 900, fixedSum: 60 * 100 }, 1e-8).pUp).toBe(0);
  });
});
