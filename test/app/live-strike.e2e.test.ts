// The live runner against loopback exchanges and Kalshi, with its clock set a few seconds before a
// window opens: every price source goes down from 10 s before the open to 3 s after, while the
// price moves. Our 60-s strike is then made of carried seconds and wrong.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PredictionRecord } from "../../src/domain/records.ts";
import { readPredictions } from "../../src/store/prediction-days.ts";
import { windowAt } from "../../src/domain/window.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { startLive } from "./live-harness.ts";

const P0 = 64_000;
const P1 = 64_060;

let ex: FakeExchanges;
let withStrike: FakeKalshi;
let withoutStrike: FakeKalshi;
// The runners' clock: the next window opens 12 s after they start.
const OPEN = Date.parse("2026-11-20T14:15:00Z") / 1000;
const sim = new SimScheduler((OPEN - 12) * 1000 + 370);
const W = windowAt(OPEN);

beforeAll(async () => {
  ex = await startFakeExchanges({ price: P0, scheduler: sim });
  const history = { get nowMs() { return sim.now(); }, priceAt: (s: number) => P0 + 40 * Math.sin(s / 97), tradeSeconds: 120 };
  ex.exchanges.coinbase.history = history;
  ex.exchanges.kraken.history = history;
  withStrike = await startFakeKalshi({ scheduler: sim });
  withoutStrike = await startFakeKalshi({ scheduler: sim });
  withoutStrike.dropField("floor_strike");
  // Kalshi's strike is the true average: the price moved to P1 during the outage. The book is
  // fair against it (YES 50¢/60¢, NO 40¢/50¢), and generous only against a strike near P0.
  withStrike.setMarket(W.ticker, { floor_strike: P1 });
  for (const k of [withStrike, withoutStrike]) k.setBook(W.ticker, { yes: [["0.5000", "500.00"]], no: [["0.4000", "500.00"]] });
});

afterAll(async () => {
  await Promise.all([ex?.close(), withStrike?.close(), withoutStrike?.close()]);
});

function run(kalshi: FakeKalshi) {
  return startLive({
    sim,
    config: {
      markets: "kalshi",
      statusIntervalSeconds: 2,
      consoleDetail: true, // the detailed status shows the strike and the no-trade reason in full
      strategy: { minConfidence: 0 },
      feeds: { ...ex.feedsConfig, order: ["coinbase", "kraken"], binanceus: { enabled: false }, bitstamp: { enabled: false }, rest: { enabled: false } },
      kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl, bookPollMs: 200, resultPollMs: 500 },
    },
  });
}

const until = (instant: number) => sim.advanceTo(instant * 1000);

describe("price sources down across a window's open", () => {
  it("decides against Kalshi's strike when Kalshi has it, and does not trade a window whose own strike is unreliable", async () => {
    const a = run(withStrike);
    const b = run(withoutStrike);
    await Promise.all([a.waitFor(/^SYSTEM READY/m), b.waitFor(/^SYSTEM READY/m)]);
    await until(OPEN - 10);
    for (const name of ["coinbase", "kraken"] as const) ex.exchanges[name].refuse(true);
    ex.setPrice(P1);
    await until(OPEN + 3);
    for (const name of ["coinbase", "kraken"] as const) ex.exchanges[name].refuse(false);
    await a.waitFor(/price sources back/);
    await until(OPEN + 8);
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);

    // Both saw the outage at once, and said so.
    for (const r of [a, b]) expect(r.out()).toMatch(/ALL PRICE SOURCES DOWN/);

    // With Kalshi's strike: every forecast of the window is against it; no trade on ours.
    const predictions = await allPredictions(join(a.dir, "trading", "KXBTC15M"));
    const inWindow = predictions.filter((p) => p.ticker === W.ticker);
    expect(inWindow.length).toBeGreaterThan(3);
    for (const p of inWindow) expect(p).toMatchObject({ strike: P1, strike_source: "kalshi" });
    const ours = /strike \$64,060\.00 \(Kalshi; ours \$(6[34],\d{3}\.\d\d)\)/.exec(a.out());
    expect(ours).not.toBeNull();
    expect(Math.abs(Number(ours![1]!.replace(",", "")) - P0)).toBeLessThan(45); // ours: the carried P0
    expect(loadTradeJournal(join(a.dir, "trading", "KXBTC15M")).records.filter((r) => r.type === "trade")).toHaveLength(0);

    // Without it: the window is not traded, and the reason says why.
    expect(loadTradeJournal(join(b.dir, "trading", "KXBTC15M")).records.filter((r) => r.type === "trade")).toHaveLength(0);
    expect(b.out()).toMatch(/No trade: unreliable_strike: our strike averages \d+ of 60 seconds carried forward/);
    expect(b.out()).toMatch(/no trade .*unreliable_strike [\d,]+/);
  });
});

async function allPredictions(dir: string): Promise<PredictionRecord[]> {
  const out: PredictionRecord[] = [];
  for await (const p of readPredictions(dir)) out.push(p);
  return out;
}
