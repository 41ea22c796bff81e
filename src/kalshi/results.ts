import type { Side } from "../domain/settlement.ts";
import type { KalshiClient } from "./client.ts";
import type { Clock } from "./clock.ts";
import { parseMarket } from "./wire.ts";

/** Kalshi's official outcome of one window. */
export interface OfficialResult {
  readonly ticker: string;
  /** Unix seconds of the window's close. */
  readonly close: number;
  readonly result: Side;
  /** `expiration_value` in cents, when Kalshi gave it. */
  readonly settlementCents: number | null;
  /** Kalshi's strike in cents, when known. */
  readonly strikeCents: number | null;
}

export interface ResultWatcherOptions {
  readonly clock: Clock;
  readonly pollMs: number;
  /** Stop asking this many ms after the close (the positions stay pending). */
  readonly giveUpMs: number;
  readonly onResult: (r: OfficialResult) => void;
  readonly onGiveUp?: (ticker: string, close: number) => void;
  readonly onError?: (message: string) => void;
}

export interface ResultWatcherCounters {
  polls: number;
  results: number;
  givenUp: number;
  errors: number;
}

/**
 * Waits for official results after each close: polls GET /markets/{ticker} until `result` is
 * "yes" or "no" (usually seconds, sometimes minutes), then reports it once. A WebSocket
 * `determined` event can ask for an early poll with hint().
 */
export class ResultWatcher {
  readonly counters: ResultWatcherCounters = { polls: 0, results: 0, givenUp: 0, errors: 0 };
  private readonly watched = new Map<string, { close: number; due: number }>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly client: KalshiClient,
    private readonly opts: ResultWatcherOptions,
  ) {}

  watch(ticker: string, close: number): void {
    if (!this.watched.has(ticker)) this.watched.set(ticker, { close, due: close * 1000 });
  }

  /** Windows still waiting for their result. */
  get pending(): string[] {
    return [...this.watched.keys()];
  }

  /** Poll this ticker at the next round (Kalshi announced a determination). */
  hint(ticker: string): void {
    const w = this.watched.get(ticker);
    if (w !== undefined) w.due = 0;
  }

  /** Asks about every watched window that is due. */
  async pollOnce(): Promise<void> {
    const now = this.opts.clock.now();
    for (const [ticker, w] of [...this.watched]) {
      if (now < w.due) continue;
      if (now > w.close * 1000 + this.opts.giveUpMs) {
        this.watched.delete(ticker);
        this.counters.givenUp++;
        this.opts.onGiveUp?.(ticker, w.close);
        continue;
      }
      w.due = now + this.opts.pollMs;
      this.counters.polls++;
      try {
        const m = parseMarket(await this.client.get(`/markets/${ticker}`));
        if (m.result === null) continue;
        this.watched.delete(ticker);
        this.counters.results++;
        this.opts.onResult({ ticker, close: w.close, result: m.result, settlementCents: m.expirationCents, strikeCents: m.strikeCents });
      } catch (e) {
        this.counters.errors++;
        this.opts.onError?.(`kalshi result ${ticker}: ${(e as Error).message}`);
      }
    }
  }

  start(tickMs = 1000): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      this.running = this.pollOnce();
      await this.running;
      this.running = null;
      if (!this.stopped) this.timer = setTimeout(loop, Math.min(tickMs, this.opts.pollMs));
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
