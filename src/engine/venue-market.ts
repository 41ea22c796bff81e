import { type BidBook, isCrossed, quoteFromBids } from "../domain/book.ts";
import type { Quote, QuoteMiss, QuoteMissReason } from "../domain/quote.ts";
import { FALLBACK_GRID, type PriceRange } from "../domain/ticks.ts";
import type { Window } from "../domain/window.ts";
import type { BookEvent, MarketEvent } from "../domain/events.ts";
import type { MarketSource } from "./market.ts";

export interface VenueMarketCounters {
  quotes: number;
  books: number;
  /** Lookups that found no quote, by why. */
  readonly misses: Record<QuoteMissReason, number>;
  /** Book levels dropped for being off the market's tick grid. */
  offGridLevels: number;
}

/**
 * A real venue's markets and books as the engine learned them from events (Kalshi live, a
 * recording, a quotes file). A quote comes only from a book asked for within `freshnessMs` of
 * the second it is used for, never from a crossed book or a market that is not trading.
 */
export class VenueMarket implements MarketSource {
  readonly counters: VenueMarketCounters = { quotes: 0, books: 0, misses: { missing: 0, stale: 0, empty: 0, crossed: 0, closed: 0 }, offGridLevels: 0 };
  private readonly markets = new Map<string, MarketEvent>();
  private readonly books = new Map<string, BookEvent>();
  /** The last quote made, and the book and grid it was made from. */
  private made: { readonly book: BidBook; readonly ranges: readonly PriceRange[]; readonly ticker: string; readonly quote: Quote } | null = null;

  constructor(
    readonly name: string,
    private readonly freshnessMs: number,
    /** Tickers remembered (a few windows around now). */
    private readonly keep = 8,
  ) {}

  onMarket(e: MarketEvent): void {
    this.markets.delete(e.ticker);
    this.markets.set(e.ticker, e);
    trim(this.markets, this.keep);
  }

  onBook(e: BookEvent): void {
    this.counters.books++;
    this.books.delete(e.ticker);
    if (e.book === null) return;
    this.books.set(e.ticker, e);
    trim(this.books, this.keep);
  }

  officialStrike(ticker: string): number | null {
    return this.markets.get(ticker)?.strikeCents ?? null;
  }

  /** The latest book of a ticker, for display. */
  book(ticker: string): BidBook | null {
    return this.books.get(ticker)?.book ?? null;
  }

  quote(t: number, window: Window): Quote | QuoteMiss {
    const market = this.markets.get(window.ticker);
    if (market !== undefined && (!market.tradable || t >= market.close)) return this.miss("closed", `${window.ticker} is not trading`);
    const b = this.books.get(window.ticker);
    if (b === undefined) return this.miss("missing", `no book for ${window.ticker} yet`);
    const age = t * 1000 - b.requestedMs;
    if (age > this.freshnessMs) return this.miss("stale", `book ${(age / 1000).toFixed(1)} s old (limit ${this.freshnessMs / 1000} s)`);
    const book = b.book!;
    if (isCrossed(book)) return this.miss("crossed", "crossed book: YES bid + NO bid ≥ $1");
    const ranges = market?.ranges ?? FALLBACK_GRID;
    // A book is asked for its quote every second until the next one comes: made once per book and grid.
    let made = this.made;
    if (made === null || made.book !== book || made.ranges !== ranges || made.ticker !== window.ticker) {
      const { quote, offGrid } = quoteFromBids(window.ticker, book, ranges, this.name);
      this.counters.offGridLevels += offGrid;
      made = this.made = { book, ranges, ticker: window.ticker, quote };
    }
    const quote = made.quote;
    if (quote.yes.asks.length === 0 && quote.no.asks.length === 0) return this.miss("empty", "empty book: nothing offered on either side");
    this.counters.quotes++;
    return quote;
  }

  private miss(why: QuoteMissReason, detail: string): QuoteMiss {
    this.counters.misses[why]++;
    return { kind: "miss", why, detail };
  }
}

function trim<V>(map: Map<string, V>, keep: number): void {
  while (map.size > keep) map.delete(map.keys().next().value!);
}
