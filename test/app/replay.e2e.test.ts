// Record a live paper session against loopback venues (it trades on Kalshi's book and settles
// on Kalshi's official result), then replay the recording through the same engine.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReplay } from "../../src/app/drivers/replay.ts";
import { parseConfig } from "../../src/config/load.ts";
import { windowAt } from "../../src/domain/window.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { startLive } from "./live-harness.ts";

let ex: FakeExchanges;
let kalshi: FakeKalshi;
// The runner's clock: the current window closes 14 s after it starts.
const CLOSE = Date.parse("2026-11-20T14:30:00Z") / 1000;
const sim = new SimScheduler((CLOSE - 14) * 1000 + 370);
const W = windowAt(CLOSE - 1);
const NEXT = windowAt(CLOSE);

beforeAll(async () => {
  ex = await startFakeExchanges({ price: 64_000, scheduler: sim });
  const history = { get nowMs() { return sim.now(); }, priceAt: (s: number) => 64_000 + 40 * Math.sin(s / 97), tradeSeconds: 120 };
  ex.exchanges.coinbase.history = history;
  ex.exchanges.kraken.history = history;
  kalshi = await startFakeKalshi({ scheduler: sim });
  // YES offered cheap on this window and the next (the best NO bid is 95¢), against a strike a little below the price.
  for (const w of [W, NEXT]) {
    kalshi.setBook(w.ticker, { yes: [["0.0300", "500.00"]], no: [["0.9500", "500.00"]] });
    kalshi.setMarket(w.ticker, { floor_strike: 63_990 });
  }
  kalshi.setResult(W.ticker, { result: "yes", expirationValue: "64001.00" });
});

afterAll(async () => {
  await Promise.all([ex?.close(), kalshi?.close()]);
});

const until = (instant: number) => sim.advanceTo(instant * 1000);

describe("record a live session, replay it", () => {
  it("reproduces the live journal byte for byte with the session's own configuration, and shows another strategy's result with another", async () => {
    const run = startLive({
      sim,
      config: {
        markets: "kalshi",
        statusIntervalSeconds: 600,
        strategy: { minConfidence: 0 },
        feeds: { ...ex.feedsConfig, rest: { enabled: false } },
        kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl, bookPollMs: 200, resultPollMs: 300 },
      },
    });
    await run.waitFor(/^SYSTEM READY/m);
    await run.waitFor(/NEW TRADE SIGNAL/);
    await until(CLOSE);
    await run.waitFor(/■ SETTLED/, 15_000);
    await until(CLOSE + 4);
    expect(await run.stop()).toBe(0);
    expect(run.out()).toMatch(/recording {2}\S+sessions\/\d{8}T\d{6}Z\//);
    const root = join(run.dir, "trading");
    const live = join(root, "KXBTC15M");
    const records = loadTradeJournal(live).records;
    expect(records.filter((r) => r.type === "trade").length).toBeGreaterThanOrEqual(2); // this window and the next
    expect(records.filter((r) => r.type === "settlement")).toHaveLength(1);

    // Replayed with the session's own configuration: the same trades and settlements, byte for byte.
    const out = join(run.dir, "replay");
    const same = await runReplay({ paths: [join(root, "sessions")], outDir: out });
    expect(same.config).toBe("recorded");
    expect(same.sessions).toHaveLength(1);
    expect(readFileSync(join(out, "KXBTC15M", "trades.jsonl"), "utf8")).toBe(readFileSync(join(live, "trades.jsonl"), "utf8"));
    expect(readFileSync(join(out, "KXBTC15M", "windows.jsonl"), "utf8")).toBe(readFileSync(join(live, "windows.jsonl"), "utf8"));
    expect(same.events).toBeGreaterThan(900); // the warm-up seconds, books, market facts, the result
    expect(same.baselines.market).not.toBeNull(); // the recorded Kalshi books: the market is scored

    // Another configuration on the same real books: a $0.50 per-order limit refuses every order.
    const other = parseConfig({ strategy: { minConfidence: 0 }, risk: { maxPerOrder: 0.5 } });
    const strict = await runReplay({ paths: [join(root, "sessions")], outDir: join(run.dir, "replay-strict"), config: other });
    expect(strict.config).toBe("given");
    expect(strict.trades).toBe(0);
    expect(strict.no_trade_reasons.risk_limit).toBeGreaterThan(0);
    expect(strict.events).toBe(same.events);
  });
});
