// The live console while the forecaster's buffer fills: "Warming up... N/needed prices" while it
// does, then once "Warmed up", then never again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { startLive } from "./live-harness.ts";

let ex: FakeExchanges;
const sim = new SimScheduler(Date.parse("2026-11-20T14:03:07.400Z"));

beforeAll(async () => {
  ex = await startFakeExchanges({ price: 64_000, scheduler: sim });
  ex.exchanges.coinbase.history = { get nowMs() { return sim.now(); }, priceAt: (s: number) => 64_000 + 20 * Math.sin(s / 50), tradeSeconds: 120 };
});

afterAll(async () => {
  await ex?.close();
});

describe("warming up on the live console", () => {
  it("counts the prices it still needs, and says when it has them", async () => {
    const run = startLive({
      sim,
      config: {
        markets: "synthetic",
        statusIntervalSeconds: 600,
        // The warm start gives 60 s of history; the forecaster wants 70, so about 10 s of live prices.
        model: { warmupSeconds: 70 },
        feeds: { ...ex.feedsConfig, order: ["coinbase"], warmStart: { seconds: 60 }, binanceus: { enabled: false }, kraken: { enabled: false }, bitstamp: { enabled: false }, rest: { enabled: false } },
      },
    });
    await run.waitFor(/^SYSTEM READY - MONITORING FOR OPPORTUNITIES$/m);
    await run.waitFor(/^✓ Warmed up: 7\d prices; forecasting now$/m, 25_000);
    const afterReady = run.out().slice(run.out().search(/^SYSTEM READY/m));
    const notes = [...afterReady.matchAll(/^Warming up\.\.\. (\d+)\/70 prices \(forecasts start in about (\d+)s\)$/gm)].map((m) => [Number(m[1]), Number(m[2])] as const);
    // One note at ready, then one every 10 s: the count grows, the time left is what is missing.
    expect(notes.length).toBeGreaterThanOrEqual(1);
    expect(notes[0]![0]).toBeGreaterThanOrEqual(55);
    for (const [have, left] of notes) expect(left).toBe(70 - have);
    for (let i = 1; i < notes.length; i++) expect(notes[i]![0]).toBeGreaterThan(notes[i - 1]![0]);
    // Nothing more once warmed up.
    await sim.advance(1_500);
    expect(run.out().slice(run.out().search(/^✓ Warmed up/m))).not.toMatch(/Warming up/);
    expect(await run.stop()).toBe(0);
  });
});
