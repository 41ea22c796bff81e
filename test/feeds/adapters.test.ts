import { describe, expect, it } from "vitest";
import { BinanceUsAdapter } from "../../src/feeds/exchanges/binanceus.ts";
import { BitstampAdapter } from "../../src/feeds/exchanges/bitstamp.ts";
import { CoinbaseAdapter } from "../../src/feeds/exchanges/coinbase.ts";
import { KrakenAdapter } from "../../src/feeds/exchanges/kraken.ts";
import type { Frame } from "../../src/feeds/frame.ts";
import { median } from "../../src/feeds/median.ts";
import { PriceGuard } from "../../src/feeds/price-guard.ts";
import { restTicker } from "../../src/feeds/rest-tickers.ts";
import { UsdtRate } from "../../src/feeds/usdt-rate.ts";
import { frames } from "../fakes/exchanges.ts";
import { feedsConfig } from "./helpers.ts";

const T = Date.UTC(2026, 5, 19, 12, 0, 0);
const read = (a: { read(m: unknown): Frame | readonly Frame[] }, text: string) => a.read(JSON.parse(text)) as Frame;

describe("Coinbase Exchange frames", () => {
  const cb = () => new CoinbaseAdapter("wss://x", { BTC: "BTC-USD" });

  it("subscribes to ticker, heartbeat and matches for the product", () => {
    expect(JSON.parse(cb().subscribe()[0]!)).toEqual({ type: "subscribe", product_ids: ["BTC-USD"], channels: ["ticker", "heartbeat", "matches"] });
  });

  it("prices a ticker at the top-of-book mid, stamped with the exchange time", () => {
    const f = read(cb(), frames.coinbaseTicker(65000.5, 10, 1, T));
    expect(f.kind).toBe("price");
    if (f.kind !== "price") return;
    expect(f.price).toBeCloseTo(65000.5, 6);
    expect(f.exchangeMs).toBe(T);
  });

  it("falls back to the last trade price when the book is crossed or missing", () => {
    const f = cb().read({ type: "ticker", product_id: "BTC-USD", sequence: 1, price: "64000.00", best_bid: "64010.00", best_ask: "63990.00", time: "2026-06-19T12:00:00.000001Z" });
    expect(f).toMatchObject({ kind: "price", price: 64000 });
  });

  it("reads heartbeats and acknowledgements as proof of life, errors as errors, the rest as unknown", () => {
    const a = cb();
    expect(read(a, '{"type":"subscriptions","channels":[{"name":"ticker","product_ids":["BTC-USD"]}]}').kind).toBe("alive");
    expect(read(a, frames.coinbaseHeartbeat(5, 100, T)).kind).toBe("alive");
    expect(read(a, '{"type":"error","message":"Failed to subscribe","reason":"ErrSlowConsume"}')).toEqual({ kind: "error", message: "coinbase: Failed to subscribe (ErrSlowConsume)" });
    expect(read(a, '{"type":"l3update","product_id":"BTC-USD"}').kind).toBe("unknown");
    expect(read(a, frames.coinbaseTicker(1, 50, 1, T).replace("BTC-USD", "ETH-USD")).kind).toBe("unknown");
    expect(a.read([1, 2]).kind).toBe("unknown");
  });

  it("drops a message whose sequence is older than one already seen, but not the ticker sharing its match's sequence", () => {
    const a = cb();
    expect(read(a, frames.coinbaseMatch(65000, 20, 7, T)).kind).toBe("alive");
    expect(read(a, frames.coinbaseTicker(65000, 20, 7, T)).kind).toBe("price");
    expect(read(a, frames.coinbaseTicker(64000, 19, 6, T)).kind).toBe("alive");
  });

  it("detects missed matches from trade ids and from the heartbeat's last trade id", () => {
    const a = cb();
    expect(read(a, frames.coinbaseMatch(1, 1, 100, T, "last_match"))).toEqual({ kind: "alive", coin: "BTC" });
    expect(read(a, frames.coinbaseMatch(1, 2, 101, T))).toEqual({ kind: "alive", coin: "BTC" });
    expect(read(a, frames.coinbaseMatch(1, 5, 104, T))).toEqual({ kind: "alive", coin: "BTC", gap: 2 });
    expect(read(a, frames.coinbaseHeartbeat(6, 104, T))).toEqual({ kind: "alive", coin: "BTC" });
    expect(read(a, frames.coinbaseHeartbeat(9, 107, T))).toEqual({ kind: "alive", coin: "BTC", gap: 3 });
    a.reset();
    expect(read(a, frames.coinbaseMatch(1, 1, 500, T))).toEqual({ kind: "alive", coin: "BTC" });
  });
});

