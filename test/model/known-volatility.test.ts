import { beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/load.ts";
import { fairValue } from "../../src/model/fair-value.ts";
import { normalCdf } from "../../src/model/normal.ts";
import { checkpointMinutes } from "../../src/report/scorecard.ts";
import { SIGMA, T0, quietEngine, randomWalk } from "./walk.ts";

/** Scale shipped before the estimator used only exact prices (it made up for interpolated seconds). */
const PREVIOUS_SCALE = 1.1937;
const DAYS = 28;

interface Scored {
  close: number;
  model: number;
  truth: number;
  previous: number;
  up: number;
}

/**
 * The shipped forecaster (default parameters) through the real path, sampler → engine, over a
 * seeded one-second random walk of known volatility, with a market that never quotes. At every
 * whole minute 2–14 before each close it is scored beside the fair value computed with the true
 * σ, the best any volatility forecaster can do on such a walk.
 */
function run(): Scored[] {
  const model = defaultConfig().model;
  const scale = model.volatility.scale;
  const pending = new Map<number, Omit<Scored, "up">[]>();
  const out: Scored[] = [];
  const { sampler } = quietEngine(model, {
    onForecast(e) {
      const minutes = checkpointMinutes(e.window.close, e.t);
      if (minutes === null || minutes < 2) return;
      // Minutes ≥ 1 before the close: no settlement second is known yet, so nothing is fixed.
      const truth = fairValue({ price: e.priceCents / 100, strike: e.strikeCents / 100, t: e.t, close: e.window.close, fixedSum: 0 }, SIGMA ** 2).pUp;
      // The same estimate at the previous scale: z scales with 1/scale (both terms are off by default).
      const previous = normalCdf((e.forecast.z * scale) / PREVIOUS_SCALE);
      let list = pending.get(e.window.close);
      if (list === undefined) pending.set(e.window.close, (list = []));
      list.push({ close: e.window.close, model: e.forecast.pUp, truth, previous });
    },
    onWindowClosed(w) {
      const list = pending.get(w.window.close);
      pending.delete(w.window.close);
      if (list === undefined || w.result === null) return;
      for (const s of list) out.push({ ...s, up: w.result === "yes" ? 1 : 0 });
    },
  });
  randomWalk(DAYS * 86_400, 8).forEach((p, i) => sampler.observe(T0 + i, p));
  sampler.flush();
  return out;
}

const brier = (rows: Scored[], key: "model" | "truth" | "previous") => rows.reduce((s, r) => s + (r[key] - r.up) ** 2, 0) / rows.length;

/**
 * Each tenth of the forecast range: mean forecast, outcome frequency, and the standard error of
 * their difference. A window's checkpoints share one outcome, so windows, not checkpoints, are the
 * independent unit: se² = Σ_windows (Σ its (outcome − p) in the bin)² / n².
 */
function calibration(rows: Scored[], key: "model" | "previous") {
  return Array.from({ length: 10 }, (_, b) => {
    const inBin = rows.filter((r) => Math.min(9, Math.floor(r[key] * 10)) === b);
    const byWindow = new Map<number, number>();
    for (const r of inBin) byWindow.set(r.close, (byWindow.get(r.close) ?? 0) + r.up - r[key]);
    const n = inBin.length;
    const se = Math.sqrt([...byWindow.values()].reduce((s, d) => s + d * d, 0)) / n;
    const meanP = inBin.reduce((s, r) => s + r[key], 0) / n;
    const freq = inBin.reduce((s, r) => s + r.up, 0) / n;
    return { bin: b, n, windows: byWindow.size, meanP, freq, z: (freq - meanP) / se };
  });
}

/** |z| a calibrated forecaster exceeds in any of ten bins only 1 % of the time (Bonferroni: 0.1 % each). */
const Z_LIMIT = 3.29;

describe("the shipped forecaster on a 28-day one-second random walk of known volatility", () => {
  let rows: Scored[] = [];
  beforeAll(() => {
    rows = run();
  });

  it("scores within 0.0005 Brier of the true-volatility fair value over minutes 2–14", () => {
    expect(rows.length).toBe(DAYS * 96 * 13 - 13 * 3); // every window but the first two (warm-up) and the last (open), 13 checkpoints each
    const excess = brier(rows, "model") - brier(rows, "truth");
    expect(excess).toBeLessThan(0.0005);
    expect(excess).toBeGreaterThan(-0.0005); // no forecaster beats the truth by more than luck
  });

  it("is calibrated: every bin's outcome frequency is within 3.29 standard errors of its mean forecast", () => {
    for (const bin of calibration(rows, "model")) {
      expect(bin.windows).toBeGreaterThan(200);
      expect(Math.abs(bin.z), `bin ${bin.bin}: mean forecast ${bin.meanP.toFixed(3)}, came true ${bin.freq.toFixed(3)} of ${bin.n}`).toBeLessThan(Z_LIMIT);
    }
  });

  it("would fail both checks at the previous scale, which corrected interpolated seconds on real ones", () => {
    expect(brier(rows, "previous") - brier(rows, "truth")).toBeGreaterThan(0.0005);
    expect(calibration(rows, "previous").some((b) => Math.abs(b.z) > Z_LIMIT)).toBe(true);
  });
});
