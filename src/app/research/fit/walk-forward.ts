import type { AppConfig } from "../../../config/schema.ts";
import { inspectHistoryFile } from "../../../history/files.ts";
import type { ModelParams } from "../../../model/params.ts";
import { type Checkpoints, collectCheckpoints } from "./checkpoints.ts";
import { type ProbitData, fitProbit, probitLogLik } from "./probit.ts";
import { logLossOf } from "../../../report/metrics.ts";

/** Hyper-parameters tried; each fit keeps the combination with the best in-sample likelihood. */
export interface FitGrid {
  readonly volHalfLives: readonly number[];
  readonly momentumLookbacks: readonly number[];
  readonly meanReversionHalfLives: readonly number[];
}

export const DEFAULT_GRID: FitGrid = {
  volHalfLives: [300, 600, 1800, 7200],
  momentumLookbacks: [60, 300, 900],
  meanReversionHalfLives: [300, 1800, 7200],
};

export type VariantName = "fair_value" | "fair_value_scaled" | "momentum" | "mean_reversion" | "both";

export const VARIANTS: readonly VariantName[] = ["fair_value", "fair_value_scaled", "momentum", "mean_reversion", "both"];

export const VARIANT_LABEL: Record<VariantName, string> = {
  fair_value: "fair value, volatility as estimated",
  fair_value_scaled: "fair value, fitted volatility scale",
  momentum: "+ momentum",
  mean_reversion: "+ mean reversion",
  both: "+ momentum + mean reversion",
};

interface Combo {
  readonly volHalfLife: number;
  readonly momentumLookback: number;
  readonly meanReversionHalfLife: number;
}

export interface VariantFit {
  readonly params: ModelParams;
  readonly inSampleLogLik: number;
  readonly n: number;
}

export interface Score {
  readonly n: number;
  readonly brier: number;
  readonly logLoss: number;
  /** Mean log loss of each test window's forecasts, by window close (for paired comparisons). */
  readonly windowLoss?: ReadonlyMap<number, number>;
}

export interface Fold {
  readonly train: readonly string[];
  readonly test: string;
  readonly fits: Record<VariantName, VariantFit>;
  readonly scores: Record<VariantName, Score>;
}

export interface TermDecision {
  readonly term: string;
  readonly kept: boolean;
  readonly why: string;
}

