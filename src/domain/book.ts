import { UNITS_PER_DOLLAR } from "./money.ts";
import type { BookLevel, Quote, SideQuote } from "./quote.ts";
import { type PriceRange, isOnGrid } from "./ticks.ts";

/** A venue's book as Kalshi keeps it: bids only, each side ascending (best last). */
export interface BidBook {
  readonly yes: readonly BookLevel[];
  readonly no: readonly BookLevel[];
}

/**
 * Turns a bids-only book into what a buyer sees. A YES ask at X is a NO bid at 1 − X, so YES
 * asks are the NO bids mirrored (best NO bid → cheapest YES ask first), and NO asks the YES bids
 * mirrored. Levels off the market's tick grid are dropped and counted in `offGrid`.
 */
export function quoteFromBids(ticker: string, book: BidBook, ranges: readonly PriceRange[], source = "kalshi"): { quote: Quote; offGrid: number } {
  // Plain loops: a replay makes a quote from every book it reads, a day's worth in a second.
  let offGrid = 0;
  const onGrid = (levels: readonly BookLevel[]): BookLevel[] => {
    const out: BookLevel[] = [];
    for (const l of levels) {
      if (isOnGrid(l.price, ranges) && isOnGrid(UNITS_PER_DOLLAR - l.price, ranges)) out.push(l);
      else offGrid++;
    }
    return out;
  };
  const yesBids = onGrid(book.yes);
  const noBids = onGrid(book.no);
  const side = (ownBids: readonly BookLevel[], otherBids: readonly BookLevel[]): SideQuote => {
    let bid: number | null = null;
    for (const l of ownBids) if (bid === null || l.price > bid) bid = l.price;
    const n = otherBids.length;
    const asks: BookLevel[] = new Array<BookLevel>(n);
    for (let i = 0; i < n; i++) asks[i] = { price: UNITS_PER_DOLLAR - otherBids[n - 1 - i]!.price, size: otherBids[n - 1 - i]!.size };
    // Bids come ascending (best last), so read from the end their asks come best first; sort only if they did not.
    for (let i = 1; i < asks.length; i++) {
      if (asks[i]!.price < asks[i - 1]!.price) {
        asks.sort((a, b) => a.price - b.price);
        break;
      }
    }
    return { bid, asks };
  };
  return { quote: { ticker, source, yes: side(yesBids, noBids), no: side(noBids, yesBids) }, offGrid };
}

/**
 * A crossed or locked book: the best YES bid and the best NO bid add up to $1 or more, so
 * someone bids more for YES than YES is offered at. Real books never rest like that; such a
 * snapshot is a stale or half-applied book and must not be traded.
 */
export function isCrossed(book: BidBook): boolean {
  const yes = bestBid(book.yes);
  const no = bestBid(book.no);
  return yes !== null && no !== null && yes + no >= UNITS_PER_DOLLAR;
}

export function bestBid(levels: readonly BookLevel[]): number | null {
  let best: number | null = null;
  for (const l of levels) if (best === null || l.price > best) best = l.price;
  return best;
}
