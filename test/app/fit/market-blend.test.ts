import { describe, expect, it } from "vitest";
import { type MarketCheckpoint } from "../../../src/app/research/fit/market-checkpoints.ts";
import { blendProbability, dayBlocks, fitBlend, judgePaired, logit, marketBlendFit, type OutOfSample } from "../../../src/app/research/fit/market-blend.ts";
import { normalCdf } from "../../../src/model/normal.ts";
import { gaussian, rng } from "../../helpers.ts";

const DAY = 86_400;
const START = Date.parse("2026-03-15T00:00:00Z") / 1000;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Windows whose outcome is a random walk of 15 one-minute steps (up when it ends above 0). At m
 * minutes before the close the truth is Φ(S/√m). The market sees S with its own noise; the fair
 * value sees S with independent noise (it knows something the market does not) or sees the
 * market's view with more noise on top (it knows nothing the market does not). Each is
 * calibrated given what it sees, so only combining them can help.
 */
function brownianWindows(seed: number, days: number, fairValueIndependent: boolean, noise = 1): MarketCheckpoint[] {
  const g = gaussian(seed);
  const rows: MarketCheckpoint[] = [];
  for (let w = 0; w < days * 96; w++) {
    const close = START + 900 * (w + 1);
    const steps = Array.from({ length: 15 }, () => g());
    const up = steps.reduce((s, x) => s + x, 0) > 0;
    let s = 0;
    for (let m = 14; m >= 1; m--) {
      s += steps[14 - m]!;
      const seenByMarket = s + noise * g();
      const mid = normalCdf(seenByMarket / Math.sqrt(m + noise ** 2));
      const fairValue = fairValueIndependent ? normalCdf((s + noise * g()) / Math.sqrt(m + noise ** 2)) : normalCdf((seenByMarket + noise * g()) / Math.sqrt(m + 2 * noise ** 2));
      rows.push({ close, minutes: m, mid, fairValue, pUp: fairValue, up });
    }
  }
  return rows;
}

describe("the blend's fit", () => {
  it("recovers the weights of a probit of the two logits it was drawn from", () => {
    const g = gaussian(7);
    const u = rng(8);
    const [a, b, c] = [0.1, 0.5, 0.3];
    const rows: MarketCheckpoint[] = [];
    for (let i = 0; i < 30_000; i++) {
      const lm = 1.5 * g();
      const lf = 0.5 * lm + g();
      rows.push({ close: START + 900 * (i + 1), minutes: 5, mid: sigmoid(lm), fairValue: sigmoid(lf), pUp: sigmoid(lf), up: u() < normalCdf(a + b * lm + c * lf) });
    }
    const fit = fitBlend("blend", rows);
    expect(fit.beta[0]).toBeCloseTo(a, 1);
    expect(fit.beta[1]).toBeCloseTo(b, 1);
    expect(fit.beta[2]).toBeCloseTo(c, 1);
    // And its forecast is that probit.
    const r = rows[0]!;
    expect(blendProbability(fit, r)).toBeCloseTo(normalCdf(fit.beta[0]! + fit.beta[1]! * logit(r.mid) + fit.beta[2]! * logit(r.fairValue)), 3);
  });

  it("keeps logits finite at 0 and 1, clamped as the log loss clamps", () => {
    expect(logit(0)).toBeCloseTo(Math.log(1e-4 / (1 - 1e-4)), 12);
    expect(logit(1)).toBeCloseTo(-logit(0), 12);
    expect(logit(0.5)).toBe(0);
  });
});