export interface FitReport {
  readonly files: readonly { readonly path: string; readonly start: number }[];
  readonly trainBefore: number;
  readonly grid: FitGrid;
  readonly folds: readonly Fold[];
  /** Out-of-sample scores over all folds' test forecasts together. */
  readonly pooled: Record<VariantName, Score>;
  readonly decisions: readonly TermDecision[];
  readonly selected: VariantName;
  readonly finalTrain: readonly string[];
  readonly final: ModelParams;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function paramsFor(c: Combo, scale: number, wm: number, wr: number, base: ModelParams): ModelParams {
  return {
    volatility: { halfLifeSeconds: c.volHalfLife, scale: round(scale, 4), floorAnnualized: base.volatility.floorAnnualized },
    momentum: { weight: round(wm, 4), lookbackSeconds: c.momentumLookback },
    meanReversion: { weight: round(wr, 4), halfLifeSeconds: c.meanReversionHalfLife },
    warmupSeconds: base.warmupSeconds,
  };
}

function columns(variant: VariantName, c: Checkpoints): Float64Array[] {
  switch (variant) {
    case "momentum":
      return [c.z, c.momentum];
    case "mean_reversion":
      return [c.z, c.meanReversion];
    case "both":
      return [c.z, c.momentum, c.meanReversion];
    default:
      return [c.z];
  }
}

/** The probit's design matrix over several files' checkpoints. */
function design(parts: readonly Checkpoints[], variant: VariantName): ProbitData {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const width = columns(variant, parts[0]!).length;
  const x = new Float64Array(n * width);
  const y = new Uint8Array(n);
  let row = 0;
  for (const p of parts) {
    const cols = columns(variant, p);
    for (let i = 0; i < p.n; i++, row++) {
      for (let j = 0; j < width; j++) x[row * width + j] = cols[j]![i]!;
      y[row] = p.up[i]!;
    }
  }
  return { x, y, width };
}

/**
 * Fits one variant on the training rows of each grid combination and keeps the likeliest.
 * The probit's coefficients map back to the forecaster's parameters: on features computed with
 * scale 1, z_total = (z + w_m·m − w_r·d)/scale, so scale = 1/β₀, w_m = β₁/β₀, w_r = −β₂/β₀.
 */
function fitVariant(variant: VariantName, train: (c: Combo) => Checkpoints[], combos: readonly Combo[], base: ModelParams, onFitted?: () => void): VariantFit {
  let best: VariantFit | null = null;
  const tried = combosTried(variant, combos);
  for (const combo of tried) {
    const data = design(train(combo), variant);
    let fit: VariantFit;
    if (variant === "fair_value") {
      fit = { params: paramsFor(combo, 1, 0, 0, base), inSampleLogLik: probitLogLik(data, [1]), n: data.y.length };
    } else {
      const start = new Array<number>(data.width).fill(0);
      start[0] = 1;
      const beta = fitProbit(data, start);
      const b0 = beta.beta[0]!;
      const b1 = beta.beta[1] ?? 0;
      const b2 = beta.beta[2] ?? 0;
      const wm = variant === "momentum" || variant === "both" ? b1 / b0 : 0;
      const wr = variant === "mean_reversion" ? -b1 / b0 : variant === "both" ? -b2 / b0 : 0;
      fit = { params: paramsFor(combo, 1 / b0, wm, wr, base), inSampleLogLik: beta.logLik, n: data.y.length };
    }
    if (best === null || fit.inSampleLogLik > best.inSampleLogLik) best = fit;
    onFitted?.();
  }
  return best!;
}

/** The grid combinations a variant is fitted on: the fair value alone depends only on the volatility half-life. */
function combosTried(variant: VariantName, combos: readonly Combo[]): readonly Combo[] {
  const first = combos[0]!;
  if (variant !== "fair_value" && variant !== "fair_value_scaled") return combos;
  return combos.filter((c) => c.momentumLookback === first.momentumLookback && c.meanReversionHalfLife === first.meanReversionHalfLife);
}

/**
 * Work of one probit fit per column, as a fraction of replaying the same history through the
 * engine (over whole fits of the six 2021–2025 files the folds took about 30 % of the time, which
 * this reproduces). Only for the progress bar's estimate of the time left.
 */
const FIT_COST_PER_COLUMN = 0.02;

/** Progress units of fitting a variant on `bytes` of history, counted per combination. */
function fitCost(variant: VariantName, bytes: number): number {
  return variant === "fair_value" ? 0 : FIT_COST_PER_COLUMN * COLUMNS[variant] * bytes;
}

const COLUMNS: Record<VariantName, number> = { fair_value: 1, fair_value_scaled: 1, momentum: 2, mean_reversion: 2, both: 3 };

function pool(scores: readonly Score[]): Score {
  const n = scores.reduce((s, x) => s + x.n, 0);
  return {
    n,
    brier: scores.reduce((s, x) => s + x.brier * x.n, 0) / n,
    logLoss: scores.reduce((s, x) => s + x.logLoss * x.n, 0) / n,
  };
}

/** Per-window mean log loss of checkpoints, the unit of the paired comparison. */
function windowLosses(c: Checkpoints): Map<number, number> {
  const sum = new Map<number, [number, number]>();
  for (let i = 0; i < c.n; i++) {
    const s = sum.get(c.close[i]!) ?? [0, 0];
    s[0] += logLossOf(c.pUp[i]!, c.up[i] === 1);
    s[1]++;
    sum.set(c.close[i]!, s);
  }
  return new Map([...sum].map(([k, [l, n]]) => [k, l / n]));
}

/** The t statistic needed to keep a term: its improvement must be at least two standard errors. */
export const KEEP_T = -2;

/**
 * Keeps a term only when, out of sample, it lowers the log loss by more than chance would: the
 * mean paired per-window difference over all folds must have t ≤ −2 (windows, not checkpoints,
 * are the independent unit), and the term must win in most folds.
 */
function judge(term: string, folds: readonly Fold[], pooled: Record<VariantName, Score>, withIt: VariantName, without: VariantName): TermDecision {
  const wins = folds.filter((f) => f.scores[withIt].logLoss < f.scores[without].logLoss).length;
  const diffs: number[] = [];
  for (const f of folds) {
    const a = f.scores[withIt].windowLoss!;
    const b = f.scores[without].windowLoss!;
    for (const [close, loss] of a) {
      const other = b.get(close);
      if (other !== undefined) diffs.push(loss - other);
    }
  }
  const { kept, why } = keepRule(term, diffs, pooled[withIt].logLoss, pooled[without].logLoss, wins, folds.length);
  return { term, kept, why };
}

/**
 * The one rule for keeping anything the fits try: from the paired per-window log-loss
 * differences (with − without) over all test folds, the pooled log losses, and the folds won.
 */
export function keepRule(term: string, diffs: readonly number[], withLoss: number, withoutLoss: number, wins: number, folds: number): TermDecision & { readonly t: number; readonly wins: number } {
  const n = diffs.length;
  const mean = diffs.reduce((s, d) => s + d, 0) / n;
  const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1));
  const t = mean / (sd / Math.sqrt(n));
  const delta = withLoss - withoutLoss;
  const kept = delta < 0 && t <= KEEP_T && wins > folds / 2;
  const why =
    `pooled out-of-sample log loss ${delta < 0 ? "improves" : "worsens"} by ${Math.abs(delta).toFixed(5)} ` +
    `(${withoutLoss.toFixed(5)} → ${withLoss.toFixed(5)}); paired per-window t = ${t.toFixed(2)} over ${n} windows ` +
    `(needs ≤ ${KEEP_T}); better in ${wins} of ${folds} folds`;
  return { term, kept, why, t, wins };
}

