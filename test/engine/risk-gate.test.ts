import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import { riskLimits } from "../../src/config/engine-config.ts";
import type { TradeJournalRecord } from "../../src/domain/records.ts";
import { isoUtc } from "../../src/domain/window.ts";
import { Account } from "../../src/engine/account.ts";
import { Engine, type EngineConfig } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { type RiskLimits, NO_LIMITS, dayStart, riskRefusal } from "../../src/engine/risk-gate.ts";
import { SyntheticMarket } from "../../src/engine/synthetic-market.ts";
import { TRADING_CONFIG, randomWalk, second } from "./fixtures.ts";

const STATE = { killSwitch: false, openExposure: 0, dayPnl: 0, ordersInWindow: 0 };
const ORDER = { ticker: "T", worstCost: 100_000 };

describe("the risk gate", () => {
  it("passes everything with no limits set (paper's default), except the kill switch", () => {
    expect(riskRefusal(ORDER, STATE, NO_LIMITS)).toBeNull();
    expect(riskRefusal(ORDER, { ...STATE, killSwitch: true }, NO_LIMITS, "data/trading/KILL exists")).toMatchObject({ reason: "kill_switch", message: expect.stringMatching(/KILL exists/) });
  });

  it("refuses by each limit, naming the figures", () => {
    const l = (x: Partial<RiskLimits>): RiskLimits => ({ ...NO_LIMITS, ...x });
    expect(riskRefusal(ORDER, STATE, l({ maxPerOrder: 99_999 }))?.message).toBe("order could cost $10.00, over the $9.9999 per-order limit");
    expect(riskRefusal(ORDER, { ...STATE, openExposure: 150_000 }, l({ maxOpenExposure: 200_000 }))?.reason).toBe("max_open_exposure");
    expect(riskRefusal(ORDER, { ...STATE, dayPnl: -150_000 }, l({ maxDailyLoss: 200_000 }))?.message).toMatch(/today's P&L is -\$15\.00/);
    expect(riskRefusal(ORDER, { ...STATE, dayPnl: -50_000 }, l({ maxDailyLoss: 200_000 }))).toBeNull();
    expect(riskRefusal(ORDER, { ...STATE, ordersInWindow: 1 }, l({ maxOrdersPerWindow: 1 }))?.reason).toBe("max_orders_per_window");
  });

  it("days start at the configured UTC hour", () => {
    const t = Date.UTC(2026, 10, 26, 3, 30) / 1000;
    expect(isoUtc(dayStart(t, 0))).toBe("2026-11-26T00:00:00Z");
    expect(isoUtc(dayStart(t, 5))).toBe("2026-11-25T05:00:00Z");
  });

  it("live trading applies kalshi.live's limits (the stricter where risk sets one too); paper only the risk settings", () => {
    const c = parseConfig({ risk: { maxPerOrder: 10 }, kalshi: { live: { maxPerOrder: 15, maxDailyLoss: 30 } } });
    expect(riskLimits(c, false)).toEqual({ maxPerOrder: 100_000, maxOpenExposure: null, maxDailyLoss: null, maxOrdersPerWindow: null });
    expect(riskLimits(c, true)).toEqual({ maxPerOrder: 100_000, maxOpenExposure: 300_000, maxDailyLoss: 300_000, maxOrdersPerWindow: 1 });
  });
});

describe("the daily loss limit after a restart", () => {
  const prices = randomWalk(1, 6 * 900, 1_733_011_200 + 6 * 3600); // 06:00 UTC
  const first = prices[0]!.second;
  const limits = { maxPerOrder: null, maxOpenExposure: null, maxDailyLoss: 300_000, maxOrdersPerWindow: null, dayStartHourUtc: 0 };
  const config: EngineConfig = { ...TRADING_CONFIG, risk: limits };

  /** A journal that lost $28 earlier today (settled before the restart). */
  function journalWithLoss(t: number): TradeJournalRecord[] {
    const trade = { type: "trade", id: "X-1", t, ts: isoUtc(t), ticker: "KXBTC15M-X", window_open: t - 300, window_close: t + 600, side: "yes", contracts: 56, requested_contracts: 56, requested_price: "0.5000", price: "0.5000", fills: [{ price: "0.5000", contracts: 56 }], cost: "28.0000", fee: "0.0000", balance_after: "172.0000", p_up: 0.6, p_side: 0.6, edge: 0.1, confidence: 0.1, strike: "96000.00", btc_price: "96000.00", market: "synthetic" } as const;
    const lost = { type: "settlement", trade_id: "X-1", t: t + 600, ts: isoUtc(t + 600), ticker: "KXBTC15M-X", strike: "96000.00", settlement_value: "95900.00", result: "no", won: false, payout: "0.0000", pnl: "-28.0000", balance_after: "172.0000", source: "proxy" } as const;
    return [{ type: "account", t: t - 3600, ts: isoUtc(t - 3600), balance: "200.0000" }, trade, lost];
  }

  it("is rebuilt from the journal: an order that could pass it is refused at once", () => {
    const account = Account.fromRecords(journalWithLoss(first - 1200), 0);
    expect(account.realisedSince(dayStart(first, 0))).toBe(-280_000);
    const j = new MemoryJournal();
    const e = new Engine(config, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: j, account });
    for (const p of prices) e.handle(second(p.second, p.cents, false));
    expect(e.counters.refused.max_daily_loss).toBeGreaterThan(0);
    // Only orders small enough to keep the loss within $30 went through.
    for (const r of j.records) if (r.type === "trade") expect(Number(r.cost) + Number(r.fee)).toBeLessThanOrEqual(2);
  });

  it("starts afresh the next day: the first order goes out as it would on a new journal", () => {
    const firstTrade = (account: Account) => {
      const j = new MemoryJournal();
      const e = new Engine(config, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: j, account });
      for (const p of prices) e.handle(second(p.second, p.cents, false));
      return j.records.find((r) => r.type === "trade")?.t;
    };
    const fresh = firstTrade(Account.fromRecords(journalWithLoss(first - 86_400 - 1200).slice(0, 1), 0));
    expect(fresh).toBeDefined();
    expect(firstTrade(Account.fromRecords(journalWithLoss(first - 86_400 - 1200), 0))).toBe(fresh);
    expect(firstTrade(Account.fromRecords(journalWithLoss(first - 1200), 0))).not.toBe(fresh);
  });
});
