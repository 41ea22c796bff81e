import type { BidBook } from "../domain/book.ts";
import { addContracts } from "../domain/contracts.ts";
import { type Money, UNITS_PER_DOLLAR } from "../domain/money.ts";
import type { BookLevel } from "../domain/quote.ts";
import type { Side } from "../domain/settlement.ts";

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
    const next = addContracts(levels.get(price) ?? 0, delta);
    if (next <= 0) levels.delete(price);
    else levels.set(price, next);
  }

  bids(): BidBook {
    const asc = (m: Map<Money, number>) => [...m].map(([price, size]) => ({ price, size })).sort((a, b) => a.price - b.price);
    return { yes: asc(this.sides.yes), no: asc(this.sides.no) };
  }
}

/**
 * NO levels given in YES-leg prices (the order-book channel with `use_yes_price`: a NO bid at q
 * rests at 1 − q on the YES scale) as NO bids at NO prices, ascending like every side.
 */
export function noBidsAtNoPrices(levels: readonly BookLevel[]): BookLevel[] {
  return levels.map((l) => ({ price: UNITS_PER_DOLLAR - l.price, size: l.size })).sort((a, b) => a.price - b.price);
}
