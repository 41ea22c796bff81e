import { describe, expect, it } from "vitest";
import { parseConfig, resolveConfig } from "../../src/config/load.ts";

describe("feeds configuration", () => {
  it("defaults to the specification: composite, Coinbase first, 2 s staleness, a 3 s failover deadline", () => {
    const f = parseConfig({}).feeds;
    expect(f.mode).toBe("composite");
    expect(f.order).toEqual(["coinbase", "binanceus", "kraken", "bitstamp", "rest"]);
    expect(f.stalenessMs).toBe(2000);
    expect(f.failover.switchDeadlineMs).toBe(3000);
    expect(f.coinbase.wsUrl).toBe("wss://ws-feed.exchange.coinbase.com");
    expect(f.binanceus.wsUrl).toBe("wss://stream.binance.us:9443/ws/btcusdt@trade");
    expect(f.kraken.wsUrl).toBe("wss://ws.kraken.com/v2");
    expect(f.bitstamp.wsUrl).toBe("wss://ws.bitstamp.net");
    expect(f.warmStart).toEqual({ enabled: true, seconds: 1800, timeoutMs: 5000 });
  });

  it("takes URLs, mode and order from the environment", () => {
    const f = resolveConfig({ env: { BTC15_KRAKEN_WS_URL: "ws://127.0.0.1:9000/v2", BTC15_FEEDS_MODE: "failover", BTC15_FEEDS_ORDER: '["kraken","rest"]', BTC15_BITSTAMP_ENABLED: "false" } }).feeds;
    expect(f.kraken.wsUrl).toBe("ws://127.0.0.1:9000/v2");
    expect(f.mode).toBe("failover");
    expect(f.order).toEqual(["kraken", "rest"]);
    expect(f.bitstamp.enabled).toBe(false);
  });

  it("refuses a failover deadline beyond 3 s, unknown sources, duplicates and unknown settings", () => {
    expect(() => parseConfig({ feeds: { failover: { switchDeadlineMs: 4000 } } })).toThrow(/feeds\.failover\.switchDeadlineMs: must be between 200 and 3000/);
    expect(() => parseConfig({ feeds: { order: ["coinbase", "gemini"] } })).toThrow(/feeds\.order\.1/);
    expect(() => parseConfig({ feeds: { order: ["coinbase", "coinbase"] } })).toThrow(/must not name a source twice/);
    expect(() => parseConfig({ feeds: { coinbase: { url: "wss://x" } } })).toThrow(/feeds\.coinbase\.url: unknown setting/);
    expect(() => parseConfig({ feeds: { connection: { backoffBaseMs: 5000, backoffMaxMs: 1000 } } })).toThrow(/backoffBaseMs must not exceed/);
  });
});
