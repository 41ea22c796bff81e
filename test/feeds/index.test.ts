// The price index over all four fake exchanges and their REST tickers: composite, failover,
// fallback; on a simulated clock (the fakes on the same one), so deadlines are exact.
import { afterEach, describe, expect, it } from "vitest";
import { PriceIndex } from "../../src/feeds/index.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { feedsConfig } from "./helpers.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

const T0 = Date.parse("2026-11-20T14:03:07.400Z");

async function fakes(sim: SimScheduler, price = 65_000): Promise<FakeExchanges> {
  const fx = await startFakeExchanges({ price, scheduler: sim });
  cleanup.push(() => fx.close());
  return fx;
}

function track(index: PriceIndex): PriceIndex {
  cleanup.push(() => index.stop());
  return index;
}

const WS = ["coinbase", "binanceus", "kraken", "bitstamp"] as const;

describe("composite index", () => {
  it("takes the median of fresh USD prices, converts Binance.US's USDT with a learned rate, and drops a stale source", async () => {
    const sim = new SimScheduler(T0);
    const waitFor = (cond: () => boolean, what: string) => sim.until(cond, what, { simMs: 30_000 });
    const fx = await fakes(sim);
    fx.exchanges.binanceus.price = 65_065; // BTC/USDT with a 0.1 % USDT discount
    // Kraken's quiet timeout is long here so that, once silent, it stays connected and shows as stale.
    const index = track(new PriceIndex(feedsConfig(fx.feedsConfig, { kraken: { quietTimeoutMs: 60_000 } }), { scheduler: sim }));
    index.start();
    await waitFor(() => index.read().contributors.length === 4, "all four sources to contribute");
    let r = index.read();
    expect(r.mode).toBe("composite");
    expect([...r.contributors].sort()).toEqual(["binanceus", "bitstamp", "coinbase", "kraken"]);
    expect(r.usdPerUsdt).toBeCloseTo(65_000 / 65_065, 6);
    expect(r.price).toBeCloseTo(65_000, 1);
    expect(r.stale).toBe(false);

    // One exchange far off does not move the median.
    fx.exchanges.kraken.price = 65_400;
    await waitFor(() => index.source("kraken")!.price === 65_400, "kraken's new price");
    expect(index.read().price).toBeCloseTo(65_000, 1);

    // A source that stops sending leaves the index within the staleness (600 ms here).
    fx.exchanges.kraken.silence(true);
    await waitFor(() => !index.read().contributors.includes("kraken"), "kraken to drop out");
    r = index.read();
    expect(r.sources.find((s) => s.name === "kraken")!.state).toBe("stale");
    expect(r.price).toBeCloseTo(65_000, 1);

    // With only Binance.US left, its price is converted, not taken as dollars.
    for (const n of ["coinbase", "kraken", "bitstamp"] as const) fx.exchanges[n].refuse(true);
    for (const n of WS) fx.exchanges[n].restDown(true);
    await waitFor(() => index.read().contributors.join() === "binanceus", "Binance.US alone");
    expect(index.read().price).toBeCloseTo(65_000, 0);
  });

  it("polls REST only when no USD WebSocket is live, and marks the price stale when REST fails too", async () => {
    const sim = new SimScheduler(T0);
    const waitFor = (cond: () => boolean, what: string) => sim.until(cond, what, { simMs: 30_000 });
    const fx = await fakes(sim);
    const index = track(new PriceIndex(feedsConfig(fx.feedsConfig, { binanceus: { enabled: false } }), { scheduler: sim }));
    index.start();
    // REST fills in at start-up until a WebSocket has been live for the fail-back delay, then stops.
    await waitFor(() => index.read().contributors.length === 3 && index.read().sources.find((s) => s.name === "coinbase-rest")!.state === "stopped", "three WebSocket sources, REST stopped");
    const polled = fx.exchanges.coinbase.requests.length;
    const m0 = index.source("coinbase")!.status(sim.now()).messages;
    await waitFor(() => index.source("coinbase")!.status(sim.now()).messages > m0 + 20, "twenty more WebSocket messages");
    expect(fx.exchanges.coinbase.requests.length).toBe(polled);
    expect(index.read().sources.find((s) => s.name === "binanceus")!.state).toBe("disabled");

    for (const n of WS) fx.exchanges[n].refuse(true);
    await waitFor(() => {
      const c = index.read().contributors;
      return c.includes("coinbase-rest") && c.includes("kraken-rest") && c.every((n) => n.endsWith("-rest"));
    }, "the REST fallback");
    expect(index.read().price).toBeCloseTo(65_000, 1);
    expect(fx.exchanges.coinbase.requests.some((p) => p === "/products/BTC-USD/ticker")).toBe(true);

    for (const n of WS) fx.exchanges[n].restDown(true);
    await waitFor(() => index.read().stale, "the index to go stale");
    const r = index.read();
    expect(r.price).toBeNull();
    expect(r.contributors).toEqual([]);
    expect(r.sources.find((s) => s.name === "coinbase-rest")!.lastError).toBe("HTTP 503");
    expect(r.sources.find((s) => s.name === "kraken")!.lastError).toBe("HTTP 503 on connect");

    // Everything returns: WebSockets take over and REST polling stops after the fail-back delay.
    for (const n of WS) {
      fx.exchanges[n].refuse(false);
      fx.exchanges[n].restDown(false);
    }
    await waitFor(() => {
      const r = index.read();
      return r.contributors.length === 3 && r.sources.every((s) => (s.transport === "rest" ? s.state === "stopped" : s.state === "live" || s.state === "disabled"));
    }, "WebSockets back, REST polling stopped");
    expect(index.read().contributors.every((n) => !n.endsWith("-rest"))).toBe(true);
  });
});

