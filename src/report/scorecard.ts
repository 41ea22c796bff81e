import { Calibration, type CalibrationBin, ProbabilityScore } from "./metrics.ts";

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

  constructor(readonly names: readonly string[]) {
    this.overall = names.map(() => new ProbabilityScore());
    this.byMinute = names.map(() => new Map(CHECKPOINT_MINUTES.map((m) => [m, new ProbabilityScore()])));
    this.calibration = names.map(() => new Calibration());
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
    p.minutes.forEach((m, i) => {
      const probs = p.probs[i]!;
      probs.forEach((prob, k) => {
        this.overall[k]!.add(prob, up);
        this.byMinute[k]!.get(m)?.add(prob, up);
        this.calibration[k]!.add(prob, up);
      });
    });
  }

  /** Forgets forecasts of windows that will never settle (a data gap). */
  dropPending(): void {
    this.pending.clear();
  }

  score(name: string): ForecasterScore {
    const k = this.names.indexOf(name);
    if (k < 0) throw new RangeError(`no forecaster ${name}`);
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
