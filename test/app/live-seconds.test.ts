// Which second a live price belongs to: a venue whose price steps on each second, and the
// price the engine forecast from for each second.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Timer } from "../../src/net/scheduler.ts";
import type { PredictionRecord } from "../../src/domain/records.ts";
import { readPredictions } from "../../src/store/prediction-days.ts";
import { windowAt } from "../../src/domain/window.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { startLive } from "./live-harness.ts";

/** The venue's price during second s: a new level at the start of every second. */
const priceOf = (s: number) => 64_000 + (s % 40) * 3;

let ex: FakeExchanges;
let kalshi: FakeKalshi;
let stepper: Timer | null = null;
const sim = new SimScheduler(Date.parse("2026-11-20T14:03:07.400Z"));

beforeAll(async () => {
  ex = await startFakeExchanges({ price: priceOf(Math.floor(sim.now() / 1000)), tickMs: 0, scheduler: sim });
  ex.exchanges.coinbase.history = { get nowMs() { return sim.now(); }, priceAt: priceOf, tradeSeconds: 120 };
  kalshi = await startFakeKalshi({ scheduler: sim });
  // An official strike for the current windows, so the engine forecasts (and journals) every second.
  for (let t = sim.now() / 1000 - 900; t < sim.now() / 1000 + 3600; t += 900) kalshi.setMarket(windowAt(t).ticker, { floor_strike: 64_000 });
  // Step the price 5 ms into each second; say it again 400 ms in (a second trade at the same price).
  const step = () => {
    const ms = sim.now();
    const s = Math.floor(ms / 1000);
    const into = ms % 1000;
    ex.exchanges.coinbase.setPrice(priceOf(s));
    stepper = sim.after(into < 400 ? 400 - into : 1005 - into, step);
  };
  stepper = sim.after(1005 - (sim.now() % 1000), step);
});

afterAll(async () => {
  stepper?.cancel();
  await Promise.all([ex?.close(), kalshi?.close()]);
});

describe("live seconds", () => {
  it("a second's price is the last tick received before the second ended, never the next second's", async () => {
    const run = startLive({
      sim,
      config: {
        markets: "kalshi",
        statusIntervalSeconds: 600,
        feeds: { ...ex.feedsConfig, order: ["coinbase"], binanceus: { enabled: false }, kraken: { enabled: false }, bitstamp: { enabled: false }, rest: { enabled: false } },
        kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl, bookPollMs: 200 },
      },
    });
    await run.waitFor(/^SYSTEM READY/m);
    await sim.advance(6_000);
    expect(await run.stop()).toBe(0);
    const predictions = await allPredictions(join(run.dir, "trading", "KXBTC15M"));
    // A prediction at instant t is made from the price of second t − 1.
    const live = predictions.slice(1);
    expect(live.length).toBeGreaterThanOrEqual(4);
    const own = live.filter((p) => Math.abs(p.btc_price - priceOf(p.t - 1)) < 0.02).length;
    const next = live.filter((p) => Math.abs(p.btc_price - priceOf(p.t)) < 0.02).length;
    expect(own).toBe(live.length);
    expect(next).toBe(0);
  });
});

async function allPredictions(dir: string): Promise<PredictionRecord[]> {
  const out: PredictionRecord[] = [];
  for await (const p of readPredictions(dir)) out.push(p);
  return out;
}