describe("Binance.US frames", () => {
  const bn = new BinanceUsAdapter("wss://x/ws/btcusdt@trade", { BTC: "btcusdt" }, true);

  it("subscribes live to the book ticker beside the trade stream in the URL", () => {
    expect(JSON.parse(bn.subscribe()[0]!)).toEqual({ method: "SUBSCRIBE", params: ["btcusdt@bookTicker"], id: 1 });
    expect(new BinanceUsAdapter("wss://x/ws/btcusdt@trade", { BTC: "btcusdt" }, false).subscribe()).toEqual([]);
    expect(bn.usd).toBe(false);
  });

  it("prices trades and book-ticker mids; acknowledges and errors are told apart", () => {
    expect(read(bn, frames.binanceTrade(64990.12, 1, T))).toEqual({ kind: "price", coin: "BTC", price: 64990.12, exchangeMs: T });
    const b = read(bn, frames.binanceBookTicker(64990, 64991, 7));
    expect(b.kind === "price" && b.price).toBeCloseTo(64990.5, 6);
    expect(read(bn, '{"result":null,"id":1}').kind).toBe("alive");
    expect(read(bn, '{"code":2,"msg":"Invalid request"}')).toEqual({ kind: "error", message: "binanceus: 2 Invalid request" });
    expect(read(bn, '{"e":"aggTrade","p":"1"}').kind).toBe("unknown");
  });
});

describe("Kraken v2 frames", () => {
  const kr = new KrakenAdapter("wss://x/v2", { BTC: "BTC/USD" });

  it("subscribes to the ticker on best-bid-offer changes", () => {
    expect(JSON.parse(kr.subscribe()[0]!)).toEqual({ method: "subscribe", params: { channel: "ticker", symbol: ["BTC/USD"], event_trigger: "bbo", snapshot: true }, req_id: 1 });
  });

  it("prices the ticker at its mid and reads heartbeat, status, acks and failures", () => {
    const f = read(kr, frames.krakenTicker(65000, T));
    expect(f.kind === "price" && f.price).toBeCloseTo(65000, 6);
    expect(f.kind === "price" && f.exchangeMs).toBe(T);
    expect(read(kr, frames.krakenHeartbeat()).kind).toBe("alive");
    expect(read(kr, frames.krakenStatus()).kind).toBe("alive");
    expect(read(kr, '{"method":"subscribe","result":{"channel":"ticker","symbol":"BTC/USD"},"success":true}').kind).toBe("alive");
    expect(read(kr, '{"error":"Currency pair not supported XBT/USD","method":"subscribe","success":false}')).toEqual({ kind: "error", message: "kraken: Currency pair not supported XBT/USD" });
    expect(read(kr, '{"channel":"book","data":[]}').kind).toBe("unknown");
    expect(read(kr, '{"channel":"ticker","data":[{"symbol":"ETH/USD","bid":1,"ask":2}]}').kind).toBe("unknown");
  });
});

