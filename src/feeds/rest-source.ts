import type { FeedLog } from "./config.ts";
import { PriceGuard } from "./price-guard.ts";
import type { RestTicker } from "./rest-tickers.ts";
import type { PriceSource, SourceStatus, TickListener } from "./status.ts";
import { describe } from "./ws-source.ts";

export interface RestSourceOptions {
  pollIntervalMs: number;
  timeoutMs: number;
  backoffMaxMs: number;
  stalenessMs: number;
  maxJumpFraction: number;
  jumpWindowMs: number;
}

export interface RestSourceDeps {
  now: () => number;
  log: FeedLog;
  onTick: TickListener;
  fetch?: typeof fetch;
}

/**
 * Polls one REST ticker every second while active (the index activates it when no WebSocket
 * source is live). One request at a time; after a failure the next poll waits longer, doubling
 * up to the backoff cap, so an exchange answering 429 is not hammered.
 */
export class RestSource implements PriceSource {
  readonly transport = "rest";
  readonly name: string;
  readonly usd: boolean;
  price: number | null = null;
  private lastUpdateMs: number | null = null;
  private messages = 0;
  private parseErrors = 0;
  private rejected = 0;
  private failures = 0;
  private lastLatencyMs: number | null = null;
  private lastError: string | null = null;
  private active = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: { abort: AbortController; done: Promise<void> } | null = null;
  private readonly guard: PriceGuard;

  constructor(private readonly ticker: RestTicker, private readonly opts: RestSourceOptions, private readonly deps: RestSourceDeps) {
    this.name = `${ticker.exchange}-rest`;
    this.usd = ticker.usd;
    this.guard = new PriceGuard(opts.maxJumpFraction, opts.jumpWindowMs);
  }

  /** Polling starts only when the index asks for it. */
  start(): void {}

  setActive(on: boolean): void {
    if (this.stopped || on === this.active) return;
    this.active = on;
    if (on) {
      this.deps.log("info", `${this.name}: polling ${this.ticker.url}`);
      this.poll();
    } else {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
  }

  get polling(): boolean {
    return this.active;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const f = this.inFlight;
    if (f) {
      f.abort.abort();
      await f.done;
    }
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
      price: this.price,
      lastUpdateMs: this.lastUpdateMs,
      messages: this.messages,
      reconnects: 0,
      parseErrors: this.parseErrors,
      rejected: this.rejected,
      gaps: 0,
      unknown: 0,
      lastLatencyMs: this.lastLatencyMs,
      lastError: this.lastError,
    };
  }

  private poll(): void {
    this.timer = null;
    if (!this.active || this.inFlight) return;
    const abort = new AbortController();
    const done = this.request(abort).finally(() => {
      this.inFlight = null;
      if (!this.active) return;
      const wait = this.failures === 0 ? this.opts.pollIntervalMs : Math.min(this.opts.backoffMaxMs, this.opts.pollIntervalMs * 2 ** Math.min(this.failures, 20));
      this.timer = setTimeout(() => this.poll(), wait);
    });
    this.inFlight = { abort, done };
  }

  private async request(abort: AbortController): Promise<void> {
    const t0 = this.deps.now();
    const timeout = setTimeout(() => abort.abort(new Error(`timed out after ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
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
      const now = this.deps.now();
      if (!this.guard.accept(price, now)) {
        this.rejected++;
        throw new Error(`refused price ${String(price)}`);
      }
      this.failures = 0;
      this.price = price;
      this.lastUpdateMs = now;
      this.lastLatencyMs = now - t0;
      this.lastError = null;
      this.deps.onTick(now, price, this.name);
    } catch (e) {
      if (this.stopped) return;
      this.failures++;
      this.lastError = abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason.message : describe(e);
    } finally {
      clearTimeout(timeout);
    }
  }
}
