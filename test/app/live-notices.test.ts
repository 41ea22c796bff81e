// Seeing trouble when it happens: feed faults on the console at once, Kalshi's retries counted in
// the status and the summary, and a clean goodbye to every venue on shutdown.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { windowAt } from "../../src/domain/window.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { startLive } from "./live-harness.ts";

let ex: FakeExchanges;
let kalshi: FakeKalshi;
const sim = new SimScheduler(Date.parse("2026-11-20T14:03:07.400Z"));

beforeAll(async () => {
  ex = await startFakeExchanges({ price: 64_000, scheduler: sim });
  ex.exchanges.coinbase.history = { get nowMs() { return sim.now(); }, priceAt: (s) => 64_000 + 40 * Math.sin(s / 97), tradeSeconds: 120 };
  kalshi = await startFakeKalshi({ scheduler: sim });
  for (let t = sim.now() / 1000 - 900; t < sim.now() / 1000 + 3600; t += 900) kalshi.setMarket(windowAt(t).ticker, { floor_strike: 64_000 });
});

afterAll(async () => {
  await Promise.all([ex?.close(), kalshi?.close()]);
});

describe("trouble on the console", () => {
  it("shows a hung socket killed, a refused reconnect and all sources down at once, counts Kalshi's retries, and says goodbye with close frames", async () => {
    const run = startLive({
      sim,
      config: {
        markets: "kalshi",
        statusIntervalSeconds: 3,
        consoleDetail: true, // the detailed status carries the counters
        feeds: { ...ex.feedsConfig, rest: { enabled: false } },
        kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl, bookPollMs: 200, backoff: { baseMs: 10, maxMs: 100, maxRetries: 4 } },
      },
    });
    await run.waitFor(/^SYSTEM READY - MONITORING FOR OPPORTUNITIES$/m);
    const before = run.out().length;
    const shown = (re: RegExp) => run.waitFor(re, 5_000).then(() => run.out().slice(before).search(re) >= 0);

    // A stalled server: the quiet timer terminates the socket, and the console says so at once.
    ex.exchanges.coinbase.silence(true);
    expect(await shown(/feeds: coinbase: no message for \d+ ms; terminated/)).toBe(true);
    // A refused reconnect.
    ex.exchanges.kraken.refuse(true);
    expect(await shown(/feeds: kraken: reconnecting in \d+ ms \(HTTP 503 on connect\)/)).toBe(true);
    // Everything down.
    ex.exchanges.bitstamp.refuse(true);
    ex.exchanges.binanceus.refuse(true);
    expect(await shown(/ALL PRICE SOURCES DOWN/)).toBe(true);
    // Kalshi answers 503 twice, then 429: retried, and counted where the user looks.
    kalshi.failNext(503, 2);
    kalshi.failNext(429, 1);
    await run.waitFor(/kalshi: \d+ requests, [3-9]\d* retries \(1× 429, 2× 5xx\)/, 10_000);
    for (const name of ["coinbase", "kraken", "bitstamp", "binanceus"] as const) {
      ex.exchanges[name].silence(false);
      ex.exchanges[name].refuse(false);
    }
    await run.waitFor(/price sources back/, 10_000);
    await sim.advance(500);
    const open = (["coinbase", "kraken", "bitstamp", "binanceus"] as const).map((n) => ex.exchanges[n].closeCodes.length);
    expect(await run.stop()).toBe(0);
    // The summary carries the same counters.
    expect(run.out()).toMatch(/Performance summary[\s\S]*kalshi {10}\d+ requests, \d+ retries \(1× 429, 2× 5xx\)/);
    expect(run.out()).toMatch(/coinbase +[\d,]+ msgs, \d+ reconnects?\b/);
    // Every socket open at shutdown was closed with a close frame (1000), none dropped (1006).
    for (const [i, name] of (["coinbase", "kraken", "bitstamp", "binanceus"] as const).entries()) {
      const atStop = ex.exchanges[name].closeCodes.slice(open[i]);
      expect(atStop, name).toEqual([1000]);
    }
  });
});
