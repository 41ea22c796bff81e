import { describe, expect, it } from "vitest";
import { quoteFromBids } from "../../src/domain/book.ts";
import { LiveBidBook } from "../../src/kalshi/book.ts";
import { FALLBACK_GRID, gridFloor, isOnGrid } from "../../src/domain/ticks.ts";
import { parseMarket, parseOrderbook } from "../../src/kalshi/wire.ts";

/** GET /markets/{ticker} as Kalshi answered it on 2026-07-24 (abridged), plus its price_ranges. */
const MARKET_REPLY = {
  market: {
    ticker: "KXBTC15M-26JUL232045-45",
    event_ticker: "KXBTC15M-26JUL232045",
    open_time: "2026-07-24T00:30:00Z",
    close_time: "2026-07-24T00:45:00Z",
    status: "finalized",
    result: "no",
    floor_strike: 64839.26,
    strike_type: "greater_or_equal",
    expiration_value: "64809.04",
    settlement_value_dollars: "0.0000",
    yes_bid_dollars: "0.0000",
    yes_ask_dollars: "1.0000",
    no_bid_dollars: "0.0000",
    no_ask_dollars: "1.0000",
    price_level_structure: "tapered_deci_cent",
    price_ranges: [
      { start: "0.0000", end: "0.1000", step: "0.0010" },
      { start: "0.1000", end: "0.9000", step: "0.0100" },
      { start: "0.9000", end: "1.0000", step: "0.0010" },
    ],
  },
};

describe("Kalshi market replies", () => {
  it("reads strike, settlement value, times and the tick structure exactly", () => {
    const m = parseMarket(MARKET_REPLY);
    expect(m).toMatchObject({ ticker: "KXBTC15M-26JUL232045-45", status: "finalized", result: "no", strikeCents: 6_483_926, expirationCents: 6_480_904 });
    expect(m.openTime).toBe(Date.UTC(2026, 6, 24, 0, 30) / 1000);
    expect(m.closeTime - m.openTime).toBe(900);
    expect(m.priceRanges).toEqual([
      { start: 0, end: 1000, step: 10 },
      { start: 1000, end: 9000, step: 100 },
      { start: 9000, end: 10_000, step: 10 },
    ]);
  });

  it("reads an empty book's 0 and 1 as no quote", () => {
    const m = parseMarket(MARKET_REPLY);
    expect([m.yesBid, m.yesAsk, m.noBid, m.noAsk]).toEqual([null, null, null, null]);
  });

  it("never reads the removed integer-cent fields", () => {
    const { yes_bid_dollars: _y, ...rest } = MARKET_REPLY.market;
    const m = parseMarket({ market: { ...rest, yes_bid: 42, floor_strike: undefined, result: "" } });
    expect(m.yesBid).toBeNull();
    expect(m.strikeCents).toBeNull();
    expect(m.result).toBeNull();
  });

  it("refuses a reply without the fields a market must have, naming them", () => {
    const { close_time: _c, ...rest } = MARKET_REPLY.market;
    expect(() => parseMarket({ market: rest })).toThrow(/close_time/);
  });
});

describe("Kalshi order book (bids only)", () => {
  const reply = {
    orderbook_fp: {
      yes_dollars: [["0.3800", "20.00"], ["0.3900", "10.00"], ["0.4000", "5.00"]],
      no_dollars: [["0.5700", "30.00"], ["0.5800", "12.00"], ["0.5900", "7.00"]],
    },
  };

  it("turns NO bids into YES asks and YES bids into NO asks, best (cheapest) first, with their sizes", () => {
    const { book } = parseOrderbook(reply);
    const { quote } = quoteFromBids("T", book, parseMarket(MARKET_REPLY).priceRanges!);
    expect(quote.source).toBe("kalshi");
    expect(quote.yes.bid).toBe(4000);
    expect(quote.yes.asks).toEqual([{ price: 4100, size: 7 }, { price: 4200, size: 12 }, { price: 4300, size: 30 }]);
    expect(quote.no.bid).toBe(5900);
    expect(quote.no.asks).toEqual([{ price: 6000, size: 5 }, { price: 6100, size: 10 }, { price: 6200, size: 20 }]);
  });

  it("sorts levels itself, whatever order they arrive in", () => {
    const shuffled = { orderbook_fp: { yes_dollars: [...reply.orderbook_fp.yes_dollars].reverse(), no_dollars: [reply.orderbook_fp.no_dollars[1], reply.orderbook_fp.no_dollars[2], reply.orderbook_fp.no_dollars[0]] } };
    expect(parseOrderbook(shuffled).book).toEqual(parseOrderbook(reply).book);
  });

  it("skips and counts levels it cannot read; an empty side is simply empty", () => {
    const { book, skipped } = parseOrderbook({ orderbook_fp: { yes_dollars: [["0.40", "5.00"], ["abc", "1"], ["0.41"], ["1.2000", "3.00"], ["0.30", "-1"]] } });
    expect(book.yes).toEqual([{ price: 4000, size: 5 }]);
    expect(book.no).toEqual([]);
    expect(skipped).toBe(4);
    expect(() => parseOrderbook({ orderbook: { yes: [[40, 5]] } })).toThrow(/orderbook_fp/);
  });

  it("keeps tail ticks of 0.1¢ and drops levels off the market's grid", () => {
    const ranges = parseMarket(MARKET_REPLY).priceRanges!;
    const { book } = parseOrderbook({ orderbook_fp: { no_dollars: [["0.9450", "3.00"], ["0.9550", "4.00"], ["0.5050", "9.00"]] } });
    const { quote, offGrid } = quoteFromBids("T", book, ranges);
    expect(quote.yes.asks).toEqual([{ price: 450, size: 4 }, { price: 550, size: 3 }]);
    expect(offGrid).toBe(1); // 0.505 is not on the 1¢ grid between 10¢ and 90¢
    expect(isOnGrid(505, FALLBACK_GRID)).toBe(false);
    expect(gridFloor(5050, ranges)).toBe(5000);
    expect(gridFloor(9555, ranges)).toBe(9550);
  });

  it("applies WebSocket deltas to the bids", () => {
    const b = new LiveBidBook();
    b.replace(parseOrderbook(reply).book);
    b.apply("no", 5900, -7);
    b.apply("no", 6000, 2);
    b.apply("yes", 3800, -5);
    expect(b.bids().no).toEqual([{ price: 5700, size: 30 }, { price: 5800, size: 12 }, { price: 6000, size: 2 }]);
    expect(b.bids().yes[0]).toEqual({ price: 3800, size: 15 });
  });
});
