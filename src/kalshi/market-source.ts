import type { Quote } from "../domain/quote.ts";
import type { Window } from "../domain/window.ts";
import type { MarketBoard } from "./board.ts";
import { quoteFromBids } from "./book.ts";
import { FALLBACK_GRID } from "./ticks.ts";

export interface KalshiMarketSourceCounters {
  quotes: number;
  /** No book for the window's ticker yet. */
  noBook: number;
  /** A book too old (or too new) for the second asked about. */
  stale: number;
  /** The market is known and not open for trading. */
  notOpen: number;
  offGridLevels: number;
}

/**
 * The engine's market source backed by Kalshi's real book (structurally the engine's
 * MarketSource). A quote comes only from a book known current within `freshnessMs` of the
 * second asked about, so a paper fill never uses a price the book did not show then.
 */
export class KalshiMarketSource {
  readonly name = "kalshi";
  readonly counters: KalshiMarketSourceCounters = { quotes: 0, noBook: 0, stale: 0, notOpen: 0, offGridLevels: 0 };

  constructor(
    private readonly board: MarketBoard,
    private readonly freshnessMs: number,
  ) {}

  quote(t: number, window: Window, _fairValueUp?: number): Quote | null {
    const market = this.board.market(window.ticker);
    if (market !== undefined && (market.status !== "active" || t >= market.closeTime)) {
      this.counters.notOpen++;
      return null;
    }
    const snap = this.board.book(window.ticker);
    if (snap === undefined) {
      this.counters.noBook++;
      return null;
    }
    if (Math.abs(t * 1000 - snap.asOf) > this.freshnessMs) {
      this.counters.stale++;
      return null;
    }
    const { quote, offGrid } = quoteFromBids(window.ticker, snap.bids, this.board.ranges(window.ticker) ?? FALLBACK_GRID);
    this.counters.offGridLevels += offGrid;
    this.counters.quotes++;
    return market?.strikeCents != null ? { ...quote, strikeCents: market.strikeCents } : quote;
  }
}
