import type { Clock } from "./clock.ts";
import { sleep } from "./clock.ts";

/**
 * Paces requests under Kalshi's token buckets: `tokensPerSecond` refill, a bucket of one
 * second's worth, each request costing `cost` tokens. A caller waits until its tokens are there.
 * The budget is the account's, not a series': one client (one bucket of each kind) serves every
 * series of a process, so several series together stay within it.
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

  /**
   * Resolves true once `cost` tokens are taken; false, without taking any, as soon as `signal`
   * aborts (the client closed): a wait cut short by the abort must not turn into a spin.
   */
  async take(cost: number, signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted) return false;
      this.refill();
      if (this.tokens >= cost) {
        this.tokens -= cost;
        return true;
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
