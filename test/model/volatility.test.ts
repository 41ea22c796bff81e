import { describe, expect, it } from "vitest";
import type { Sampler } from "../../src/engine/sampler.ts";
import { toSeconds } from "../../src/feeds/warm-start.ts";
import { perSecondFromBars } from "../../src/history/per-second.ts";
import type { ModelParams } from "../../src/model/params.ts";
import { rng } from "../helpers.ts";
import { SIGMA, T0, minuteBars, quietEngine, randomWalk } from "./walk.ts";

const HALF_LIFE = 600;
/** The raw estimate: scale 1, a floor far below the walk's volatility, no terms. */
const raw: ModelParams = {
  volatility: { halfLifeSeconds: HALF_LIFE, scale: 1, floorAnnualized: 0.001 },
  momentum: { weight: 0, lookbackSeconds: 60 },
  meanReversion: { weight: 0, halfLifeSeconds: 300 },
  warmupSeconds: 1800,
};
const DAYS = 10;
const walk = randomWalk(DAYS * 86_400, 20_251_124);
const bars = minuteBars(walk);

/**
 * Reads the volatility estimate every ten half-lives, after a warm-up of ten, through the real
 * sampler and engine: the readings are then practically independent (each depends on returns
 * weighted 2^−10 by the one before), so their mean has the standard error sd/√n. Both are
 * returned relative to the walk's true variance.
 */
function readings(feed: (sampler: Sampler) => void): { mean: number; se: number; n: number } {
  const every = 10 * HALF_LIFE;
  const values: number[] = [];
  const { sampler } = quietEngine(raw, {}, (engine, second) => {
    if ((second - T0) % every === 0 && second - T0 >= every) values.push(engine.forecaster.variancePerSecond() / SIGMA ** 2);
  });
  feed(sampler);
  sampler.flush();
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  return { mean, se: sd / Math.sqrt(n), n };
}

/** Three standard errors: a true bias of zero lands outside only 0.3 % of the time. */
function expectUnbiased(r: { mean: number; se: number; n: number }): void {
  expect(r.n).toBeGreaterThan(100);
  expect(r.se).toBeLessThan(0.03); // precise enough to see the 1/3 bias of interpolated returns ten times over
  expect(Math.abs(r.mean - 1)).toBeLessThan(3 * r.se);
}

describe("volatility on a one-second random walk of known σ", () => {
  it("is unbiased on real seconds", () => {
    expectUnbiased(readings((s) => walk.forEach((p, i) => s.observe(T0 + i, p))));
  });

  it("is unbiased on real seconds with silences the sampler carries (a fifth of them)", () => {
    const heard = rng(5);
    const r = readings((s) => {
      walk.forEach((p, i) => {
        if (heard() < 0.8) s.observe(T0 + i, p);
        else s.advanceTo(T0 + i + 1);
      });
    });
    expectUnbiased(r);
  });

  it("is unbiased on the same walk as one-minute bars rebuilt into seconds for the backtest", () => {
    expectUnbiased(readings((s) => bars.forEach((b) => perSecondFromBars(60, s)(b.t, b.open, 0, 0, b.close))));
  });

  it("is unbiased on the same bars rebuilt into seconds by the live warm start", () => {
    const seconds = toSeconds(bars.map((b) => ({ ...b, high: Math.max(b.open, b.close), low: Math.min(b.open, b.close) })), [], T0, T0 + walk.length - 1);
    expect(seconds.filter((x) => x.exact)).toHaveLength(bars.length); // one exact price a minute: its close
    expectUnbiased(readings((s) => seconds.forEach((x) => s.observe(x.second, x.price, x.exact))));
  });

  it("marks one exact price a minute from bars (its close): the held opens are a minute stale at most and count for no return", () => {
    let exact = 0;
    let held = 0;
    const count = { observe: (_t: number, _p: number, e = true) => (e ? exact++ : held++) };
    bars.forEach((b) => perSecondFromBars(60, count)(b.t, b.open, 0, 0, b.close));
    expect(exact).toBe(bars.length);
    expect(held).toBe(59 * bars.length);
  });
});
