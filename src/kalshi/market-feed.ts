import type { BookEvent, MarketEvent } from "../domain/events.ts";
import { windowAt } from "../domain/window.ts";
import { PollLoop } from "../net/poll-loop.ts";
import type { Scheduler } from "../net/scheduler.ts";
import type { KalshiClient } from "./client.ts";
import type { Clock } from "./clock.ts";
import { type KalshiMarket, parseMarket, parseOrderbook } from "./wire.ts";

export interface MarketFeedOptions {
  readonly series: string;
  /** The series' price unit: strikes are read to 10^-priceDigits dollar (default 2: cents). */
  readonly priceDigits?: number;
  /** A market's strike rounded to other decimals than priceDigits (told once per ticker). */
  readonly onRoundDigits?: (ticker: string, digits: number) => void;
  readonly clock: Clock;
  /** The poll loop's timers (default the wall clock's). */
  readonly scheduler?: Scheduler;
  /** Order book every this many ms while the window is open. */
  readonly bookPollMs: number;
  /** After failed rounds the next waits longer, doubling up to this cap. */
  readonly backoffMaxMs: number;
  /** Market facts (status, strike, ticks) again after this many ms (every round while incomplete). */
  readonly marketRefreshMs: number;
  /**
   * Poll this market's book (REST) this round: always without a WebSocket; with one, only while
   * it has no in-sequence book (down, reconnecting, resynchronising).
   */
  readonly pollBook: (ticker: string) => boolean;
  /**
   * Kalshi answered a book request without a key with 401 (its API reference puts order books
   * behind a key): told once; book polling then stops, market facts go on.
   */
  readonly onBookNeedsKey?: () => void;
  /** Each market fact and book, as the engine's events. */
  readonly onEvent: (e: MarketEvent | BookEvent) => void;
  readonly onError?: (message: string) => void;
}

export interface MarketFeedCounters {
  polls: number;
  marketFetches: number;
  bookFetches: number;
  errors: number;
  /** Book levels that could not be read and were skipped. */
  badLevels: number;
  notListed: number;
  /** Book requests that went signed (with a key, every one). */
  signedBooks: number;
}

/** A market's facts as Kalshi gave them at `t` (ms), as an engine event. */
export function marketEvent(m: KalshiMarket, t: number): MarketEvent {
  return {
    type: "market",
    t,
    ticker: m.ticker,
    open: m.openTime,
    close: m.closeTime,
    tradable: m.status === "active",
    strikeCents: m.strikeCents,
    ranges: m.priceRanges,
  };
}

/**
 * Public market data by REST polling. The current window's ticker is computed from the clock and
 * fetched directly (new windows lag in `status=open` listings); its book is polled about once a
 * second while it is open, each book stamped with when it was asked for, on the shared poll loop
 * (failed rounds back off). Never throws from the loop.
 */
export class KalshiMarketFeed {
  readonly counters: MarketFeedCounters = { polls: 0, marketFetches: 0, bookFetches: 0, errors: 0, badLevels: 0, notListed: 0, signedBooks: 0 };
  private readonly toldDigits = new Set<string>();
  /** Kalshi refused our keyless book requests: no more are sent. */
  bookNeedsKey = false;
  private readonly known = new Map<string, { market: KalshiMarket; at: number }>();
  private readonly loop: PollLoop;

  constructor(
    private readonly client: KalshiClient,
    private readonly opts: MarketFeedOptions,
  ) {
    this.loop = new PollLoop(() => this.pollOnce(), { intervalMs: opts.bookPollMs, backoffMaxMs: opts.backoffMaxMs, ...(opts.scheduler ? { scheduler: opts.scheduler } : {}) });
  }

  /** One round: refresh the current window's market facts if due, then its book. False when it failed (counted and reported). */
  async pollOnce(): Promise<boolean> {
    this.counters.polls++;
    const now = this.opts.clock.now();
    const ticker = windowAt(Math.floor(now / 1000), this.opts.series).ticker;
    try {
      const known = this.known.get(ticker);
      const incomplete = known === undefined || known.market.status !== "active" || known.market.strikeCents === null;
      // While the market is not yet open with its strike, ask every round: the open is a moment, not a schedule.
      let market = known?.market ?? null;
      if (incomplete || now - known.at >= this.opts.marketRefreshMs) market = await this.fetchMarket(ticker);
      if (market === null || this.bookNeedsKey || !this.opts.pollBook(ticker) || market.status !== "active") return true;
      this.counters.bookFetches++;
      // Stamped when asked for: the book is at least this old when it arrives.
      const requestedMs = this.opts.clock.now();
      const json = await this.bookRequest(ticker);
      if (json === null) return true;
      const { book, skipped } = parseOrderbook(json);
      this.counters.badLevels += skipped;
      this.opts.onEvent({ type: "book", ticker, requestedMs, receivedMs: this.opts.clock.now(), book });
      return true;
    } catch (e) {
      this.counters.errors++;
      this.opts.onError?.(`kalshi ${ticker}: ${(e as Error).message}`);
      return false;
    }
  }

  /**
   * GET /markets/{ticker}/orderbook, signed whenever there is a key (Kalshi's API reference puts it
   * behind one). Null when Kalshi refused it for want of a key (said once, then never asked again).
   */
  private async bookRequest(ticker: string): Promise<unknown> {
    const auth = this.client.hasKey;
    if (auth) this.counters.signedBooks++;
    try {
      return await this.client.get(`/markets/${ticker}/orderbook`, { query: { depth: 0 }, auth });
    } catch (e) {
      if (auth || (e as { status?: number }).status !== 401) throw e;
      this.bookNeedsKey = true;
      this.opts.onBookNeedsKey?.();
      return null;
    }
  }

  /** The market's facts as last fetched, or null. */
  market(ticker: string): KalshiMarket | null {
    return this.known.get(ticker)?.market ?? null;
  }

  /** GET /markets/{ticker}, told to the engine; null when Kalshi does not list it (404). */
  async fetchMarket(ticker: string): Promise<KalshiMarket | null> {
    this.counters.marketFetches++;
    try {
      const market = parseMarket(await this.client.get(`/markets/${ticker}`), this.opts.priceDigits ?? 2);
      if (market.roundDigits !== null && market.roundDigits > (this.opts.priceDigits ?? 2) && !this.toldDigits.has(ticker)) {
        this.toldDigits.add(ticker);
        this.opts.onRoundDigits?.(ticker, market.roundDigits);
      }
      const at = this.opts.clock.now();
      this.known.set(ticker, { market, at });
      while (this.known.size > 4) this.known.delete(this.known.keys().next().value!);
      this.opts.onEvent(marketEvent(market, at));
      return market;
    } catch (e) {
      if ((e as { status?: number }).status === 404) {
        this.counters.notListed++;
        return null;
      }
      throw e;
    }
  }

  /** Polls on its own timer, one round at a time, until stop(). */
  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
