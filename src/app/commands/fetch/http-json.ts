import { type Clock, sleep, systemClock } from "../../../kalshi/clock.ts";
import { TokenBucket } from "../../../kalshi/rate-limit.ts";

export interface JsonGetterOptions {
  readonly timeoutMs: number;
  /** Retries after the first try, on 429, 5xx, timeouts and network errors. */
  readonly maxRetries: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Pacing: at most this many requests a second. */
  readonly requestsPerSecond: number;
  readonly fetch?: typeof fetch;
  readonly wait?: (ms: number) => Promise<void>;
  readonly clock?: Clock;
}

/**
 * GETs JSON from an exchange's public REST API, paced by a token bucket and retried with
 * exponential backoff on 429 and 5xx (Coinbase's public limit is 10 requests a second).
 */
export class JsonGetter {
  readonly counters = { requests: 0, retries: 0, rateLimited: 0 };
  private readonly bucket: TokenBucket;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly opts: JsonGetterOptions) {
    this.wait = opts.wait ?? ((ms) => sleep(ms));
    this.bucket = new TokenBucket(opts.requestsPerSecond, opts.clock ?? systemClock, this.wait);
  }

  async get(url: string): Promise<unknown> {
    const what = `GET ${new URL(url).pathname}`;
    for (let attempt = 0; ; attempt++) {
      await this.bucket.take(1);
      this.counters.requests++;
      let failure: string;
      let transient = true;
      try {
        const res = await (this.opts.fetch ?? fetch)(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(this.opts.timeoutMs) });
        const text = await res.text();
        if (res.ok) {
          try {
            return JSON.parse(text);
          } catch {
            failure = `${what}: reply is not JSON`;
          }
        } else {
          if (res.status === 429) this.counters.rateLimited++;
          transient = res.status === 429 || res.status >= 500;
          failure = `${what}: HTTP ${res.status}`;
        }
      } catch (e) {
        const err = e as Error & { cause?: { code?: string; message?: string } };
        failure = `${what}: ${err.name === "TimeoutError" ? `no reply within ${this.opts.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message)}`;
      }
      if (!transient || attempt >= this.opts.maxRetries) throw new Error(failure);
      this.counters.retries++;
      await this.wait(Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** attempt));
    }
  }
}
