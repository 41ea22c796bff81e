import { type Money, UNITS_PER_DOLLAR } from "../domain/money.ts";
import type { BookLevel, Quote, SideQuote } from "../domain/quote.ts";
import type { Side } from "../domain/settlement.ts";
import { type PriceRange, isOnGrid } from "./ticks.ts";
import type { BidBook } from "./wire.ts";

/**
 * Turns Kalshi's bids-only book into what a buyer sees. A YES ask at X is a NO bid at 1 − X, so
 * YES asks are the NO bids mirrored (best NO bid → cheapest YES ask first), and NO asks the YES
 * bids mirrored. Levels off the market's tick grid are dropped and counted in `offGrid`.
 */
export function quoteFromBids(ticker: string, book: BidBook, ranges: readonly PriceRange[]): { quote: Quote; offGrid: number } {
  let offGrid = 0;
  const onGrid = (levels: readonly BookLevel[]) =>
    levels.filter((l) => {
      const ok = isOnGrid(l.price, ranges) && isOnGrid(UNITS_PER_DOLLAR - l.price, ranges);
      if (!ok) offGrid++;
      return ok;
    });
  const yesBids = onGrid(book.yes);
  const noBids = onGrid(book.no);
  const side = (ownBids: readonly BookLevel[], otherBids: readonly BookLevel[]): SideQuote => ({
    bid: ownBids.length ? Math.max(...ownBids.map((l) => l.price)) : null,
    asks: otherBids
      .map((l) => ({ price: UNITS_PER_DOLLAR - l.price, size: l.size }))
      .sort((a, b) => a.price - b.price),
  });
  return { quote: { ticker, source: "kalshi", yes: side(yesBids, noBids), no: side(noBids, yesBids) }, offGrid };
}

/**
 * The bids of one market kept up to date from the WebSocket: a snapshot, then deltas (a change
 * in the count resting at one price on one side).
 */
export class LiveBidBook {
  private readonly sides: Record<Side, Map<Money, number>> = { yes: new Map(), no: new Map() };

  replace(book: BidBook): void {
    for (const side of ["yes", "no"] as const) {
      this.sides[side].clear();
      for (const l of book[side]) this.sides[side].set(l.price, l.size);
    }
  }

  /** Adds `delta` contracts (negative removes) at `price`; a level that reaches zero disappears. */
  apply(side: Side, price: Money, delta: number): void {
    const levels = this.sides[side];
    const next = Math.round(((levels.get(price) ?? 0) + delta) * 100) / 100;
    if (next <= 0) levels.delete(price);
    else levels.set(price, next);
  }

  bids(): BidBook {
    const asc = (m: Map<Money, number>) => [...m].map(([price, size]) => ({ price, size })).sort((a, b) => a.price - b.price);
    return { yes: asc(this.sides.yes), no: asc(this.sides.no) };
  }
}
