import { isoUtc } from "../../../domain/window.ts";
import { normalCdf } from "../../../model/normal.ts";
import { LOG_LOSS_EPS, logLossOf } from "../../../report/metrics.ts";
import { CHECKPOINT_MINUTES } from "../../../report/scorecard.ts";
import type { MarketCheckpoint } from "./market-checkpoints.ts";
import { PROBIT_EPS, type ProbitData, fitProbit } from "./probit.ts";
import { type TermDecision, keepRule } from "./walk-forward.ts";

/**
 * Forecasts that know the market: probits of the market's mid and the fair value, in logits,
 * fitted walk-forward by day. `market_recalibrated` uses the mid alone (does reshaping the mid
 * help by itself?); `blend` adds the fair value; `blend_minutes` lets both weights move with the
 * minutes left.
 */
export type BlendName = "market_recalibrated" | "blend" | "blend_minutes";
export type ForecasterName = "market" | "fair_value" | BlendName;

export const BLENDS: readonly BlendName[] = ["market_recalibrated", "blend", "blend_minutes"];
export const FORECASTERS: readonly ForecasterName[] = ["market", "fair_value", ...BLENDS];

export const FORECASTER_LABEL: Record<ForecasterName, string> = {
  market: "market mid",
  fair_value: "fair value",
  market_recalibrated: "Φ(a + b·logit mid)",
  blend: "Φ(a + b·logit mid + c·logit fv)",
  blend_minutes: "Φ(a + (b + d·τ)·logit mid + (c + e·τ)·logit fv), τ = minutes left / 15",
};

/** The coefficients' names, in the order of `features`. */
export const COEFFICIENTS: Record<BlendName, readonly string[]> = {
  market_recalibrated: ["a", "b"],
  blend: ["a", "b", "c"],
  blend_minutes: ["a", "b", "c", "d", "e"],
};

/** log(p / (1 − p)), with p clamped as the log loss clamps it, so a 0 or 1 stays finite. */
export function logit(p: number): number {
  const q = p < LOG_LOSS_EPS ? LOG_LOSS_EPS : p > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : p;
  return Math.log(q / (1 - q));
}

/** One row of a blend's design: a constant, then its logits (and their products with τ). */
export function features(name: BlendName, c: MarketCheckpoint): number[] {
  const lm = logit(c.mid);
  if (name === "market_recalibrated") return [1, lm];
  const lf = logit(c.fairValue);
  if (name === "blend") return [1, lm, lf];
  const tau = c.minutes / 15;
  return [1, lm, lf, tau * lm, tau * lf];
}

export interface BlendFit {
  readonly name: BlendName;
  readonly beta: readonly number[];
  /** Checkpoints fitted on. */
  readonly n: number;
}

/** Maximum-likelihood fit of one blend (the fit's probit: the same ε floor, Newton's method). */
export function fitBlend(name: BlendName, rows: readonly MarketCheckpoint[]): BlendFit {
  const width = COEFFICIENTS[name].length;
  const x = new Float64Array(rows.length * width);
  const y = new Uint8Array(rows.length);
  rows.forEach((c, i) => {
    x.set(features(name, c), i * width);
    y[i] = c.up ? 1 : 0;
  });
  const data: ProbitData = { x, y, width };
  // Start at the market's mid as it is: Φ(x/1.7) is within 0.01 of the logistic of x.
  const start = new Array<number>(width).fill(0);
  start[1] = 1 / 1.7;
  return { name, beta: fitProbit(data, start).beta, n: rows.length };
}

/** The blend's P(up) at a checkpoint, with the fit's floor. */
export function blendProbability(fit: BlendFit, c: MarketCheckpoint): number {
  const f = features(fit.name, c);
  let eta = 0;
  for (let j = 0; j < f.length; j++) eta += f[j]! * fit.beta[j]!;
  return PROBIT_EPS / 2 + (1 - PROBIT_EPS) * normalCdf(eta);
}

/** A run of whole UTC days of checkpoints, the unit the folds test on. */
export interface DayBlock {
  /** First and last UTC day (YYYY-MM-DD) of the block, by window open. */
  readonly first: string;
  readonly last: string;
  readonly rows: readonly MarketCheckpoint[];
  readonly windows: number;
}

const dayOf = (close: number) => isoUtc(close - 900).slice(0, 10);

/**
 * Groups checkpoints by the UTC day their window opened, in time order. A day with fewer than
 * `minWindows` windows (the ragged ends of the data) joins the block before it, or the first
 * block after it when it is the first, so no fold is judged on a handful of windows.
 */
