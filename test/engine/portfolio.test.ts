// The limits on every series together: two engines of one process see each other's open cost and
// day's loss through one portfolio, so a trade each series alone would make is refused when
// together they would pass the total.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import { totalLimits } from "../../src/config/engine-config.ts";
import { isoUtc } from "../../src/domain/window.ts";
import { Account } from "../../src/engine/account.ts";
import { Engine, type EngineConfig } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { NO_TOTAL_LIMITS, Portfolio, type TotalLimits } from "../../src/engine/portfolio.ts";
import { SyntheticMarket } from "../../src/engine/synthetic-market.ts";
import type { TradeRecord } from "../../src/domain/records.ts";
import { TRADING_CONFIG, randomWalk, second } from "./fixtures.ts";

const START = 1_733_011_200;
const SECONDS = 8 * 900;
const BTC = randomWalk(1, SECONDS, START, 9_600_000);
const ETH = randomWalk(2, SECONDS, START, 300_000); // $3,000.00 in cents
const CONFIGS: Record<string, EngineConfig> = { KXBTC15M: TRADING_CONFIG, KXETH15M: { ...TRADING_CONFIG, series: "KXETH15M" } };
const PRICES: Record<string, typeof BTC> = { KXBTC15M: BTC, KXETH15M: ETH };

/** Runs the given series side by side, second by second, each engine seeing `portfolio`. */
function run(series: readonly string[], portfolio: Portfolio) {
  const runs = series.map((s) => {
    const journal = new MemoryJournal();
    const refusals: { t: number; detail: string }[] = [];
    const engine = new Engine(CONFIGS[s]!, {
      market: new SyntheticMarket({ spread: 200, depth: 1000 }),
      journal,
      portfolio,
      listener: {
        onForecast: (e) => {
          if (e.decision.kind === "none" && e.decision.reason === "risk_limit") refusals.push({ t: e.t, detail: e.decision.detail });
        },
      },
    });
    return { s, engine, journal, refusals };
  });
  for (let i = 0; i < SECONDS; i++) for (const r of runs) r.engine.handle(second(PRICES[r.s]![i]!.second, PRICES[r.s]![i]!.cents));
  const trades = (r: (typeof runs)[number]) => r.journal.records.filter((x): x is TradeRecord => x.type === "trade");
  return runs.map((r) => ({ ...r, trades: trades(r) }));
}

const cost = (t: TradeRecord) => Number(t.cost) + Number(t.fee);

