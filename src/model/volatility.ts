/**
 * Volatility from recent returns: an exponentially weighted mean of squared 60-second relative
 * returns, read as a variance per second. A return counts only when both of its ends are exact
 * prices (seen in their second: a tick, a trade, a one-second bar, a minute bar's close), never
 * a price drawn on a line inside a rebuilt bar or carried over a silence.
 *
 * Why: on seconds rebuilt from one-minute bars, a 60-s difference that ends a fraction `a` of the
 * way through a minute mixes two minutes' moves, (1 − a)·ΔC₁ + a·ΔC₂, and its variance is only
 * ((1 − a)² + a²) of the true one (2/3 on average). Between two minute closes it is exact. On real
 * seconds every second is exact, so every overlapping 60-s return is used. The rebuilt seconds
 * hold nothing beyond the closes they are drawn from, so the close-to-close returns lose no
 * information either. A carried second's price is stale by an unknown time, so it is skipped too.
 *
 * The weights decay once a second whether a return arrived or not, so the half-life is in seconds
 * on both kinds of series (one return a second on real seconds, one a minute on rebuilt ones).
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

  /**
   * One second passes: `now` is its price and `before` the price 60 seconds earlier (any unit);
   * their return is counted only when `exact` (both ends exact prices).
   */
  update(now: number, before: number, exact = true): void {
    this.weighted *= this.decay;
    this.weight *= this.decay;
    if (!exact) return;
    const r = (now - before) / before;
    this.weighted += r * r;
    this.weight += 1;
    this.n++;
  }

  /** Returns counted since the last reset. */
  get samples(): number {
    return this.n;
  }

  /** Variance of the relative price change per second (a weighted mean, so unbiased from the first return). */
  variancePerSecond(): number {
    return this.weight === 0 ? 0 : this.weighted / this.weight / RETURN_SECONDS;
  }

  reset(): void {
    this.weighted = 0;
    this.weight = 0;
    this.n = 0;
  }
}