export function dayBlocks(rows: readonly MarketCheckpoint[], minWindows: number): DayBlock[] {
  const byDay = new Map<string, MarketCheckpoint[]>();
  for (const c of [...rows].sort((a, b) => a.close - b.close || b.minutes - a.minutes)) {
    const d = dayOf(c.close);
    let list = byDay.get(d);
    if (list === undefined) byDay.set(d, (list = []));
    list.push(c);
  }
  const count = (r: readonly MarketCheckpoint[]) => new Set(r.map((c) => c.close)).size;
  const blocks: { first: string; last: string; rows: MarketCheckpoint[] }[] = [];
  for (const [day, list] of byDay) {
    const prev = blocks.at(-1);
    if (prev !== undefined && count(list) < minWindows) {
      prev.rows.push(...list);
      prev.last = day;
    } else blocks.push({ first: day, last: day, rows: list });
  }
  if (blocks.length > 1 && count(blocks[0]!.rows) < minWindows) {
    const [head, next] = blocks.splice(0, 2) as [(typeof blocks)[0], (typeof blocks)[0]];
    blocks.unshift({ first: head.first, last: next.last, rows: [...head.rows, ...next.rows] });
  }
  return blocks.map((b) => ({ ...b, windows: count(b.rows) }));
}

/** Every forecaster's out-of-sample P(up) at one checkpoint. */
export interface OutOfSample {
  readonly close: number;
  readonly minutes: number;
  readonly up: boolean;
  readonly p: Record<ForecasterName, number>;
}

export interface BlendScore {
  readonly n: number;
  readonly windows: number;
  readonly brier: number;
  readonly logLoss: number;
  /** Brier at each checkpoint minute ("1"…"14"). */
  readonly brierByMinutes: Record<string, number>;
}

export interface BlendFold {
  readonly train: { readonly first: string; readonly last: string; readonly windows: number };
  readonly test: { readonly first: string; readonly last: string; readonly windows: number };
  readonly fits: Record<BlendName, BlendFit>;
  readonly scores: Record<ForecasterName, BlendScore>;
}

export interface BlendDecision extends TermDecision {
  /** The paired per-window t and the folds won, for the record. */
  readonly t: number;
  readonly wins: number;
}

export interface MarketBlendReport {
  readonly blocks: readonly { readonly first: string; readonly last: string; readonly windows: number; readonly checkpoints: number }[];
  readonly folds: readonly BlendFold[];
  /** All folds' test checkpoints together. */
  readonly pooled: Record<ForecasterName, BlendScore>;
  /** Each blend against the market and the fair value (and the richer blend against the simpler). */
  readonly decisions: readonly BlendDecision[];
  /** Context, not part of the rule: the fair value against the mid; the mid recalibrated; does the fair value add to a recalibrated mid? */
  readonly context: readonly BlendDecision[];
  /** The blend to keep, or null: the default forecaster stays as it is. */
  readonly selected: BlendName | null;
  /** Each blend fitted on every block, for the record (and the option's parameters when kept). */
  readonly final: Record<BlendName, BlendFit>;
}

/** Scores forecasts by the backtest's rules: Brier, log loss clamped to [1e-4, 1 − 1e-4]. */
export function scoreOf(rows: readonly OutOfSample[], name: ForecasterName): BlendScore {
  let brier = 0;
  let log = 0;
  const byMinute = new Map<number, [number, number]>();
  for (const r of rows) {
    const p = r.p[name];
    const e = (p - (r.up ? 1 : 0)) ** 2;
    brier += e;
    log += logLossOf(p, r.up);
    const m = byMinute.get(r.minutes) ?? [0, 0];
    m[0] += e;
    m[1]++;
    byMinute.set(r.minutes, m);
  }
  const brierByMinutes: Record<string, number> = {};
  for (const m of CHECKPOINT_MINUTES) {
    const s = byMinute.get(m);
    if (s !== undefined) brierByMinutes[String(m)] = s[0] / s[1];
  }
  return { n: rows.length, windows: new Set(rows.map((r) => r.close)).size, brier: brier / rows.length, logLoss: log / rows.length, brierByMinutes };
}

/** Mean log loss of each window's checkpoints, by close: the unit of the paired comparison. */
function windowLosses(rows: readonly OutOfSample[], name: ForecasterName): Map<number, number> {
  const sum = new Map<number, [number, number]>();
  for (const r of rows) {
    const s = sum.get(r.close) ?? [0, 0];
    s[0] += logLossOf(r.p[name], r.up);
    s[1]++;
    sum.set(r.close, s);
  }
  return new Map([...sum].map(([k, [l, n]]) => [k, l / n]));
}

