/**
 * Scores for probability forecasts of a yes/no outcome. Brier = mean (p − y)²; log loss =
 * mean −ln(p of what happened), with p clamped to [1e-4, 1 − 1e-4] so one overconfident
 * forecast cannot make the mean infinite (a market cannot price beyond a tenth of a cent anyway).
 */
export const LOG_LOSS_EPS = 1e-4;

/** −ln(probability given to what happened), clamped as above. */
export function logLossOf(p: number, happened: boolean): number {
  const q = happened ? p : 1 - p;
  return -Math.log(q < LOG_LOSS_EPS ? LOG_LOSS_EPS : q > 1 - LOG_LOSS_EPS ? 1 - LOG_LOSS_EPS : q);
}

export class ProbabilityScore {
  n = 0;
  private sumBrier = 0;
  private sumLog = 0;

  add(p: number, happened: boolean): void {
    const y = happened ? 1 : 0;
    this.sumBrier += (p - y) * (p - y);
    this.sumLog += logLossOf(p, happened);
    this.n++;
  }

  /** NaN with no forecasts. */
  get brier(): number {
    return this.n === 0 ? NaN : this.sumBrier / this.n;
  }

  get logLoss(): number {
    return this.n === 0 ? NaN : this.sumLog / this.n;
  }
}

export interface CalibrationBin {
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
  /** Mean forecast in the bin. */
  readonly mean_p: number;
  /** How often the outcome happened in the bin. */
  readonly freq: number;
}

/** Forecasts grouped into equal-width bins of p, each with how often the outcome happened. */
export class Calibration {
  private readonly n: number[];
  private readonly sumP: number[];
  private readonly hits: number[];

  constructor(readonly bins = 10) {
    this.n = new Array<number>(bins).fill(0);
    this.sumP = new Array<number>(bins).fill(0);
    this.hits = new Array<number>(bins).fill(0);
  }

  add(p: number, happened: boolean): void {
    const i = Math.min(this.bins - 1, Math.max(0, Math.floor(p * this.bins)));
    this.n[i]!++;
    this.sumP[i]! += p;
    if (happened) this.hits[i]!++;
  }

  /** Non-empty bins, lowest first. */
  table(): CalibrationBin[] {
    const out: CalibrationBin[] = [];
    for (let i = 0; i < this.bins; i++) {
      const n = this.n[i]!;
      if (n === 0) continue;
      out.push({ lo: i / this.bins, hi: (i + 1) / this.bins, n, mean_p: this.sumP[i]! / n, freq: this.hits[i]! / n });
    }
    return out;
  }
}
