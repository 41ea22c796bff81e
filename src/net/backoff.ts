/**
 * Capped exponential backoff with jitter: base × 2^(attempt−1), at most `maxMs`, scaled by a
 * random factor in [0.5, 1] so that many clients dropped together do not return together. The
 * one backoff: socket reconnects, poll loops and Kalshi's request retries all wait by it.
 */
export class Backoff {
  private attempt = 0;

  constructor(private readonly baseMs: number, private readonly maxMs: number, private readonly random: () => number = Math.random) {}

  next(): number {
    this.attempt++;
    const full = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt - 1, 30));
    return Math.round(full * (0.5 + this.random() / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
