/** How far the exchange median (our proxy) was from the settlement index, over the index-priced seconds. */
export interface IndexCheckCounters {
  /** Seconds the settlement index priced. */
  indexSeconds: number;
  /** Of those, seconds where the exchange median had a price too (compared). */
  compared: number;
  /** Largest |median − index| seen, cents. */
  maxDiffCents: number;
  /** Sum of |median − index|, cents (the mean is this over `compared`). */
  sumDiffCents: number;
}

/**
 * The proxy against the truth: each index-priced second carries the exchange median's price of
 * the same second, and the difference is counted (a histogram of whole cents, for the median).
 * Deterministic, so a replay of a recording counts the same.
 */
export class IndexCheck {
  readonly counters: IndexCheckCounters = { indexSeconds: 0, compared: 0, maxDiffCents: 0, sumDiffCents: 0 };
  private readonly histogram = new Map<number, number>();

  observe(indexCents: number, proxyCents: number | undefined): void {
    this.counters.indexSeconds++;
    if (proxyCents === undefined) return;
    const d = Math.abs(proxyCents - indexCents);
    this.counters.compared++;
    this.counters.sumDiffCents += d;
    if (d > this.counters.maxDiffCents) this.counters.maxDiffCents = d;
    this.histogram.set(d, (this.histogram.get(d) ?? 0) + 1);
  }

  /** The median |median − index| in cents, or null before any comparison. */
  medianDiffCents(): number | null {
    const n = this.counters.compared;
    if (n === 0) return null;
    const sorted = [...this.histogram].sort((a, b) => a[0] - b[0]);
    let seen = 0;
    for (const [d, k] of sorted) {
      seen += k;
      if (seen * 2 >= n) return d;
    }
    return sorted.at(-1)![0];
  }
}
