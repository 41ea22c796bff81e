import { second } from "../engine/fixtures.ts";
import { describe, expect, it } from "vitest";
import { marketOf } from "../../src/app/core/builder.ts";
import { chooseMarketSource } from "../../src/app/venue/kalshi-market.ts";
import { parseConfig } from "../../src/config/load.ts";
import { takerFee } from "../../src/domain/fees.ts";
import type { SettlementRecord, TradeRecord } from "../../src/domain/records.ts";
import { isQuote } from "../../src/domain/quote.ts";
import { windowAt } from "../../src/domain/window.ts";
import { Engine, type EngineConfig } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { TRADING_CONFIG } from "../engine/fixtures.ts";
import { startFakeKalshi } from "../fakes/kalshi.ts";
import { ScriptedClock } from "./helpers.ts";

const OPEN = 1_785_000_600; // 2026-07-25T17:30:00Z
const W = windowAt(OPEN);

/** Plain fair value (no momentum), short warm-up, settling on Kalshi's official result. */
const CONFIG: EngineConfig = {
  ...TRADING_CONFIG,
  model: { ...TRADING_CONFIG.model, momentum: { weight: 0, lookbackSeconds: 60 }, warmupSeconds: 120 },
  settlement: "official",
  predictionEverySeconds: 0,
};

/** BTC in cents: flat at $96,000 until a minute into the window, then climbing $2 a second. */
function btcCents(second: number): number {
  return 9_600_000 + Math.max(0, second - (OPEN + 60)) * 200;
}

describe("--markets kalshi: paper trading end to end against the fake Kalshi", () => {
  it("trades at the real book's prices for that second, partially filled, and settles on the late official result", async () => {
    const clock = new ScriptedClock((OPEN - 300) * 1000);
    const fake = await startFakeKalshi({ now: () => clock.now() });
    const config = parseConfig({ kalshi: { baseUrl: fake.baseUrl, bookPollMs: 1000, bookFreshnessMs: 2000, resultPollMs: 5000, rateLimit: { readTokensPerSecond: 100_000, tokensPerRequest: 1 }, backoff: { baseMs: 10, maxMs: 100 } } });
    const choice = await chooseMarketSource("kalshi", { config, clock });
    const feed = choice.kalshi!.feed;
    const journal = new MemoryJournal();
    const engine = new Engine(CONFIG, { market: marketOf(choice.market, config), journal, listener: { onWindowClosed: (w) => choice.watchResult(w.window.ticker, w.window.close) } });
    // Everything Kalshi tells us reaches the engine as events, through one door. (Not started:
    // the test drives each poll itself.)
    choice.attach((e) => engine.handle(e));
    try {
      expect(choice.kind).toBe("kalshi");
      expect(choice.description).toMatch(/Kalshi .* REST polling every 1000 ms/);
      // Until two minutes in, nobody offers YES (no NO bids): there is nothing to buy.
      fake.setBook(W.ticker, { yes: [["0.3000", "50.00"]], no: [] });
      const CHEAP_FROM = OPEN + 120;
      for (let s = OPEN - 300; s < W.close + 5; s++) {
        if (s === CHEAP_FROM) fake.setBook(W.ticker, { yes: [["0.3000", "50.00"]], no: [["0.5900", "7.00"], ["0.6000", "5.00"]] });
        clock.t = (s + 1) * 1000; // the engine decides second s at s + 1, on the book polled then
        await feed.pollOnce();
        engine.handle(second(s, btcCents(s), false));
      }
      const trades = journal.records.filter((r): r is TradeRecord => r.type === "trade");
      expect(trades).toHaveLength(1);
      const t = trades[0]!;
      expect(t.t).toBe(CHEAP_FROM + 1);
      expect(t).toMatchObject({ ticker: W.ticker, side: "yes", market: "kalshi", contracts: 12, requested_price: "0.4000" });
      expect(t.requested_contracts).toBeGreaterThan(12); // depth ran out: a partial fill
      expect(t.fills).toEqual([{ price: "0.4000", contracts: 5 }, { price: "0.4100", contracts: 7 }]);
      expect(t.cost).toBe("4.8700");
      expect(t.fee).toBe(`0.${String(takerFee([{ price: 4000, contracts: 5 }, { price: 4100, contracts: 7 }], 700)).padStart(4, "0")}`);
      expect(engine.counters.noTrade.no_quote).toBeGreaterThan(0); // the empty-ask seconds before

      // The window closed; Kalshi's result comes three polls late. The position waits, pending.
      expect(engine.account.positions.size).toBe(1);
      fake.setResult(W.ticker, { result: "yes", expirationValue: "96590.10", afterPolls: 2 });
      const watcher = choice.kalshi!.results;
      expect(watcher.pending).toContain(W.ticker);
      for (let i = 0; i < 2; i++) {
        await watcher.pollOnce();
        clock.t += 5000;
      }
      expect(engine.account.positions.size).toBe(1);
      expect(journal.records.filter((r) => r.type === "settlement")).toHaveLength(0);
      await watcher.pollOnce();
      const settled = journal.records.filter((r): r is SettlementRecord => r.type === "settlement");
      expect(settled).toHaveLength(1);
      expect(settled[0]).toMatchObject({ trade_id: t.id, source: "kalshi", result: "yes", won: true, settlement_value: "96590.10", payout: "12.0000" });
      expect(settled[0]!.proxy_settlement_value).toMatch(/^\d+\.\d{2}$/);
      expect(engine.counters).toMatchObject({ proxyCompared: 1, proxyDisagreements: 0 });
      expect(engine.account.positions.size).toBe(0);
    } finally {
      await choice.stop();
      await fake.close();
    }
  });
});

describe("--markets auto", () => {
  it("falls back to the synthetic market when Kalshi does not answer, and says so", async () => {
    const fake = await startFakeKalshi();
    const baseUrl = fake.baseUrl;
    await fake.close(); // nothing listens there now
    const config = parseConfig({ kalshi: { baseUrl, requestTimeoutMs: 2000 } });
    const choice = await chooseMarketSource("auto", { config });
    expect(choice.kind).toBe("synthetic");
    expect(choice.market.kind).toBe("synthetic");
    expect(choice.description).toMatch(/synthetic \(Kalshi not reachable at http:\/\/127\.0\.0\.1/);
    expect(isQuote(marketOf(choice.market, config).quote(OPEN, W, 0.5))).toBe(true);
    await choice.stop();
  });

  it("chooses Kalshi when it answers", async () => {
    const fake = await startFakeKalshi();
    try {
      const choice = await chooseMarketSource("auto", { config: parseConfig({ kalshi: { baseUrl: fake.baseUrl } }) });
      expect(choice.kind).toBe("kalshi");
      expect(choice.description).toMatch(/auto: Kalshi reachable/);
      await choice.stop();
    } finally {
      await fake.close();
    }
  });
});
