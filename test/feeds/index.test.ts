// The price index over all four fake exchanges and their REST tickers: composite, failover, fallback.
import { afterEach, describe, expect, it } from "vitest";
import { systemScheduler } from "../../src/net/scheduler.ts";
import { PriceIndex } from "../../src/feeds/index.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { feedsConfig, waitFor } from "./helpers.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function fakes(price = 65_000): Promise<FakeExchanges> {
  const fx = await startFakeExchanges({ price });
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
    const fx = await fakes();
    fx.exchanges.binanceus.price = 65_065; // BTC/USDT with a 0.1 % USDT discount
    // Kraken's quiet timeout is long here so that, once silent, it stays connected and shows as stale.
    const index = track(new PriceIndex(feedsConfig(fx.feedsConfig, { kraken: { quietTimeoutMs: 60_000 } })));
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
    const fx = await fakes();
    const index = track(new PriceIndex(feedsConfig(fx.feedsConfig, { binanceus: { enabled: false } })));
    index.start();
    // REST fills in at start-up until a WebSocket has been live for the fail-back delay, then stops.
    await waitFor(() => index.read().contributors.length === 3 && index.read().sources.find((s) => s.name === "coinbase-rest")!.state === "stopped", "three WebSocket sources, REST stopped");
    const polled = fx.exchanges.coinbase.requests.length;
    const m0 = index.source("coinbase")!.status(Date.now()).messages;
    await waitFor(() => index.source("coinbase")!.status(Date.now()).messages > m0 + 20, "twenty more WebSocket messages");
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
    const fx = await fakes();
    let t = 1_800_000_000_000; // a clock the test moves: deadlines are checked in clock time, not wall time
    const config = feedsConfig(fx.feedsConfig, { mode: "failover" });
    const index = track(new PriceIndex(config, { scheduler: { ...systemScheduler, now: () => t } }));
    index.start();
    const stamped = (names: readonly string[]) => names.every((n) => index.source(n)!.status(t).lastUpdateMs === t);
    const advance = async (ms: number, names: readonly string[]) => {
      t += ms;
      await waitFor(() => stamped(names), `a tick from ${names.join(", ")}`);
      return index.read(t);
    };
    let r = index.read(t);
    for (let i = 0; i < 40 && r.contributors[0] !== "coinbase"; i++) r = await advance(100, WS);
    expect(r.contributors).toEqual(["coinbase"]);
    expect(r.price).toBeCloseTo(65_000, 1);

    fx.exchanges.coinbase.silence(true);
    const last = index.source("coinbase")!.status(t).lastUpdateMs!;
    const others = ["binanceus", "kraken", "bitstamp"];
    while (r.contributors[0] === "coinbase") r = await advance(100, others);
    expect(t - last).toBeLessThanOrEqual(config.failover.switchDeadlineMs);
    expect(t - last).toBeGreaterThan(config.stalenessMs - 100); // not before it was stale
    // Next in the order is Binance.US, converted at the learned rate.
    expect(r.contributors).toEqual(["binanceus"]);
    expect(r.price).toBeCloseTo(65_000, 1);
    const switches = r.switches;

    fx.exchanges.coinbase.silence(false);
    fx.exchanges.coinbase.drop(); // the silent socket may have been kept; start clean
    await waitFor(() => index.source("coinbase")!.status(t).lastUpdateMs === t, "coinbase live again");
    const back = t;
    while (r.contributors[0] !== "coinbase") r = await advance(100, WS);
    expect(t - back).toBeGreaterThanOrEqual(config.failover.failbackAfterMs);
    expect(r.switches).toBe(switches + 1);
  });

  it("does not storm between sources when one flaps", async () => {
    const fx = await fakes();
    const index = track(new PriceIndex(feedsConfig(fx.feedsConfig, { mode: "failover" })));
    index.start();
    await waitFor(() => {
      const r = index.read();
      return r.contributors[0] === "coinbase" && r.usdPerUsdt !== null && r.sources.every((s) => s.transport === "rest" || s.state === "live");
    }, "coinbase selected, every source live, the USDT rate learned");
    const s0 = index.read().switches;
    const seen: string[] = [];
    const sample = setInterval(() => {
      const c = index.read().contributors[0] ?? "none";
      if (seen.at(-1) !== c) seen.push(c);
    }, 5);
    for (let i = 0; i < 12; i++) {
      fx.exchanges.coinbase.drop();
      await waitFor(() => index.source("coinbase")!.isLive(Date.now()), "coinbase to come back");
      await new Promise((res) => setTimeout(res, 150));
    }
    clearInterval(sample);
    const r = index.read();
    expect(index.source("coinbase")!.status(Date.now()).reconnects).toBeGreaterThanOrEqual(12);
    // Twelve drops: at most one switch down, none back up while it keeps flapping.
    expect(r.switches - s0, seen.join(" → ")).toBeLessThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(2);
    expect(r.price).toBeCloseTo(65_000, 1);
  });
});