export interface FitOptions {
  readonly files: readonly string[];
  /** Final parameters are fitted only on files that start before this (unix s). */
  readonly trainBefore: number;
  readonly grid: FitGrid;
  readonly config: AppConfig;
  readonly log: (line: string) => void;
  /** Work done so far and in all, in bytes of history replayed (every pass over every file counts). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Walk-forward fit: with the files in time order, fold k fits every variant on files 1…k−1
 * and scores it on file k with the production forecaster. A term is kept only if it helps out
 * of sample; the final parameters are refitted on every file that starts before `trainBefore`.
 */
export async function walkForwardFit(o: FitOptions): Promise<FitReport> {
  const inspected = o.files.map(inspectHistoryFile);
  const files = inspected.map((f) => ({ path: f.path, start: f.firstTimestamp })).sort((a, b) => a.start - b.start);
  if (files.length < 2) throw new Error("the walk-forward fit needs at least two files");
  const base = o.config.model;
  const combos: Combo[] = [];
  for (const volHalfLife of o.grid.volHalfLives)
    for (const momentumLookback of o.grid.momentumLookbacks)
      for (const meanReversionHalfLife of o.grid.meanReversionHalfLives) combos.push({ volHalfLife, momentumLookback, meanReversionHalfLife });

  // Progress counts bytes of history replayed (each file once per combination, each test file
  // once per variant) and the probit fits in the same unit; the final fit is added once chosen.
  const bytes = new Map(inspected.map((f) => [f.path, f.bytes]));
  const bytesOf = (paths: readonly string[]) => paths.reduce((n, p) => n + bytes.get(p)!, 0);
  const fitAllCost = (paths: readonly string[]) => VARIANTS.reduce((n, v) => n + combosTried(v, combos).length * fitCost(v, bytesOf(paths)), 0);
  let total = files.reduce((n, f) => n + bytes.get(f.path)! * combos.length, 0);
  for (let k = 1; k < files.length; k++) total += bytes.get(files[k]!.path)! * VARIANTS.length + fitAllCost(files.slice(0, k).map((f) => f.path));
  let done = 0;
  const report = () => o.onProgress?.(done, total);
  const replay = async (path: string, model: ModelParams) => {
    const result = await collectCheckpoints([path], model, o.config, o.onProgress && ((d) => o.onProgress!(done + d, total)));
    done += bytes.get(path)!;
    return result;
  };
  const fit = (v: VariantName, paths: readonly string[]) =>
    fitVariant(v, trainOn(paths), combos, base, () => {
      done += fitCost(v, bytesOf(paths));
      report();
    });

  // Features of every file under every combination: scale 1, no terms (they are applied later).
  const features = new Map<string, Map<string, Checkpoints>>();
  for (const f of files) {
    const perCombo = new Map<string, Checkpoints>();
    for (const c of combos) {
      const { checkpoints } = await replay(f.path, paramsFor(c, 1, 0, 0, base));
      perCombo.set(key(c), checkpoints);
    }
    features.set(f.path, perCombo);
    o.log(`features: ${f.path} (${perCombo.get(key(combos[0]!))!.n} checkpoints × ${combos.length} combinations)`);
  }
  const trainOn = (paths: readonly string[]) => (c: Combo) => paths.map((p) => features.get(p)!.get(key(c))!);
  const fitAll = (paths: readonly string[]) => Object.fromEntries(VARIANTS.map((v) => [v, fit(v, paths)])) as Record<VariantName, VariantFit>;

  const folds: Fold[] = [];
  for (let k = 1; k < files.length; k++) {
    const train = files.slice(0, k).map((f) => f.path);
    const test = files[k]!.path;
    const fits = fitAll(train);
    const scores = {} as Record<VariantName, Score>;
    for (const v of VARIANTS) {
      const { scorecard, checkpoints } = await replay(test, fits[v].params);
      const s = scorecard.score("model");
      scores[v] = { n: s.n, brier: s.brier, logLoss: s.log_loss, windowLoss: windowLosses(checkpoints) };
    }
    folds.push({ train, test, fits, scores });
    o.log(`fold ${k}: test ${test}: ${VARIANTS.map((v) => `${v} ${scores[v].logLoss.toFixed(5)}`).join(", ")}`);
  }
  const pooled = Object.fromEntries(VARIANTS.map((v) => [v, pool(folds.map((f) => f.scores[v]))])) as Record<VariantName, Score>;

  const scale = judge("volatility scale", folds, pooled, "fair_value_scaled", "fair_value");
  const momentum = judge("momentum", folds, pooled, "momentum", "fair_value_scaled");
  const meanRev = judge("mean reversion", folds, pooled, "mean_reversion", "fair_value_scaled");
  const decisions: TermDecision[] = [scale, momentum, meanRev];
  let selected: VariantName = scale.kept ? "fair_value_scaled" : "fair_value";
  if (momentum.kept && meanRev.kept) {
    const single: VariantName = pooled.momentum.logLoss <= pooled.mean_reversion.logLoss ? "momentum" : "mean_reversion";
    const both = judge("momentum and mean reversion together", folds, pooled, "both", single);
    decisions.push(both);
    selected = both.kept ? "both" : single;
  } else if (momentum.kept) selected = "momentum";
  else if (meanRev.kept) selected = "mean_reversion";

  const finalTrain = files.filter((f) => f.start < o.trainBefore).map((f) => f.path);
  if (finalTrain.length === 0) throw new Error("no file starts before the training cut-off");
  total += combosTried(selected, combos).length * fitCost(selected, bytesOf(finalTrain));
  const final = fit(selected, finalTrain).params;
  return { files, trainBefore: o.trainBefore, grid: o.grid, folds, pooled, decisions, selected, finalTrain, final };
}

function key(c: Combo): string {
  return `${c.volHalfLife}/${c.momentumLookback}/${c.meanReversionHalfLife}`;
}
