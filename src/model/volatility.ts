/**
 * Volatility from recent returns: an exponentially weighted mean of squared 60-second relative
 * returns, updated every second (overlapping), read as a variance per second. 60-second returns
 * are used rather than 1-second ones because they are unbiased both on real one-second prices
 * (little bid-ask bounce at that scale) and on prices rebuilt from one-minute bars, whose
 * within-minute path is a straight line.
 */
export const RETURN_SECONDS = 60;

export class VolatilityEstimator {
  private readonly decay: number;
  private weighted = 0;
  private weight = 0;
  private n = 0;

  constructor(readonly halfLifeSeconds: number) {
    if (!(halfLifeSeconds > 0)) throw new RangeError("half-life must be positive");
    this.decay = Math.pow(0.5, 1 / halfLifeSeconds);
  }

  /** Feeds the price now and the price 60 seconds earlier (any unit). */
  update(now: number, before: number): void {
    const r = (now - before) / before;
    this.weighted = this.weighted * this.decay + r * r;
    this.weight = this.weight * this.decay + 1;
    this.n++;
  }

  /** Returns observed since the last reset. */
  get samples(): number {
    return this.n;
  }

  /** Variance of the relative price change per second (bias-corrected for the start-up). */
  variancePerSecond(): number {
    return this.weight === 0 ? 0 : this.weighted / this.weight / RETURN_SECONDS;
  }

  reset(): void {
    this.weighted = 0;
    this.weight = 0;
    this.n = 0;
  }
}