describe("Bitstamp frames", () => {
  const bs = new BitstampAdapter("wss://x", { BTC: "btcusd" });

  it("subscribes to live trades and keeps the connection alive with its own heartbeat", () => {
    expect(JSON.parse(bs.subscribe()[0]!)).toEqual({ event: "bts:subscribe", data: { channel: "live_trades_btcusd" } });
    expect(JSON.parse(bs.keepalive())).toEqual({ event: "bts:heartbeat" });
  });

  it("prices trades from price_str with the microsecond timestamp; obeys request_reconnect", () => {
    expect(read(bs, frames.bitstampTrade(65001.25, 9, T))).toEqual({ kind: "price", coin: "BTC", price: 65001.25, exchangeMs: T });
    expect(read(bs, '{"event":"bts:heartbeat","channel":"","data":{"status":"success"}}').kind).toBe("alive");
    expect(read(bs, '{"event":"bts:subscription_succeeded","channel":"live_trades_btcusd","data":{}}').kind).toBe("alive");
    expect(read(bs, '{"event":"bts:request_reconnect","channel":"","data":""}').kind).toBe("reconnect");
    expect(read(bs, '{"event":"bts:error","channel":"","data":{"code":null,"message":"Incorrect JSON format."}}')).toEqual({ kind: "error", message: "bitstamp: Incorrect JSON format." });
    expect(read(bs, frames.bitstampTrade(1, 1, T).replace("live_trades_btcusd", "live_trades_etheur")).kind).toBe("unknown");
  });
});

describe("REST tickers", () => {
  const c = feedsConfig(null);

  it("read each exchange's documented reply", () => {
    expect(restTicker("coinbase", c).read({ ask: "65000.02", bid: "64999.98", price: "64999.00" })).toBeCloseTo(65000, 6);
    expect(restTicker("binanceus", c).read({ symbol: "BTCUSDT", price: "65010.00000000" })).toBe(65010);
    expect(restTicker("kraken", c).read({ error: [], result: { XXBTZUSD: { a: ["65000.1", "1", "1"], b: ["64999.9", "1", "1"], c: ["64000", "1"] } } })).toBeCloseTo(65000, 6);
    expect(() => restTicker("kraken", c).read({ error: ["EQuery:Unknown asset pair"], result: {} })).toThrow(/Unknown asset pair/);
    expect(restTicker("bitstamp", c).read({ last: "65000", bid: "64999", ask: "65001" })).toBe(65000);
    expect(restTicker("coinbase", c).read("nonsense")).toBeNaN();
  });

  it("build URLs from the configured base", () => {
    expect(restTicker("coinbase", c).url).toBe("https://api.exchange.coinbase.com/products/BTC-USD/ticker");
    expect(restTicker("binanceus", c).url).toBe("https://api.binance.us/api/v3/ticker/price?symbol=BTCUSDT");
    expect(restTicker("kraken", feedsConfig(null, { kraken: { restUrl: "http://127.0.0.1:9/" } })).url).toBe("http://127.0.0.1:9/0/public/Ticker?pair=XBTUSD");
  });
});

describe("price guard", () => {
  it("refuses zero, negative, non-finite prices and absurd jumps, and re-anchors after its window", () => {
    const g = new PriceGuard(0.05, 10_000);
    for (const bad of [0, -1, NaN, Infinity]) expect(g.accept(bad, 0)).toBe(false);
    expect(g.accept(65_000, 0)).toBe(true);
    expect(g.accept(65_000 * 1.06, 1000)).toBe(false);
    expect(g.accept(65_000 * 0.94, 1000)).toBe(false);
    expect(g.accept(65_000 * 1.04, 1000)).toBe(true);
    // The reference is the last accepted price: 10 s later a far price is taken as the new level.
    expect(g.accept(80_000, 11_001)).toBe(true);
  });
});

describe("index arithmetic", () => {
  it("median of odd and even counts", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("learns USD per USDT once a second and ignores samples that are not a stablecoin rate", () => {
    const r = new UsdtRate(10);
    r.observe(1000, 65_065, [65_000]);
    expect(r.value).toBeCloseTo(65_000 / 65_065, 12);
    r.observe(1500, 60_000, [65_000]); // same second: ignored
    expect(r.value).toBeCloseTo(65_000 / 65_065, 12);
    r.observe(2000, 30_000, [65_000]); // 2.17: a bad price, not a rate
    expect(r.value).toBeCloseTo(65_000 / 65_065, 12);
    r.observe(3000, 65_000, [64_990, 65_000, 65_010]);
    expect(r.value!).toBeGreaterThan(65_000 / 65_065);
    expect(r.value!).toBeLessThan(1);
  });
});
