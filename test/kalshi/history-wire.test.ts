import { describe, expect, it } from "vitest";
import { KalshiParseError, parseCandlesticks, parseHistoricalCutoff, parseMarketList } from "../../src/kalshi/wire.ts";

describe("Kalshi history replies", () => {
  it("reads candlesticks in the live form (close_dollars, volume_fp) and the historical form (close, volume)", () => {
    const live = parseCandlesticks({
      ticker: "KXBTC15M-26MAR111715-15",
      candlesticks: [
        { end_period_ts: 1773262860, yes_bid: { open_dollars: "0.4100", low_dollars: "0.4000", high_dollars: "0.4300", close_dollars: "0.4200" }, yes_ask: { close_dollars: "0.4400" }, price: { close_dollars: null }, volume_fp: "12.00", open_interest_fp: "80.00" },
        { end_period_ts: 1773262920, yes_bid: { close_dollars: "0.0000" }, yes_ask: { close_dollars: "1.0000" }, volume_fp: "0.00" },
      ],
    });
    expect(live).toEqual({ candles: [{ endTs: 1773262860, yesBid: 4200, yesAsk: 4400, volume: 12 }, { endTs: 1773262920, yesBid: 0, yesAsk: 10_000, volume: 0 }], skipped: 0 });
    const archived = parseCandlesticks({ ticker: "T", candlesticks: [{ end_period_ts: 1773262860, yes_bid: { open: "0.41", low: "0.40", high: "0.43", close: "0.420000" }, yes_ask: { close: "0.44" }, price: { close: null }, volume: "5.00", open_interest: "9.00" }] });
    expect(archived.candles).toEqual([{ endTs: 1773262860, yesBid: 4200, yesAsk: 4400, volume: 5 }]);
  });

  it("skips a candle it cannot read and refuses a reply without candlesticks", () => {
    const r = parseCandlesticks({ candlesticks: [{ yes_bid: { close: "0.4" } }, { end_period_ts: 60, yes_bid: { close_dollars: "1.2000" } }, { end_period_ts: 120, yes_bid: { close_dollars: "0.50" } }, null] });
    expect(r.candles).toEqual([{ endTs: 120, yesBid: 5000, yesAsk: null, volume: null }]);
    expect(r.skipped).toBe(3);
    expect(() => parseCandlesticks({ error: "x" })).toThrow(KalshiParseError);
  });

  it("reads the historical cutoff as an ISO time or unix (milli)seconds, null when absent", () => {
    expect(parseHistoricalCutoff({ market_settled_ts: "2026-08-01T00:00:00Z", trades_created_ts: "2026-07-01T00:00:00Z" })).toBe(Date.UTC(2026, 7, 1) / 1000);
    expect(parseHistoricalCutoff({ market_settled_ts: 1785542400 })).toBe(1785542400);
    expect(parseHistoricalCutoff({ market_settled_ts: 1785542400000 })).toBe(1785542400);
    expect(parseHistoricalCutoff({ market_settled_ts: "1785542400" })).toBe(1785542400);
    expect(parseHistoricalCutoff({ cutoff: "2026-08-01T00:00:00Z" })).toBeNull();
    expect(parseHistoricalCutoff({ market_settled_ts: "soon" })).toBeNull();
  });

  it("reads a page of markets with its cursor, skipping a market it cannot read", () => {
    const good = { ticker: "KXBTC15M-26MAR111715-15", status: "finalized", open_time: "2026-03-11T21:00:00Z", close_time: "2026-03-11T21:15:00Z", result: "no", floor_strike: 70123.45, expiration_value: "70001.99" };
    const page = parseMarketList({ markets: [good, { ticker: "X" }], cursor: "abc" });
    expect(page.markets.map((m) => [m.ticker, m.result, m.strikeCents, m.expirationCents, m.closeTime])).toEqual([["KXBTC15M-26MAR111715-15", "no", 7_012_345, 7_000_199, 1773263700]]);
    expect(page.skipped).toBe(1);
    expect(page.cursor).toBe("abc");
    expect(parseMarketList({ markets: [], cursor: "" }).cursor).toBeNull();
    expect(() => parseMarketList({})).toThrow(/no markets array/);
  });
});