describe("walk-forward by day", () => {
  it("keeps a blend when the fair value knows something the market does not", () => {
    const r = marketBlendFit(brownianWindows(1, 6, true));
    expect(r.folds).toHaveLength(5);
    expect(r.pooled.blend.logLoss).toBeLessThan(r.pooled.market.logLoss);
    expect(r.pooled.blend.logLoss).toBeLessThan(r.pooled.fair_value.logLoss);
    const vsMarket = r.decisions.find((d) => d.term === "blend vs the market mid")!;
    expect(vsMarket.kept).toBe(true);
    expect(vsMarket.t).toBeLessThanOrEqual(-2);
    expect(r.selected).not.toBeNull();
    // Both weigh in.
    expect(r.final.blend.beta[1]).toBeGreaterThan(0.15);
    expect(r.final.blend.beta[2]).toBeGreaterThan(0.15);
  });

  it("keeps nothing when the fair value only repeats the market's view with noise", () => {
    const r = marketBlendFit(brownianWindows(2, 6, false));
    expect(r.selected).toBeNull();
    const vsMarket = r.decisions.find((d) => d.term === "blend vs the market mid")!;
    expect(vsMarket.kept).toBe(false);
    // It still beats the noisier fair value: the rule needs both.
    expect(r.decisions.find((d) => d.term === "blend vs the fair value")!.kept).toBe(true);
    // The market carries the weight.
    expect(r.final.blend.beta[1]!).toBeGreaterThan(5 * Math.abs(r.final.blend.beta[2]!));
  });

  it("fits each fold only on earlier days: changing a day's outcomes moves no fit up to the fold that tests it", () => {
    const rows = brownianWindows(3, 5, true);
    const r = marketBlendFit(rows);
    for (const f of r.folds) expect(f.train.last < f.test.first).toBe(true);
    expect(r.folds.map((f) => f.test.first)).toEqual(["2026-03-16", "2026-03-17", "2026-03-18", "2026-03-19"]);
    expect(r.folds.map((f) => f.fits.blend.n)).toEqual([1, 2, 3, 4].map((d) => d * 96 * 14));

    // Flip every outcome of the third day (fold 1 tests it): the fold before must not move at all,
    // fold 1 keeps its fits but scores differently, and the later folds, which train on it, refit.
    const third = (c: MarketCheckpoint) => c.close - 900 >= START + 2 * DAY && c.close - 900 < START + 3 * DAY;
    const flipped = marketBlendFit(rows.map((c) => (third(c) ? { ...c, up: !c.up } : c)));
    expect(flipped.folds[0]).toEqual(r.folds[0]);
    expect(flipped.folds[1]!.test.first).toBe("2026-03-17");
    expect(flipped.folds[1]!.fits).toEqual(r.folds[1]!.fits);
    expect(flipped.folds[1]!.scores.blend).not.toEqual(r.folds[1]!.scores.blend);
    for (const k of [2, 3]) expect(flipped.folds[k]!.fits.blend.beta).not.toEqual(r.folds[k]!.fits.blend.beta);
  });

  it("scores every forecaster on the same checkpoints", () => {
    const r = marketBlendFit(brownianWindows(4, 4, true));
    for (const f of r.folds) {
      const ns = Object.values(f.scores).map((s) => [s.n, s.windows]);
      expect(new Set(ns.map((x) => x.join("/"))).size).toBe(1);
    }
    expect(r.pooled.market.n).toBe(3 * 96 * 14);
  });

  it("puts a ragged day into its neighbour's block, in time order", () => {
    const rows = brownianWindows(5, 3, true);
    // A few windows of a fourth day, and the first day cut to its last ten windows.
    const extra = brownianWindows(6, 1, true).slice(0, 5 * 14).map((c) => ({ ...c, close: c.close + 3 * DAY }));
    const cut = rows.filter((c) => c.close - 900 >= START + DAY - 10 * 900);
    const blocks = dayBlocks([...extra, ...cut], 48);
    expect(blocks.map((b) => [b.first, b.last, b.windows])).toEqual([
      ["2026-03-15", "2026-03-16", 10 + 96],
      ["2026-03-17", "2026-03-18", 96 + 5],
    ]);
    for (const b of blocks) for (let i = 1; i < b.rows.length; i++) expect(b.rows[i]!.close).toBeGreaterThanOrEqual(b.rows[i - 1]!.close);
  });

  it("refuses data that makes fewer than two blocks", () => {
    expect(() => marketBlendFit(brownianWindows(9, 1, true))).toThrow(/at least two blocks/);
  });
});

describe("the fit's rule, paired by window", () => {
  const oos = (seed: number, n: number, better: boolean): OutOfSample[] => {
    const u = rng(seed);
    return Array.from({ length: n }, (_, i) => {
      const truth = u();
      const up = u() < truth;
      const noisy = Math.min(0.99, Math.max(0.01, truth + (u() - 0.5) * 0.6));
      return { close: START + 900 * i, minutes: 5, up, p: { market: noisy, fair_value: 0.5, market_recalibrated: noisy, blend: better ? truth : noisy, blend_minutes: noisy } };
    });
  };

  it("passes a forecaster that is better by far in every fold", () => {
    const folds = [oos(1, 300, true), oos(2, 300, true), oos(3, 300, true)];
    const d = judgePaired("blend vs the market mid", folds, "blend", "market");
    expect(d.kept).toBe(true);
    expect(d.wins).toBe(3);
    expect(d.t).toBeLessThan(-2);
  });

  it("never passes a forecaster identical to the one it is judged against", () => {
    const folds = [oos(1, 300, false), oos(2, 300, false)];
    expect(judgePaired("same", folds, "blend", "market").kept).toBe(false);
  });

  it("does not pass a pooled gain that comes from one fold alone", () => {
    const folds = [oos(1, 900, true), oos(2, 300, false), oos(3, 300, false)];
    const d = judgePaired("one fold", folds, "blend", "market");
    expect(d.wins).toBe(1);
    expect(d.kept).toBe(false);
  });
});
