import { Calibration, type CalibrationBin, ProbabilityScore } from "./metrics.ts";
import { studentTQuantile } from "./student-t.ts";

/** Minutes before the close at which every window's forecasts are scored. */
export const CHECKPOINT_MINUTES: readonly number[] = [14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];

/** The checkpoint (minutes before `close`) that instant `t` is, or null when it is none. */
export function checkpointMinutes(close: number, t: number): number | null {
  const left = close - t;
  return left % 60 === 0 && left >= 60 && left <= 14 * 60 ? left / 60 : null;
}

export interface ForecasterScore {
  /** Scored forecasts (windows × checkpoints). */
  readonly n: number;
  readonly windows: number;
  readonly brier: number;
  readonly log_loss: number;
  /** Keyed by minutes before the close ("10", "5", "2", ...). */
  readonly brier_by_minutes_to_close: Record<string, number>;
  readonly log_loss_by_minutes_to_close: Record<string, number>;
  readonly calibration: CalibrationBin[];
}

/** A mean over windows with its 95 % t-interval; null bounds below two windows. */
export interface MeanWithInterval {
  readonly mean: number;
  readonly ci95: readonly [number, number] | null;
  /** Windows it is made of (one value per window). */
  readonly n: number;
}

/**
 * The mean of per-window values with its 95 % Student t-interval. One value per window, because
 * a window's checkpoints share one outcome and are far from independent; windows nearly are.
 */
export function meanInterval(values: readonly number[]): MeanWithInterval {
  const n = values.length;
  if (n === 0) return { mean: NaN, ci95: null, n };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { mean, ci95: null, n };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const half = studentTQuantile(0.975, n - 1) * Math.sqrt(ss / (n - 1) / n);
  return { mean, ci95: [mean - half, mean + half], n };
}

interface Pending {
  readonly minutes: number[];
  readonly probs: number[][];
}

/**
 * Scores several forecasters the same way: each gives P(up) at the checkpoints of a window,
 * and when the window settles every forecast is scored against what happened, whether the
 * strategy traded or not. A window that cannot be settled is dropped unscored.
 */
export class Scorecard {
  private readonly overall: ProbabilityScore[];
  private readonly byMinute: Map<number, ProbabilityScore>[];
  private readonly calibration: Calibration[];
  private readonly pending = new Map<number, Pending>();
  private windows = 0;
  /** Per forecaster: each scored window's mean squared error over its checkpoints. */
  private readonly windowBrier: number[][];
  /** Per forecaster and checkpoint minute: each scored window's squared error there, in one order for all forecasters. */
  private readonly minuteErrors: Map<number, number[]>[];

  constructor(readonly names: readonly string[]) {
    this.overall = names.map(() => new ProbabilityScore());
    this.byMinute = names.map(() => new Map(CHECKPOINT_MINUTES.map((m) => [m, new ProbabilityScore()])));
    this.calibration = names.map(() => new Calibration());
    this.windowBrier = names.map(() => []);
    this.minuteErrors = names.map(() => new Map(CHECKPOINT_MINUTES.map((m) => [m, []])));
  }

  /** Forecasts (one per name, in order) made `minutes` before the close of the window closing at `close`. */
  record(close: number, minutes: number, probs: readonly number[]): void {
    let p = this.pending.get(close);
    if (p === undefined) this.pending.set(close, (p = { minutes: [], probs: [] }));
    p.minutes.push(minutes);
    p.probs.push([...probs]);
  }

  /** The window closing at `close` settled up (true), down (false), or could not be settled (null). */
  resolve(close: number, up: boolean | null): void {
    const p = this.pending.get(close);
    this.pending.delete(close);
    if (p === undefined || up === null) return;
    this.windows++;
    const y = up ? 1 : 0;
    const sums = this.names.map(() => 0);
    p.minutes.forEach((m, i) => {
      const probs = p.probs[i]!;
      probs.forEach((prob, k) => {
        this.overall[k]!.add(prob, up);
        this.byMinute[k]!.get(m)?.add(prob, up);
        this.calibration[k]!.add(prob, up);
        const e = (prob - y) * (prob - y);
        sums[k]! += e;
        this.minuteErrors[k]!.get(m)?.push(e);
      });
    });
    sums.forEach((s, k) => this.windowBrier[k]!.push(s / p.minutes.length));
  }

  /** Brier of `name` with its 95 % interval over windows: overall (each window's mean) or at one checkpoint minute. */
  brierInterval(name: string, minutes?: number): MeanWithInterval {
    return meanInterval(this.errors(this.index(name), minutes));
  }

  /**
   * Brier of `a` minus Brier of `b` on the very same checkpoints, with its 95 % interval over
   * windows (paired: each window's difference). Negative: `a` forecast better.
   */
  brierDifference(a: string, b: string, minutes?: number): MeanWithInterval {
    const ea = this.errors(this.index(a), minutes);
    const eb = this.errors(this.index(b), minutes);
    return meanInterval(ea.map((e, i) => e - eb[i]!));
  }

  /** A forecaster's squared errors: each window's mean, or each checkpoint's at `minutes` before the close. */
  private errors(k: number, minutes: number | undefined): readonly number[] {
    return minutes === undefined ? this.windowBrier[k]! : (this.minuteErrors[k]!.get(minutes) ?? []);
  }

  private index(name: string): number {
    const k = this.names.indexOf(name);
    if (k < 0) throw new RangeError(`no forecaster ${name}`);
    return k;
  }

  /** Forgets forecasts of windows that will never settle (a data gap). */
  dropPending(): void {
    this.pending.clear();
  }

  score(name: string): ForecasterScore {
    const k = this.index(name);
    const brierBy: Record<string, number> = {};
    const logBy: Record<string, number> = {};
    for (const [m, s] of this.byMinute[k]!) {
      brierBy[String(m)] = s.brier;
      logBy[String(m)] = s.logLoss;
    }
    const o = this.overall[k]!;
    return {
      n: o.n,
      windows: this.windows,
      brier: o.brier,
      log_loss: o.logLoss,
      brier_by_minutes_to_close: brierBy,
      log_loss_by_minutes_to_close: logBy,
      calibration: this.calibration[k]!.table(),
    };
  }
}
