import { windowAt } from "../domain/window.ts";
import type { MarketBoard } from "./board.ts";
import type { KalshiClient } from "./client.ts";
import type { Clock } from "./clock.ts";
import { parseMarket, parseOrderbook } from "./wire.ts";

export interface MarketFeedOptions {
  readonly series: string;
  readonly clock: Clock;
  /** Order book every this many ms while the window is open. */
  readonly bookPollMs: number;
  /** Market facts (status, strike, ticks) again after this many ms (every round while incomplete). */
  readonly marketRefreshMs: number;
  /** Poll the book (REST); false when the WebSocket keeps the book and only market facts are needed. */
  readonly pollBook: boolean;
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
}

/**
 * Public market data by REST polling. The current window's ticker is computed from the clock and
 * fetched directly (new windows lag in `status=open` listings); its book is polled about once a
 * second while it is open. Writes to a MarketBoard; never throws from the loop.
 */
export class KalshiMarketFeed {
  readonly counters: MarketFeedCounters = { polls: 0, marketFetches: 0, bookFetches: 0, errors: 0, badLevels: 0, notListed: 0 };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly client: KalshiClient,
    readonly board: MarketBoard,
    private readonly opts: MarketFeedOptions,
  ) {}

  /** One round: refresh the current window's market facts if due, then its book. */
  async pollOnce(): Promise<void> {
    this.counters.polls++;
    const now = this.opts.clock.now();
    const window = windowAt(Math.floor(now / 1000), this.opts.series);
    const ticker = window.ticker;
    try {
      const known = this.board.market(ticker);
      const incomplete = known === undefined || known.status !== "active" || known.strikeCents === null;
      // While the market is not yet open with its strike, ask every round: the open is a moment, not a schedule.
      if (incomplete || this.board.marketAge(ticker, now) >= this.opts.marketRefreshMs) {
        const market = await this.fetchMarket(ticker);
        if (market === null) return;
      }
      const market = this.board.market(ticker);
      if (!this.opts.pollBook || (market !== undefined && market.status !== "active")) return;
      this.counters.bookFetches++;
      const json = await this.client.get(`/markets/${ticker}/orderbook`, { query: { depth: 0 } });
      const { book, skipped } = parseOrderbook(json);
      this.counters.badLevels += skipped;
      // Stamped on arrival: the book is known to be what Kalshi showed at this moment.
      this.board.setBook(ticker, book, this.opts.clock.now());
    } catch (e) {
      this.counters.errors++;
      this.opts.onError?.(`kalshi ${ticker}: ${(e as Error).message}`);
    }
  }

  /** GET /markets/{ticker} into the board; null when Kalshi does not list it (404). */
  async fetchMarket(ticker: string) {
    this.counters.marketFetches++;
    try {
      const market = parseMarket(await this.client.get(`/markets/${ticker}`));
      this.board.setMarket(market, this.opts.clock.now());
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
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      const began = Date.now();
      this.running = this.pollOnce();
      await this.running;
      this.running = null;
      if (!this.stopped) this.timer = setTimeout(loop, Math.max(0, this.opts.bookPollMs - (Date.now() - began)));
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
