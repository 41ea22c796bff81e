import { describe } from "../net/network-error.ts";
import { PollLoop } from "../net/poll-loop.ts";
import type { Scheduler } from "../net/scheduler.ts";
import type { FeedLog } from "./config.ts";
import { PriceGuard } from "./price-guard.ts";
import type { RestTicker } from "./rest-tickers.ts";
import type { PriceSource, SourceStatus, TickListener } from "./status.ts";

export interface RestSourceOptions {
  pollIntervalMs: number;
  timeoutMs: number;
  backoffMaxMs: number;
  stalenessMs: number;
  maxJumpFraction: number;
  jumpWindowMs: number;
}

export interface RestSourceDeps {
  scheduler: Scheduler;
  log: FeedLog;
  onTick: TickListener;
  fetch?: typeof fetch;
  /** In [0, 1): the backoff's jitter. */
  random?: () => number;
}

/**
 * Polls one coin's REST ticker on one exchange every second while active (the index activates it when no WebSocket
 * source is live), on the shared poll loop: one request at a time, and after a failure the next
 * poll waits the shared backoff, so an exchange answering 429 is not hammered.
 */
export class RestSource implements PriceSource {
  readonly transport = "rest";
  readonly name: string;
  readonly usd: boolean;
  price: number | null = null;
  private lastUpdateMs: number | null = null;
  private messages = 0;
  private prices = 0;
  private parseErrors = 0;
  private rejected = 0;
  private failures = 0;
  private lastLatencyMs: number | null = null;
  private lastError: string | null = null;
  private active = false;
  private stopped = false;
  private abort: AbortController | null = null;
  private readonly guard: PriceGuard;
  private readonly loop: PollLoop;

  constructor(private readonly ticker: RestTicker, private readonly opts: RestSourceOptions, private readonly deps: RestSourceDeps) {
    this.name = `${ticker.exchange}-rest`;
    this.usd = ticker.usd;
    this.guard = new PriceGuard(opts.maxJumpFraction, opts.jumpWindowMs);
    this.loop = new PollLoop(() => this.request(), { intervalMs: opts.pollIntervalMs, backoffMaxMs: opts.backoffMaxMs, random: deps.random, scheduler: deps.scheduler });
  }

  /** Polling starts only when the index asks for it. */
  start(): void {}

  setActive(on: boolean): void {
    if (this.stopped || on === this.active) return;
    this.active = on;
    if (on) {
      this.deps.log("info", `${this.name} ${this.ticker.coin}: polling ${this.ticker.url}`);
      this.loop.start();
    } else {
      // A request in flight may finish; its price is still a price.
      void this.loop.stop();
    }
  }

  get coin(): string {
    return this.ticker.coin;
  }

  get polling(): boolean {
    return this.active;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.active = false;
    this.abort?.abort();
    await this.loop.stop();
  }

  isLive(nowMs: number): boolean {
    return this.active && this.lastUpdateMs !== null && nowMs - this.lastUpdateMs <= this.opts.stalenessMs;
  }

  status(nowMs: number): SourceStatus {
    let state: SourceStatus["state"];
    if (!this.active) state = "stopped";
    else if (this.isLive(nowMs)) state = "live";
    else if (this.failures > 0) state = "backoff";
    else state = this.lastUpdateMs === null ? "connecting" : "stale";
    return {
      name: this.name,
      transport: "rest",
      usd: this.usd,
      state,
      coin: this.ticker.coin,
      price: this.price,
      lastUpdateMs: this.lastUpdateMs,
      messages: this.messages,
      prices: this.prices,
      reconnects: 0,
      parseErrors: this.parseErrors,
      rejected: this.rejected,
      gaps: 0,
      unknown: 0,
      lastLatencyMs: this.lastLatencyMs,
      lastError: this.lastError,
    };
  }

  /** One poll: true when it delivered a price. */
  private async request(): Promise<boolean> {
    const abort = new AbortController();
    this.abort = abort;
    const t0 = this.deps.scheduler.now();
    const timeout = this.deps.scheduler.after(this.opts.timeoutMs, () => abort.abort(new Error(`timed out after ${this.opts.timeoutMs} ms`)));
    try {
      const res = await (this.deps.fetch ?? fetch)(this.ticker.url, { signal: abort.signal, headers: { accept: "application/json" } });
      const text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.messages++;
      let price: number;
      try {
        price = this.ticker.read(JSON.parse(text));
      } catch (e) {
        this.parseErrors++;
        throw e;
      }
      const now = this.deps.scheduler.now();
      if (!this.guard.accept(price, now)) {
        this.rejected++;
        throw new Error(`refused price ${String(price)}`);
      }
      this.failures = 0;
      this.price = price;
      this.lastUpdateMs = now;
      this.lastLatencyMs = now - t0;
      this.lastError = null;
      this.prices++;
      this.deps.onTick(now, price, this.name, this.ticker.coin);
      return true;
    } catch (e) {
      if (this.stopped) return false;
      this.failures++;
      this.lastError = abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason.message : describe(e);
      return false;
    } finally {
      timeout.cancel();
      this.abort = null;
    }
  }
}
