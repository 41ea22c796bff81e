import { seededRandom } from "../../../domain/random.ts";

/**
 * One second of a window as the lab sees it: our fair value from spot, and Kalshi's mid as known
 * at that instant (null when the book had no two-sided quote).
 */
export interface LagSecond {
  /** The window's close (unix s): seconds are compared only inside one window. */
  readonly close: number;
  /** The instant (unix s). */
  readonly t: number;
  readonly fairValue: number;
  readonly mid: number | null;
}

export interface LagOptions {
  /** Lags tried, seconds (positive: Kalshi trails spot). Default −120 … +30. */
  readonly minLag?: number;
  readonly maxLag?: number;
  /** Bootstrap resamples of windows for the interval (default 1000). */
  readonly resamples?: number;
  readonly seed?: number;
}

export interface LagResult {
  /** The delay at which the mid best matches the fair value; positive: Kalshi trails spot. */
  readonly lag_seconds: number | null;
  /** 95 % interval of the lag: percentiles of the best lag over windows resampled with replacement. */
  readonly ci95: [number, number] | null;
  /** Seconds compared (the same seconds at every lag) and the windows they come from. */
  readonly n_seconds: number;
  readonly n_windows: number;
  /** The fit measure at each lag: mean squared difference of logits (lower is closer). */
  readonly curve: { lag: number; score: number }[];
  readonly measure: string;
}

/** Probabilities are clamped to Kalshi's price range before the logit, so a certain forecast cannot dominate. */
const CLAMP = 0.01;
const logit = (p: number) => {
  const q = p < CLAMP ? CLAMP : p > 1 - CLAMP ? 1 - CLAMP : p;
  return Math.log(q / (1 - q));
};

/**
 * The delay at which Kalshi's mid best matches our fair value: for each lag L the mean, over the
 * same seconds, of (logit mid(t) − logit fair value(t − L))², fair value taken inside the same
 * window. The lag with the lowest mean is the answer; its 95 % interval is a block bootstrap with
 * windows as the blocks (seconds inside a window are far from independent, windows nearly are).
 * A second counts only when the mid is known and the fair value is known at every t − L tried, so
 * every lag is judged on identical seconds.
 */
export function measureLag(seconds: readonly LagSecond[], options: LagOptions = {}): LagResult {
  const acc = new LagAccumulator(options);
  for (const s of seconds) acc.add(s);
  return acc.result();
}

const MEASURE = "mean squared difference of logit(mid) and logit(fair value L seconds earlier), probabilities clamped to [0.01, 0.99]";

/**
 * measureLag over a stream of seconds too long to hold (a month of recordings): each window's
 * seconds are kept only until the window changes, then reduced to its sums at every lag.
 * Seconds arrive window by window (a window seen again later is reduced on its own).
 */
export class LagAccumulator {
  private readonly lags: number[];
  private readonly sums: Float64Array[] = [];
  private readonly counts: number[] = [];
  private window: LagSecond[] = [];
  private close: number | null = null;

  constructor(private readonly options: LagOptions = {}) {
    const minLag = options.minLag ?? -120;
    const maxLag = options.maxLag ?? 30;
    if (!(Number.isInteger(minLag) && Number.isInteger(maxLag) && minLag <= maxLag)) throw new RangeError(`lags must be whole seconds with min ≤ max: ${minLag}, ${maxLag}`);
    this.lags = Array.from({ length: maxLag - minLag + 1 }, (_, i) => minLag + i);
  }

  add(s: LagSecond): void {
    if (s.close !== this.close) this.reduce();
    this.close = s.close;
    this.window.push(s);
  }

  /** The answer over everything added so far. */
  result(): LagResult {
    this.reduce();
    return answer(this.lags, this.sums, this.counts, this.options);
  }

  /** The current window's sum of squared logit differences at each lag, and how many seconds. */
  private reduce(): void {
    const list = this.window;
    this.window = [];
    this.close = null;
    if (list.length === 0) return;
    const lags = this.lags;
    const fv = new Map<number, number>();
    for (const s of list) fv.set(s.t, logit(s.fairValue));
    const sum = new Float64Array(lags.length);
    let n = 0;
    for (const s of list) {
      if (s.mid === null) continue;
      let complete = true;
      for (let k = 0; k < lags.length && complete; k++) complete = fv.has(s.t - lags[k]!);
      if (!complete) continue;
      const m = logit(s.mid);
      for (let k = 0; k < lags.length; k++) {
        const d = m - fv.get(s.t - lags[k]!)!;
        sum[k]! += d * d;
      }
      n++;
    }
    if (n === 0) return;
    this.sums.push(sum);
    this.counts.push(n);
  }
}

function answer(lags: readonly number[], sums: readonly Float64Array[], counts: readonly number[], options: LagOptions): LagResult {
  const W = sums.length;
  const nSeconds = counts.reduce((a, b) => a + b, 0);
  const measure = MEASURE;
  if (W === 0) return { lag_seconds: null, ci95: null, n_seconds: 0, n_windows: 0, curve: [], measure };
  const curveOf = (weights: readonly number[]) => {
    const total = new Float64Array(lags.length);
    let n = 0;
    for (let w = 0; w < W; w++) {
      const k = weights[w]!;
      if (k === 0) continue;
      n += k * counts[w]!;
      const s = sums[w]!;
      for (let i = 0; i < lags.length; i++) total[i]! += k * s[i]!;
    }
    return Array.from(total, (x) => x / n);
  };
  const best = (curve: readonly number[]) => {
    let i = 0;
    for (let j = 1; j < curve.length; j++) if (curve[j]! < curve[i]!) i = j;
    return lags[i]!;
  };
  const curve = curveOf(new Array<number>(W).fill(1));
  const random = seededRandom(options.seed ?? 20_261_202);
  const resamples = options.resamples ?? 1000;
  const draws: number[] = [];
  const weights = new Array<number>(W);
  for (let b = 0; b < resamples; b++) {
    weights.fill(0);
    for (let i = 0; i < W; i++) weights[Math.floor(random() * W)]!++;
    draws.push(best(curveOf(weights)));
  }
  draws.sort((a, b) => a - b);
  const at = (q: number) => draws[Math.min(draws.length - 1, Math.max(0, Math.floor(q * draws.length)))]!;
  return {
    lag_seconds: best(curve),
    ci95: draws.length ? [at(0.025), at(0.975)] : null,
    n_seconds: nSeconds,
    n_windows: W,
    curve: lags.map((lag, i) => ({ lag, score: curve[i]! })),
    measure,
  };
}
