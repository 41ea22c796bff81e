import type { PriceRange } from "./ticks.ts";
import type { BidBook, KalshiMarket } from "./wire.ts";

/** A book as seen at one moment: `asOf` (ms) is when it was last known to be current. */
export interface BookSnapshot {
  readonly ticker: string;
  readonly asOf: number;
  readonly bids: BidBook;
}

/**
 * The latest market facts and books per ticker, written by the REST poller or the WebSocket and
 * read by the market source. Old tickers are forgotten so it never grows.
 */
export class MarketBoard {
  private readonly markets = new Map<string, { market: KalshiMarket; at: number }>();
  private readonly books = new Map<string, BookSnapshot>();

  constructor(private readonly keep = 8) {}

  setMarket(market: KalshiMarket, at: number): void {
    this.markets.delete(market.ticker);
    this.markets.set(market.ticker, { market, at });
    trim(this.markets, this.keep);
  }

  market(ticker: string): KalshiMarket | undefined {
    return this.markets.get(ticker)?.market;
  }

  marketAge(ticker: string, now: number): number {
    const m = this.markets.get(ticker);
    return m === undefined ? Infinity : now - m.at;
  }

  setBook(ticker: string, bids: BidBook, asOf: number): void {
    this.books.delete(ticker);
    this.books.set(ticker, { ticker, bids, asOf });
    trim(this.books, this.keep);
  }

  /** Marks a book still current (a healthy, in-sequence WebSocket) without changing it. */
  touch(ticker: string, asOf: number): void {
    const b = this.books.get(ticker);
    if (b !== undefined && asOf > b.asOf) this.books.set(ticker, { ...b, asOf });
  }

  dropBook(ticker: string): void {
    this.books.delete(ticker);
  }

  book(ticker: string): BookSnapshot | undefined {
    return this.books.get(ticker);
  }

  ranges(ticker: string): readonly PriceRange[] | null {
    return this.markets.get(ticker)?.market.priceRanges ?? null;
  }
}

function trim<V>(map: Map<string, V>, keep: number): void {
  while (map.size > keep) map.delete(map.keys().next().value!);
}
