// Kalshi's WebSocket frames as the documentation gives them, read at the boundary.
import { describe, expect, it } from "vitest";
import { parseSocketFrame } from "../../src/kalshi/wire.ts";

const T = "KXBTC15M-26JUL251345-45";

describe("Kalshi WebSocket frames", () => {
  it("reads the subscription acknowledgement", () => {
    expect(parseSocketFrame({ id: 3, type: "subscribed", msg: { channel: "orderbook_delta", sid: 7 } })).toEqual({ type: "subscribed", id: 3, channel: "orderbook_delta", sid: 7 });
  });

  it("reads a snapshot into exact money, an empty side as no levels, and counts bad levels", () => {
    const f = parseSocketFrame({
      type: "orderbook_snapshot",
      sid: 7,
      seq: 1,
      msg: { market_ticker: T, market_id: "9b0f", no_dollars_fp: [["0.5300", "6.00"], ["0.5200", "8.00"], ["0", "1.00"], "junk"] },
    });
    expect(f).toEqual({ type: "orderbook_snapshot", sid: 7, seq: 1, ticker: T, book: { yes: [], no: [{ price: 5200, size: 8 }, { price: 5300, size: 6 }] }, skipped: 2 });
  });

  it("reads a delta with its sign, side and the venue's time", () => {
    expect(parseSocketFrame({ type: "orderbook_delta", sid: 7, seq: 2, msg: { market_ticker: T, price_dollars: "0.5300", delta_fp: "-6.00", side: "no", ts_ms: 1_785_000_605_123 } })).toEqual({
      type: "orderbook_delta",
      sid: 7,
      seq: 2,
      ticker: T,
      side: "no",
      price: 5300,
      delta: -6,
      venueMs: 1_785_000_605_123,
    });
    const noTime = parseSocketFrame({ type: "orderbook_delta", sid: 7, seq: 3, msg: { market_ticker: T, price_dollars: "0.4600", delta_fp: "3.00", side: "yes", ts_ms: "soon" } });
    expect(noTime).toMatchObject({ delta: 3, venueMs: null });
  });

  it("names the market of a delta it cannot read, so the book can be dropped and resynchronised", () => {
    for (const msg of [
      { market_ticker: T, price_dollars: "x", delta_fp: "1.00", side: "no" },
      { market_ticker: T, price_dollars: "1.2000", delta_fp: "1.00", side: "no" },
      { market_ticker: T, price_dollars: "0.4000", delta_fp: "1.00", side: "maybe" },
      { market_ticker: T, price_dollars: "0.4000", delta_fp: "lots", side: "yes" },
    ]) {
      expect(parseSocketFrame({ type: "orderbook_delta", sid: 7, seq: 4, msg })).toMatchObject({ type: "unreadable", frameType: "orderbook_delta", ticker: T });
    }
    expect(parseSocketFrame({ type: "orderbook_delta", sid: 7, msg: { market_ticker: T, price_dollars: "0.4000", delta_fp: "1.00", side: "no" } })).toMatchObject({ type: "unreadable", reason: expect.stringMatching(/seq/) });
  });

  it("reads lifecycle events, fills and error frames", () => {
    expect(parseSocketFrame({ type: "market_lifecycle_v2", sid: 1, msg: { market_ticker: T, event_type: "determined", result: "yes", settlement_value: "1.0000" } })).toEqual({ type: "market_lifecycle_v2", ticker: T, eventType: "determined", result: "yes" });
    expect(parseSocketFrame({ type: "market_lifecycle_v2", sid: 1, msg: { market_ticker: T, event_type: "activated" } })).toMatchObject({ result: null });
    expect(parseSocketFrame({ type: "fill", sid: 2, msg: { trade_id: "t1", order_id: "o1", market_ticker: T, is_taker: true, yes_price_dollars: "0.4700", count_fp: "3.00", fee_cost: "0.0600", outcome_side: "no", book_side: "bid", ts_ms: 1 } })).toEqual({
      type: "fill",
      fill: { orderId: "o1", ticker: T, side: "no", price: 5300, contracts: 3, fee: 600 },
    });
    expect(parseSocketFrame({ type: "fill", sid: 2, msg: { order_id: "o1", count_fp: "3.00" } })).toMatchObject({ type: "unreadable", frameType: "fill" });
    expect(parseSocketFrame({ id: 4, type: "error", msg: { code: 9, msg: "Authentication required" } })).toEqual({ type: "error", code: "9", message: "Authentication required" });
  });

  it("passes over frame types it does not act on, and calls anything without a type unreadable", () => {
    expect(parseSocketFrame({ id: 5, type: "ok", msg: {} })).toEqual({ type: "other" });
    expect(parseSocketFrame({ type: "toString" })).toEqual({ type: "other" });
    for (const junk of [null, 42, "orderbook_delta", [{ type: "fill" }], { msg: {} }]) expect(parseSocketFrame(junk)).toMatchObject({ type: "unreadable", ticker: null });
  });
});
