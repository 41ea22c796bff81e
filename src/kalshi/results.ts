import type { Side } from "../domain/settlement.ts";
import { PollLoop } from "../net/poll-loop.ts";
import type { Scheduler } from "../net/scheduler.ts";
import type { KalshiClient } from "./client.ts";
import type { Clock } from "./clock.ts";
import { parseMarket } from "./wire.ts";

/** Kalshi's official outcome of one window. */
export interface OfficialResult {
  readonly ticker: string;
  /** Unix seconds of the window's close. */
  readonly close: number;
  readonly result: Side;
  /** `expiration_value` in the series' price units (cents for BTC), when Kalshi gave it. */
  readonly settlementCents: number | null;
  /** Kalshi's strike in the same units, when known. */
  readonly strikeCents: number | null;
}

export interface ResultWatcherOptions {
  readonly clock: Clock;
  /** The series' price unit: settlement values are read to 10^-priceDigits dollar (default 2: cents). */
  readonly priceDigits?: number;
  /** The poll loop's timers (default the wall clock's). */
  readonly scheduler?: Scheduler;
  readonly pollMs: number;
  /** After rounds where every request failed the next waits longer, doubling up to this cap. */
  readonly backoffMaxMs: number;
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
 * `determined` event can ask for an early poll with hint(). Runs on the shared poll loop.
 */
export class ResultWatcher {
  readonly counters: ResultWatcherCounters = { polls: 0, results: 0, givenUp: 0, errors: 0 };
  private readonly watched = new Map<string, { close: number; due: number }>();
  private readonly loop: PollLoop;

  constructor(
    private readonly client: KalshiClient,
    private readonly opts: ResultWatcherOptions,
  ) {
    // Looks once a second for windows that are due, so a hint() is acted on within a second.
    this.loop = new PollLoop(() => this.pollOnce(), { intervalMs: Math.min(1000, opts.pollMs), backoffMaxMs: opts.backoffMaxMs, ...(opts.scheduler ? { scheduler: opts.scheduler } : {}) });
  }

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

  /** Asks about every watched window that is due; false when every request failed. */
  async pollOnce(): Promise<boolean> {
    const now = this.opts.clock.now();
    let answered = 0;
    let failed = 0;
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
        const m = parseMarket(await this.client.get(`/markets/${ticker}`), this.opts.priceDigits ?? 2);
        answered++;
        if (m.result === null) continue;
        this.watched.delete(ticker);
        this.counters.results++;
        this.opts.onResult({ ticker, close: w.close, result: m.result, settlementCents: m.expirationCents, strikeCents: m.strikeCents });
      } catch (e) {
        failed++;
        this.counters.errors++;
        this.opts.onError?.(`kalshi result ${ticker}: ${(e as Error).message}`);
      }
    }
    return failed === 0 || answered > 0;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
