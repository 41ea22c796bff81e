import { describe, expect, it } from "vitest";
import { type LagSecond, measureLag } from "../../../src/app/research/lag/measure.ts";
import { normalCdf } from "../../../src/model/normal.ts";
import { gaussian } from "../../helpers.ts";

/**
 * Windows of a one-second random walk: the fair value of "ends above the strike" each second, and a
 * market whose mid is the fair value of `delay` seconds before, on the 1¢ grid, with some noise of
 * its own. Seconds before the window opened have no fair value in that window.
 */
function market(delay: number, windows: number, seed: number): LagSecond[] {
  const g = gaussian(seed);
  const out: LagSecond[] = [];
  const sigma = 0.0004; // per √s, relative: about BTC's
  for (let w = 0; w < windows; w++) {
    const open = 1_800_000_000 + 900 * w;
    const close = open + 900;
    const strike = 100;
    let s = strike * (1 + 0.002 * g());
    const fv: number[] = [];
    for (let t = open; t < close; t++) {
      s *= 1 + sigma * g();
      const left = close - t;
      fv.push(normalCdf(Math.log(s / strike) / (sigma * Math.sqrt(left))));
    }
    for (let t = open; t < close; t++) {
      const i = t - open - delay;
      const mid = i < 0 || i >= fv.length ? null : Math.min(0.99, Math.max(0.01, Math.round((fv[i]! + 0.01 * g()) * 100) / 100));
      out.push({ close, t, fairValue: fv[t - open]!, mid });
    }
  }
  return out;
}

describe("how far Kalshi's mid trails our fair value", () => {
  for (const delay of [0, 10, 30]) {
    it(`finds a market ${delay} s behind spot within ±2 s, with an interval that holds it`, () => {
      const r = measureLag(market(delay, 40, 100 + delay), { resamples: 200 });
      expect(Math.abs(r.lag_seconds! - delay)).toBeLessThanOrEqual(2);
      expect(r.ci95![0]).toBeLessThanOrEqual(delay);
      expect(r.ci95![1]).toBeGreaterThanOrEqual(delay);
      expect(r.n_windows).toBe(40);
      // Every lag is judged on the same seconds: those with the fair value known 30 s before and 120 s after.
      expect(r.n_seconds).toBeLessThanOrEqual(40 * (900 - 30 - 120));
      expect(r.curve).toHaveLength(151);
      expect(r.curve[0]!.lag).toBe(-120);
      expect(r.curve.at(-1)!.lag).toBe(30);
    });
  }

  it("finds a market that leads spot (a negative lag), and says nothing without a mid", () => {
    const lead = market(0, 20, 7).map((s, i, all) => ({ ...s, mid: all[i + 15]?.close === s.close ? all[i + 15]!.fairValue : null }));
    const r = measureLag(lead, { resamples: 100 });
    expect(Math.abs(r.lag_seconds! + 15)).toBeLessThanOrEqual(2);
    const none = measureLag(market(0, 3, 1).map((s) => ({ ...s, mid: null })));
    expect(none).toMatchObject({ lag_seconds: null, ci95: null, n_seconds: 0, n_windows: 0, curve: [] });
  });

  it("is reproducible: the same seconds and seed give the same interval", () => {
    const m = market(10, 15, 3);
    expect(measureLag(m, { resamples: 100, seed: 5 })).toEqual(measureLag(m, { resamples: 100, seed: 5 }));
  });
});