describe("the limits on every series together", () => {
  it("refuses a trade each series alone would make, when both together would pass the total open exposure", () => {
    // Alone, without a total limit: the dearest single trade of either series.
    const alone = ["KXBTC15M", "KXETH15M"].map((s) => run([s], new Portfolio())[0]!);
    for (const a of alone) expect(a.trades.length, a.s).toBeGreaterThan(2);
    const dearest = Math.max(...alone.flatMap((a) => a.trades.map(cost)));
    // A total that any one trade fits (one position a window: each series alone never holds more),
    // but two open at once do not.
    const limits: TotalLimits = { ...NO_TOTAL_LIMITS, maxOpenExposure: Math.round(dearest * 10_000) + 1 };
    const aloneLimited = ["KXBTC15M", "KXETH15M"].map((s) => run([s], new Portfolio(limits))[0]!);
    for (const [i, a] of aloneLimited.entries()) {
      expect(a.engine.counters.refused.max_total_exposure, a.s).toBe(0);
      expect(a.trades.map((t) => t.id)).toEqual(alone[i]!.trades.map((t) => t.id));
    }
    // Together: whenever both would hold a position in the same window, the second is refused.
    const together = run(["KXBTC15M", "KXETH15M"], new Portfolio(limits));
    const refused = together.flatMap((r) => r.refusals.map((x) => ({ ...x, s: r.s })));
    expect(refused.length).toBeGreaterThan(0);
    expect(together.reduce((n, r) => n + r.engine.counters.refused.max_total_exposure, 0)).toBeGreaterThan(0);
    const first = refused.sort((a, b) => a.t - b.t)[0]!;
    expect(first.detail).toMatch(/open exposure of every series together would reach \$[\d.,]+, over the \$[\d.,]+ total limit/);
    // The refused trade is one that series alone made at that very second.
    const mine = aloneLimited.find((a) => a.s === first.s)!;
    expect(mine.trades.some((t) => t.t === first.t)).toBe(true);
    // And the other series held a position then: the one that fills the total.
    const other = together.find((r) => r.s !== first.s)!;
    expect(other.trades.some((t) => t.t <= first.t && t.window_close > first.t)).toBe(true);
    // Never more than the total open at once, series added up.
    for (const r of together) for (const t of r.trades) expect(cost(t) * 10_000).toBeLessThanOrEqual(limits.maxOpenExposure!);
  });

  it("adds up the day's realised losses of every series against the total daily loss", () => {
    const t = START + 3600;
    const loss = (series: string, pnl: string) => {
      const trade = { type: "trade", id: "X-1", t: t - 900, ts: isoUtc(t - 900), ticker: `${series}-X`, window_open: t - 900, window_close: t, side: "yes", contracts: 40, requested_contracts: 40, requested_price: "0.5000", price: "0.5000", fills: [{ price: "0.5000", contracts: 40 }], cost: "20.0000", fee: "0.0000", balance_after: "180.0000", p_up: 0.6, p_side: 0.6, edge: 0.1, confidence: 0.1, strike: "1.00", btc_price: "1.00", market: "synthetic" } as const;
      const settled = { type: "settlement", trade_id: "X-1", t, ts: isoUtc(t), ticker: `${series}-X`, strike: "1.00", settlement_value: "0.99", result: "no", won: false, payout: "0.0000", pnl, balance_after: "180.0000", source: "proxy" } as const;
      return Account.fromRecords([{ type: "account", t: t - 3600, ts: isoUtc(t - 3600), balance: "200.0000" }, trade, settled], 0);
    };
    const p = new Portfolio({ ...NO_TOTAL_LIMITS, maxDailyLoss: 450_000 });
    for (const [s, a] of [["KXBTC15M", loss("KXBTC15M", "-20.0000")], ["KXETH15M", loss("KXETH15M", "-20.0000")]] as const) {
      p.join({ series: s, openExposure: () => a.summary().openCost, realisedSince: (x) => a.realisedSince(x) });
    }
    expect(p.dayPnl(t + 10)).toBe(-400_000);
    // $40 lost today together: a $4 order would pass $45, a $4.99 one would not... each alone ($20) would.
    expect(p.refusal(40_000, t + 10)).toBeNull();
    expect(p.refusal(60_000, t + 10)).toMatchObject({ reason: "max_total_daily_loss", message: expect.stringMatching(/today's P&L of every series together is -\$40\.00/) });
    // The next day starts afresh.
    expect(p.refusal(60_000, t + 86_400)).toBeNull();
  });

  it("comes from risk.total, and for live trading also from kalshi.live's open-exposure and daily-loss limits", () => {
    expect(totalLimits(parseConfig({}), false)).toEqual({ maxOpenExposure: null, maxDailyLoss: null, dayStartHourUtc: 0 });
    const c = parseConfig({ series: "KXBTC15M,KXETH15M", risk: { total: { maxOpenExposure: 40 }, dayStartHourUtc: 5 }, kalshi: { live: { maxOpenExposure: 30, maxDailyLoss: 25 } } });
    expect(totalLimits(c, false)).toEqual({ maxOpenExposure: 400_000, maxDailyLoss: null, dayStartHourUtc: 5 });
    expect(totalLimits(c, true)).toEqual({ maxOpenExposure: 300_000, maxDailyLoss: 250_000, dayStartHourUtc: 5 });
  });
});