/**
 * The fit's rule (walk-forward.ts): `withIt` is better than `without` only if the pooled
 * out-of-sample log loss is lower, the mean paired per-window difference has t ≤ −2 (windows
 * are the independent unit) and it wins in most folds.
 */
export function judgePaired(term: string, folds: readonly (readonly OutOfSample[])[], withIt: ForecasterName, without: ForecasterName): BlendDecision {
  let wins = 0;
  const diffs: number[] = [];
  for (const rows of folds) {
    if (scoreOf(rows, withIt).logLoss < scoreOf(rows, without).logLoss) wins++;
    const b = windowLosses(rows, without);
    for (const [close, loss] of windowLosses(rows, withIt)) diffs.push(loss - b.get(close)!);
  }
  const all = folds.flat();
  return keepRule(term, diffs, scoreOf(all, withIt).logLoss, scoreOf(all, without).logLoss, wins, folds.length);
}

export interface BlendOptions {
  /** A day with fewer windows joins its neighbour (default 48: half a day). */
  readonly minWindowsPerBlock?: number;
}

/**
 * Walk-forward by day: block k's checkpoints are forecast by blends fitted on blocks 1…k−1
 * only, every block after the first is a test block, and every forecaster is scored on the same
 * checkpoints. A blend is kept only if it beats both the market's mid and the fair value by the
 * fit's rule; the richer blend must also beat the simpler one when both pass.
 */
export function marketBlendFit(rows: readonly MarketCheckpoint[], o: BlendOptions = {}): MarketBlendReport {
  const blocks = dayBlocks(rows, o.minWindowsPerBlock ?? 48);
  if (blocks.length < 2) throw new Error(`the walk-forward blend needs at least two blocks of days; the checkpoints make ${blocks.length}`);
  const span = (b: readonly DayBlock[]) => ({ first: b[0]!.first, last: b.at(-1)!.last, windows: b.reduce((s, x) => s + x.windows, 0) });
  const folds: BlendFold[] = [];
  const tested: OutOfSample[][] = [];
  for (let k = 1; k < blocks.length; k++) {
    const train = blocks.slice(0, k).flatMap((b) => b.rows);
    const fits = Object.fromEntries(BLENDS.map((n) => [n, fitBlend(n, train)])) as Record<BlendName, BlendFit>;
    const oos: OutOfSample[] = blocks[k]!.rows.map((c) => ({
      close: c.close,
      minutes: c.minutes,
      up: c.up,
      p: { market: c.mid, fair_value: c.fairValue, ...(Object.fromEntries(BLENDS.map((n) => [n, blendProbability(fits[n], c)])) as Record<BlendName, number>) },
    }));
    tested.push(oos);
    const scores = Object.fromEntries(FORECASTERS.map((n) => [n, scoreOf(oos, n)])) as Record<ForecasterName, BlendScore>;
    folds.push({ train: span(blocks.slice(0, k)), test: span([blocks[k]!]), fits, scores });
  }
  const all = tested.flat();
  const pooled = Object.fromEntries(FORECASTERS.map((n) => [n, scoreOf(all, n)])) as Record<ForecasterName, BlendScore>;

  const decisions: BlendDecision[] = [];
  const passes = (name: BlendName) => {
    const m = judgePaired(`${name} vs the market mid`, tested, name, "market");
    const f = judgePaired(`${name} vs the fair value`, tested, name, "fair_value");
    decisions.push(m, f);
    return m.kept && f.kept;
  };
  const blend = passes("blend");
  const minutes = passes("blend_minutes");
  let selected: BlendName | null = blend ? "blend" : minutes ? "blend_minutes" : null;
  if (blend && minutes) {
    const richer = judgePaired("blend_minutes vs blend", tested, "blend_minutes", "blend");
    decisions.push(richer);
    selected = richer.kept ? "blend_minutes" : "blend";
  }
  const context = [
    judgePaired("fair value vs the market mid", tested, "fair_value", "market"),
    judgePaired("market_recalibrated vs the market mid", tested, "market_recalibrated", "market"),
    judgePaired("blend vs market_recalibrated", tested, "blend", "market_recalibrated"),
  ];
  const everything = blocks.flatMap((b) => b.rows);
  const final = Object.fromEntries(BLENDS.map((n) => [n, fitBlend(n, everything)])) as Record<BlendName, BlendFit>;
  return {
    blocks: blocks.map((b) => ({ first: b.first, last: b.last, windows: b.windows, checkpoints: b.rows.length })),
    folds,
    pooled,
    decisions,
    context,
    selected,
    final,
  };
}
