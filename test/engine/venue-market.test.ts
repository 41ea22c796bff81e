import { describe, expect, it } from "vitest";
import type { BidBook } from "../../src/domain/book.ts";
import { isQuote } from "../../src/domain/quote.ts";
import { windowAt } from "../../src/domain/window.ts";
import { Engine } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { VenueMarket } from "../../src/engine/venue-market.ts";
import { TRADING_CONFIG, randomWalk, second } from "./fixtures.ts";

const OPEN = 1_785_000_600;
const W = windowAt(OPEN);
const BOOK: BidBook = { yes: [{ price: 4500, size: 10 }], no: [{ price: 5200, size: 8 }, { price: 5300, size: 6 }] };

function venue(book: BidBook | null, requestedMs: number, receivedMs = requestedMs) {
  const v = new VenueMarket("kalshi", 2000);
  v.onMarket({ type: "market", t: requestedMs, ticker: W.ticker, open: OPEN, close: W.close, tradable: true, strikeCents: 6_400_000, ranges: null });
  v.onBook({ type: "book", ticker: W.ticker, requestedMs, receivedMs, book });
  return v;
}

describe("a venue's books as quotes", () => {
  it("quotes a fresh book: YES asks are NO bids mirrored", () => {
    const q = venue(BOOK, (OPEN + 10) * 1000).quote(OPEN + 11, W);
    if (!isQuote(q)) throw new Error(q.detail);
    expect(q.yes.asks).toEqual([{ price: 4700, size: 6 }, { price: 4800, size: 8 }]);
    expect(q.no.asks).toEqual([{ price: 5500, size: 10 }]);
  });

  it("counts a book's age from when it was asked for, not from when the slow reply came", () => {
    // Asked for at +8.0 s, answered 3.5 s later: at +12 it is 4 s old, however recent the reply.
    const v = venue(BOOK, (OPEN + 8) * 1000, (OPEN + 11.5) * 1000);
    expect(v.quote(OPEN + 12, W)).toMatchObject({ kind: "miss", why: "stale", detail: "book 4.0 s old (limit 2 s)" });
    expect(v.counters.misses.stale).toBe(1);
  });

  it("refuses a crossed or locked book, counts it and says why", () => {
    const locked: BidBook = { yes: [{ price: 4800, size: 5 }], no: [{ price: 5200, size: 5 }] }; // 48¢ + 52¢ = $1
    const crossed: BidBook = { yes: [{ price: 4000, size: 5 }, { price: 6100, size: 1 }], no: [{ price: 4000, size: 5 }] };
    for (const b of [locked, crossed]) {
      const v = venue(b, (OPEN + 10) * 1000);
      expect(v.quote(OPEN + 10, W)).toMatchObject({ kind: "miss", why: "crossed", detail: expect.stringMatching(/crossed book/) });
      expect(v.counters.misses.crossed).toBe(1);
    }
    expect(isQuote(venue({ yes: [{ price: 4700, size: 5 }], no: [{ price: 5200, size: 5 }] }, (OPEN + 10) * 1000).quote(OPEN + 10, W))).toBe(true);
  });

  it("says whether the book is missing, empty, lost, or the market not trading", () => {
    expect(new VenueMarket("kalshi", 2000).quote(OPEN + 10, W)).toMatchObject({ why: "missing" });
    expect(venue({ yes: [], no: [] }, (OPEN + 10) * 1000).quote(OPEN + 10, W)).toMatchObject({ why: "empty" });
    expect(venue(null, (OPEN + 10) * 1000).quote(OPEN + 10, W)).toMatchObject({ why: "missing" });
    const v = venue(BOOK, (OPEN + 10) * 1000);
    v.onMarket({ type: "market", t: 0, ticker: W.ticker, open: OPEN, close: W.close, tradable: false, strikeCents: 6_400_000, ranges: null });
    expect(v.quote(OPEN + 10, W)).toMatchObject({ why: "closed" });
  });

  it("a crossed book never trades, and the engine counts it as no quote, with the reason shown", () => {
    const prices = randomWalk(5, 3 * 900, OPEN - 2 * 900);
    const v = new VenueMarket("kalshi", 2000);
    const e = new Engine(TRADING_CONFIG, { market: v, journal: new MemoryJournal() });
    for (const p of prices) {
      const w = windowAt(p.second + 1);
      // A crossed book every second: 99¢ YES bid against a 50¢ NO bid.
      e.handle({ type: "book", ticker: w.ticker, requestedMs: (p.second + 1) * 1000, receivedMs: (p.second + 1) * 1000, book: { yes: [{ price: 9900, size: 100 }], no: [{ price: 5000, size: 100 }] } });
      e.handle(second(p.second, p.cents, false));
    }
    expect(e.counters.trades).toBe(0);
    expect(e.counters.noTrade.no_quote).toBeGreaterThan(0);
    expect(v.counters.misses.crossed).toBe(e.counters.noTrade.no_quote);
    expect(e.lastIdle?.decision.detail).toMatch(/crossed book/);
  });
});