describe("failover index", () => {
  it("switches down within the deadline when the current source goes silent, and back up only after the fail-back delay", async () => {
    const sim = new SimScheduler(T0);
    const waitFor = (cond: () => boolean, what: string) => sim.until(cond, what, { simMs: 30_000 });
    const fx = await fakes(sim);
    const config = feedsConfig(fx.feedsConfig, { mode: "failover" });
    const index = track(new PriceIndex(config, { scheduler: sim }));
    index.start();
    const advance = async (ms: number) => {
      await sim.advance(ms);
      return index.read();
    };
    let r = index.read();
    for (let i = 0; i < 40 && r.contributors[0] !== "coinbase"; i++) r = await advance(100);
    expect(r.contributors).toEqual(["coinbase"]);
    expect(r.price).toBeCloseTo(65_000, 1);

    fx.exchanges.coinbase.silence(true);
    const last = index.source("coinbase")!.status(sim.now()).lastUpdateMs!;
    while (r.contributors[0] === "coinbase") r = await advance(10);
    const t = sim.now();
    expect(t - last).toBeLessThanOrEqual(config.failover.switchDeadlineMs);
    expect(t - last).toBeGreaterThan(config.stalenessMs - 100); // not before it was stale
    // Next in the order is Binance.US, converted at the learned rate.
    expect(r.contributors).toEqual(["binanceus"]);
    expect(r.price).toBeCloseTo(65_000, 1);
    const switches = r.switches;

    fx.exchanges.coinbase.silence(false);
    fx.exchanges.coinbase.drop(); // the silent socket may have been kept; start clean
    await waitFor(() => index.source("coinbase")!.isLive(sim.now()), "coinbase live again");
    const back = sim.now();
    while (r.contributors[0] !== "coinbase") r = await advance(10);
    expect(sim.now() - back).toBeGreaterThanOrEqual(config.failover.failbackAfterMs);
    expect(r.switches).toBe(switches + 1);
  });

  it("does not storm between sources when one flaps", async () => {
    const sim = new SimScheduler(T0);
    const waitFor = (cond: () => boolean, what: string) => sim.until(cond, what, { simMs: 30_000 });
    const fx = await fakes(sim);
    const index = track(new PriceIndex(feedsConfig(fx.feedsConfig, { mode: "failover" }), { scheduler: sim }));
    index.start();
    await waitFor(() => {
      const r = index.read();
      return r.contributors[0] === "coinbase" && r.usdPerUsdt !== null && r.sources.every((s) => s.transport === "rest" || s.state === "live");
    }, "coinbase selected, every source live, the USDT rate learned");
    const s0 = index.read().switches;
    const seen: string[] = [];
    const sample = sim.every(5, () => {
      const c = index.read().contributors[0] ?? "none";
      if (seen.at(-1) !== c) seen.push(c);
    });
    for (let i = 0; i < 12; i++) {
      fx.exchanges.coinbase.drop();
      await waitFor(() => index.source("coinbase")!.isLive(sim.now()), "coinbase to come back");
      await sim.advance(150);
    }
    sample.cancel();
    const r = index.read();
    expect(index.source("coinbase")!.status(sim.now()).reconnects).toBeGreaterThanOrEqual(12);
    // Twelve drops: at most one switch down, none back up while it keeps flapping.
    expect(r.switches - s0, seen.join(" → ")).toBeLessThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(2);
    expect(r.price).toBeCloseTo(65_000, 1);
  });
});
