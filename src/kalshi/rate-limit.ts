import type { Clock } from "./clock.ts";
import { sleep } from "./clock.ts";

/**
 * Paces requests under Kalshi's token buckets: `tokensPerSecond` refill, a bucket of one
 * second's worth, each request costing `cost` tokens. A caller waits until its tokens are there.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly tokensPerSecond: number,
    private readonly clock: Clock,
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {
    this.tokens = tokensPerSecond;
    this.last = clock.now();
  }

  /** Resolves once `cost` tokens are taken. */
  async take(cost: number): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= cost) {
        this.tokens -= cost;
        return;
      }
      await this.wait(Math.ceil(((cost - this.tokens) / this.tokensPerSecond) * 1000));
    }
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.tokensPerSecond, this.tokens + ((now - this.last) / 1000) * this.tokensPerSecond);
    this.last = now;
  }
}
