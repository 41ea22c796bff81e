// Two coins over the same exchange connections: each exchange is connected once and subscribed
// once for both coins' products, and the two price streams are kept apart — each coin with its
// own index, counters, failover and REST fallback. Fake exchanges on 127.0.0.1, simulated clock.
import { afterEach, describe, expect, it } from "vitest";
import { SERIES } from "../../src/domain/series.ts";
import { PriceIndex, warmStart } from "../../src/feeds/index.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { feedsConfig } from "./helpers.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const T0 = Date.parse("2026-11-20T14:03:07.400Z");
const BTC = SERIES.find((s) => s.coin === "BTC")!.products;
const ETH = SERIES.find((s) => s.coin === "ETH")!.products;
const WS = ["coinbase", "binanceus", "kraken", "bitstamp"] as const;

async function world(sim: SimScheduler): Promise<FakeExchanges> {
  const fx = await startFakeExchanges({ price: 65_000, scheduler: sim });
  cleanup.push(() => fx.close());
  for (const n of WS) fx.exchanges[n].prices.set("ETH", 3_000);
  return fx;
}

function track(index: PriceIndex): PriceIndex {
  cleanup.push(() => index.stop());
  return index;
}

describe("several coins on one connection per exchange", () => {
  it("subscribes to both products once per exchange and keeps the two price streams apart", async () => {
    const sim = new SimScheduler(T0);
    const waitFor = (cond: () => boolean, what: string) => sim.until(cond, what, { simMs: 30_000 });
    const fx = await world(sim);
    const index = track(new PriceIndex(feedsConfig(fx.feedsConfig, { rest: { enabled: false } }), { scheduler: sim, coins: [BTC, ETH] }));
    index.start();
    const btc = index.coin("BTC");
    const eth = index.coin("ETH");
    await waitFor(() => btc.read(sim.now()).contributors.length === 4 && eth.read(sim.now()).contributors.length === 4, "both coins priced by all four exchanges");

    // One connection per exchange, one subscription naming both coins.
    for (const n of WS) expect(fx.exchanges[n].connections, n).toBe(1);
    const sent = (n: (typeof WS)[number]) => fx.exchanges[n].received.map((t) => JSON.parse(t) as Record<string, unknown>);
    expect(sent("coinbase").filter((m) => m.type === "subscribe")).toEqual([{ type: "subscribe", product_ids: ["BTC-USD", "ETH-USD"], channels: ["ticker", "heartbeat", "matches"] }]);
    expect(sent("kraken").filter((m) => m.method === "subscribe").map((m) => (m.params as { symbol: string[] }).symbol)).toEqual([["BTC/USD", "ETH/USD"]]);
    // Binance.US: BTC's trades come with the URL's raw stream; everything else in one SUBSCRIBE.
    expect(sent("binanceus").filter((m) => m.method === "SUBSCRIBE").map((m) => m.params)).toEqual([["btcusdt@bookTicker", "ethusdt@trade", "ethusdt@bookTicker"]]);
    // Bitstamp's protocol takes one channel per subscribe: two messages on the same connection.
    expect(sent("bitstamp").filter((m) => m.event === "bts:subscribe").map((m) => (m.data as { channel: string }).channel)).toEqual(["live_trades_btcusd", "live_trades_ethusd"]);

    expect(btc.read(sim.now()).price).toBeCloseTo(65_000, 1);
    expect(eth.read(sim.now()).price).toBeCloseTo(3_000, 1);
    expect(index.read().coin).toBe("BTC"); // the index's own methods are the first coin's

    // A move of one coin moves only its index; every tick heard says its coin.
    const heard: string[] = [];
    index.onPrice((_t, _p, source, coin) => heard.push(`${coin}:${source}`));
    fx.setPrice(3_030, "ETH");
    await waitFor(() => Math.abs(eth.read(sim.now()).price! - 3_030) < 0.5, "ETH's new price");
    expect(btc.read(sim.now()).price).toBeCloseTo(65_000, 1);
    expect(heard.some((h) => h.startsWith("ETH:"))).toBe(true);

    // A refused price is counted for its coin only.
    fx.exchanges.coinbase.sendPrice(9_999, "ETH"); // a 230% jump: refused by ETH's guard
    await waitFor(() => eth.read(sim.now()).sources.find((s) => s.name === "coinbase")!.rejected === 1, "ETH's refused price");
    expect(btc.read(sim.now()).sources.find((s) => s.name === "coinbase")!.rejected).toBe(0);
    expect(eth.read(sim.now()).price).toBeCloseTo(3_030, 1);
  });

  it("fails over and falls back to REST per coin: a halted product moves only its own coin's index", async () => {
    const sim = new SimScheduler(T0);
    const waitFor = (cond: () => boolean, what: string) => sim.until(cond, what, { simMs: 30_000 });
    const fx = await world(sim);
    const config = feedsConfig(fx.feedsConfig, { mode: "failover", order: ["coinbase", "kraken", "rest"], binanceus: { enabled: false }, bitstamp: { enabled: false }, rest: { sources: ["coinbase"] } });
    const index = track(new PriceIndex(config, { scheduler: sim, coins: [BTC, ETH] }));
    index.start();
    const btc = index.coin("BTC");
    const eth = index.coin("ETH");
    await waitFor(() => btc.read(sim.now()).contributors[0] === "coinbase" && eth.read(sim.now()).contributors[0] === "coinbase", "both coins on Coinbase");

    // ETH halts on Coinbase (the connection stays up for BTC): ETH switches to Kraken, BTC stays.
    fx.exchanges.coinbase.mute("ETH", true);
    await waitFor(() => eth.read(sim.now()).contributors[0] === "kraken", "ETH on Kraken");
    expect(eth.read(sim.now()).switches).toBe(1);
    expect(btc.read(sim.now()).contributors).toEqual(["coinbase"]);
    expect(btc.read(sim.now()).switches).toBe(0);
    expect(fx.exchanges.coinbase.connections).toBe(1);

    // ETH halts on Kraken too: ETH's REST ticker is polled, BTC's is not (its start-up polling over).
    const rest = (r: ReturnType<typeof btc.read>) => r.sources.find((s) => s.name === "coinbase-rest")!.state;
    await waitFor(() => rest(btc.read(sim.now())) === "stopped" && rest(eth.read(sim.now())) === "stopped", "the start-up REST polling to stop");
    const before = fx.exchanges.coinbase.requests.length;
    fx.exchanges.kraken.mute("ETH", true);
    await waitFor(() => eth.read(sim.now()).contributors[0] === "coinbase-rest", "ETH from Coinbase's REST ticker");
    const asked = fx.exchanges.coinbase.requests.slice(before);
    expect(asked.some((r) => r.startsWith("/products/ETH-USD/ticker"))).toBe(true);
    expect(asked.some((r) => r.startsWith("/products/BTC-USD/ticker"))).toBe(false);
    expect(btc.read(sim.now()).contributors).toEqual(["coinbase"]);
    expect(rest(btc.read(sim.now()))).toBe("stopped");
  });

  it("warms each coin up from its own candles", async () => {
    const sim = new SimScheduler(T0);
    const fx = await world(sim);
    fx.exchanges.coinbase.histories.set("ETH", { get nowMs() { return sim.now(); }, priceAt: (s) => 3_000 + (s % 7), tradeSeconds: 0 });
    fx.exchanges.coinbase.histories.set("BTC", { get nowMs() { return sim.now(); }, priceAt: () => 65_000, tradeSeconds: 0 });
    const config = feedsConfig(fx.feedsConfig, { warmStart: { seconds: 600 } });
    const [b, e] = await sim.run(Promise.all([warmStart(config, { scheduler: sim }, BTC), warmStart(config, { scheduler: sim }, ETH)]), "both warm starts");
    expect(b.seconds.length).toBeGreaterThan(500);
    expect(e.seconds.length).toBeGreaterThan(500);
    expect(new Set(b.seconds.map((x) => x.price))).toEqual(new Set([65_000]));
    expect(Math.min(...e.seconds.map((x) => x.price))).toBeGreaterThanOrEqual(3_000);
    expect(Math.max(...e.seconds.map((x) => x.price))).toBeLessThan(3_010);
    expect(fx.exchanges.coinbase.requests.some((r) => r.startsWith("/products/ETH-USD/candles"))).toBe(true);
  });
});
