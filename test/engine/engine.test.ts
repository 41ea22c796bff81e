import { describe, expect, it } from "vitest";
import { parseDollars } from "../../src/domain/money.ts";
import type { SettlementRecord, TradeRecord } from "../../src/domain/records.ts";
import { Account } from "../../src/engine/account.ts";
import { Engine, type EngineConfig } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { SyntheticMarket } from "../../src/engine/synthetic-market.ts";
import type { ClosedWindow } from "../../src/engine/window-tracker.ts";
import { TRADING_CONFIG, randomWalk, second } from "./fixtures.ts";

function run(config: EngineConfig, prices: { second: number; cents: number }[], journal = new MemoryJournal()) {
  const closed: ClosedWindow[] = [];
  const engine = new Engine(config, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal, listener: { onWindowClosed: (w) => closed.push(w) } });
  for (const p of prices) engine.handle(second(p.second, p.cents, false));
  return { engine, journal, closed };
}

describe("engine", () => {
  const prices = randomWalk(1, 40 * 900);
  const { engine, journal, closed } = run(TRADING_CONFIG, prices);
  const trades = journal.records.filter((r): r is TradeRecord => r.type === "trade");
  const settlements = journal.records.filter((r): r is SettlementRecord => r.type === "settlement");

  it("trades, at most once per window, and journals the opening balance first", () => {
    expect(journal.records[0]).toMatchObject({ type: "account", balance: "200.0000" });
    expect(trades.length).toBeGreaterThan(5);
    const perWindow = new Map<number, number>();
    for (const t of trades) perWindow.set(t.window_close, (perWindow.get(t.window_close) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).toBe(1);
    expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length);
  });

  it("settles each position on its window's result and pays $1 a winning contract", () => {
    const results = new Map(closed.map((w) => [w.window.close, w.result]));
    for (const s of settlements) {
      const t = trades.find((x) => x.id === s.trade_id)!;
      expect(s.result).toBe(results.get(t.window_close));
      expect(s.won).toBe(t.side === s.result);
      expect(parseDollars(s.payout)).toBe(s.won ? t.contracts * 10_000 : 0);
    }
    // Only a trade in the last, unfinished window may still be open.
    const lastClose = prices.at(-1)!.second + 1;
    expect(trades.length - settlements.length).toBe(trades.filter((t) => t.window_close > lastClose).length);
  });

  it("keeps an exact balance that a restart rebuilds from the journal alone", () => {
    const spent = trades.reduce((s, t) => s + parseDollars(t.cost) + parseDollars(t.fee), 0);
    const paid = settlements.reduce((s, x) => s + parseDollars(x.payout), 0);
    expect(engine.account.balance).toBe(2_000_000 - spent + paid);
    expect(Account.fromRecords(journal.records, 0).summary()).toEqual(engine.account.summary());
    for (const t of trades) expect(parseDollars(t.cost) + parseDollars(t.fee)).toBeLessThanOrEqual(150_000);
  });

  it("gives the same journal for the same prices and configuration", () => {
    const again = run(TRADING_CONFIG, prices);
    expect(again.journal.records).toEqual(journal.records);
    expect(again.journal.predictions).toEqual(journal.predictions);
  });

  it("journals predictions on its interval and on every trade, each with its reason", () => {
    expect(journal.predictions.length).toBeGreaterThan(trades.length);
    for (const p of journal.predictions) {
      expect(p.t % 60 === 0 || p.action === "trade").toBe(true);
      expect(p.reason.length).toBeGreaterThan(0);
    }
    expect(journal.predictions.filter((p) => p.action === "trade")).toHaveLength(trades.length);
  });

  it("counts every second without a trade by its reason", () => {
    const c = engine.counters;
    const declined = Object.values(c.noTrade).reduce((a, b) => a + b, 0);
    expect(declined + c.trades).toBe(c.samples);
    expect(c.noTrade.no_window).toBeGreaterThan(0); // the first window was joined midway
    expect(c.noTrade.already_positioned).toBeGreaterThan(0);
  });

  it("stops opening positions after stopTrading but still settles the open ones", () => {
    const j = new MemoryJournal();
    const e = new Engine(TRADING_CONFIG, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: j });
    const half = Math.floor(prices.length / 2);
    prices.slice(0, half).forEach((p) => e.handle(second(p.second, p.cents, false)));
    const open = e.account.positions.size;
    const tradesBefore = e.counters.trades;
    e.handle({ type: "stop", t: 0 });
    prices.slice(half).forEach((p) => e.handle(second(p.second, p.cents, false)));
    expect(e.counters.trades).toBe(tradesBefore);
    expect(e.counters.noTrade.stopped).toBeGreaterThan(0);
    expect(e.account.positions.size).toBe(0);
    expect(e.counters.settlements).toBeGreaterThanOrEqual(open);
  });

  it("stops trading on a stale price", () => {
    const j = new MemoryJournal();
    const e = new Engine({ ...TRADING_CONFIG, maxStaleSeconds: 3 }, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: j });
    prices.forEach((p, i) => e.handle(second(p.second, p.cents, i > 1200)));
    expect(e.counters.noTrade.stale_price).toBeGreaterThan(0);
    expect(j.records.filter((r) => r.type === "trade" && r.t > prices[1200 + 3]!.second + 1)).toHaveLength(0);
  });

  it("voids positions whose window loses its prices in a gap, refunding them", () => {
    const j = new MemoryJournal();
    const e = new Engine(TRADING_CONFIG, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: j });
    let i = 0;
    while (e.account.positions.size === 0) {
      const p = prices[i++]!;
      e.handle(second(p.second, p.cents, false));
    }
    const before = e.account.balance + e.account.summary().openCost;
    e.handle({ type: "gap", from: prices[i]!.second, to: prices[i]!.second + 3600 });
    expect(e.account.positions.size).toBe(0);
    expect(e.account.balance).toBe(before);
    expect(j.records.at(-1)).toMatchObject({ type: "void" });
  });
});

describe("engine with venue orders (live)", () => {
  const prices = randomWalk(1, 40 * 900);
  const fill3 = { side: "yes" as const, contracts: 3, levels: [{ price: 5100, contracts: 3 }], cost: 15_300, fee: 600 };

  it("holds the window's entry while an order is out, and journals the fill when it comes", () => {
    const refs: string[] = [];
    const j = new MemoryJournal();
    const e = new Engine(TRADING_CONFIG, {
      market: new SyntheticMarket({ spread: 200, depth: 1000 }),
      journal: j,
      orders: { send: (o) => refs.push(o.ref) },
    });
    let i = 0;
    while (refs.length === 0) {
      const p = prices[i++]!;
      e.handle(second(p.second, p.cents, false));
    }
    // More seconds in the same window: no second order while the first is out.
    for (let k = 0; k < 30; k++) {
      const p = prices[i++]!;
      e.handle(second(p.second, p.cents, false));
    }
    expect(refs).toHaveLength(1);
    expect(e.ordersPending).toBe(1);
    expect(e.counters.noTrade.already_positioned).toBeGreaterThan(0);
    e.handle({ type: "order", t: 0, ref: refs[0]!, fill: fill3, error: null });
    expect(j.records.at(-1)).toMatchObject({ type: "trade", id: refs[0], contracts: 3, cost: "1.5300", fee: "0.0600" });
    expect(e.account.balance).toBe(2_000_000 - 15_900);
    // An answer to an order this engine did not send (a replayed live session) changes nothing.
    e.handle({ type: "order", t: 0, ref: refs[0]!, fill: fill3, error: null });
    expect(e.counters.ordersUnknown).toBe(1);
    expect(e.account.balance).toBe(2_000_000 - 15_900);
  });

  it("frees the entry when nothing fills", () => {
    const refs: string[] = [];
    const e = new Engine(TRADING_CONFIG, {
      market: new SyntheticMarket({ spread: 200, depth: 1000 }),
      journal: new MemoryJournal(),
      orders: { send: (o) => refs.push(o.ref) },
    });
    let i = 0;
    while (refs.length === 0) {
      const p = prices[i++]!;
      e.handle(second(p.second, p.cents, false));
    }
    e.handle({ type: "order", t: 0, ref: refs[0]!, fill: null, error: "nothing at that price" });
    expect(e.counters.ordersUnfilled).toBe(1);
    const p = prices[i]!;
    e.handle(second(p.second, p.cents, false)); // the edge is still there: it orders again at once
    expect(refs).toEqual([refs[0], refs[0]]); // the same window, the same entry: the same id
  });
});

describe("engine settling on official results", () => {
  const prices = randomWalk(1, 40 * 900);

  it("keeps positions pending until the official result, journals the proxy beside it, and counts disagreements", () => {
    const closed: ClosedWindow[] = [];
    const j = new MemoryJournal();
    const e = new Engine({ ...TRADING_CONFIG, settlement: "official" }, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: j, listener: { onWindowClosed: (w) => closed.push(w) } });
    for (const p of prices) e.handle(second(p.second, p.cents, false));
    expect(j.records.filter((r) => r.type === "settlement")).toHaveLength(0);
    const open = [...e.account.positions.values()];
    expect(open.length).toBeGreaterThan(1);
    // Kalshi agrees on the first window and disagrees on the second.
    const [a, b] = open.map((p) => closed.find((w) => w.window.close === p.windowClose)!);
    const result = (w: ClosedWindow, r: "yes" | "no", cents: number | null) => ({ type: "result" as const, t: (w.window.close + 5) * 1000, ticker: w.window.ticker, close: w.window.close, result: r, settlementCents: cents, strikeCents: null, source: "kalshi" });
    e.handle(result(a!, a!.result!, 9_999_999));
    e.handle(result(b!, b!.result === "yes" ? "no" : "yes", null));
    const settled = j.records.filter((r): r is SettlementRecord => r.type === "settlement");
    expect(settled).toHaveLength(2);
    expect(settled[0]).toMatchObject({ source: "kalshi", settlement_value: "99999.99", proxy_settlement_value: (a!.settlementCents! / 100).toFixed(2) });
    expect(e.counters.proxyCompared).toBe(2);
    expect(e.counters.proxyDisagreements).toBe(1);
    expect(e.account.positions.size).toBe(open.length - 2);
  });
});

describe("engine after a restart", () => {
  it("settles a position from before the restart on its journaled strike when the closing minute is seen", () => {
    const prices = randomWalk(2, 40 * 900);
    const first = new MemoryJournal();
    const e1 = new Engine(TRADING_CONFIG, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: first });
    let i = 0;
    while (e1.account.positions.size === 0) {
      const p = prices[i++]!;
      e1.handle(second(p.second, p.cents, false));
    }
    const position = [...e1.account.positions.values()][0]!;
    // Crash; restart from the journal a little later in the same window (the tracker joins midway).
    const account = Account.fromRecords(first.records, 0);
    const after = new MemoryJournal();
    const e2 = new Engine(TRADING_CONFIG, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: after, account });
    const restartAt = i + 20;
    let k = restartAt;
    while (prices[k]!.second < position.windowClose) {
      e2.handle(second(prices[k]!.second, prices[k]!.cents, false));
      k++;
    }
    const s = after.records.find((r): r is SettlementRecord => r.type === "settlement");
    expect(s).toBeDefined();
    expect(s!.trade_id).toBe(position.id);
    const minute = prices.filter((p) => p.second >= position.windowClose - 60 && p.second < position.windowClose).reduce((a, p) => a + p.cents, 0);
    const settleCents = Math.floor((2 * minute + 60) / 120);
    expect(s!.settlement_value).toBe((settleCents / 100).toFixed(2));
    expect(s!.result).toBe(settleCents >= Math.round(Number(position.strike) * 100) ? "yes" : "no");
    expect(after.records.some((r) => r.type === "account")).toBe(false); // the journal was already opened
  });
});

describe("engine edge cases", () => {
  const prices = randomWalk(1, 6 * 900);

  it("counts an order a risk limit refused as risk_limit and journals nothing", () => {
    const j = new MemoryJournal();
    const e = new Engine({ ...TRADING_CONFIG, risk: { maxPerOrder: null, maxOpenExposure: 1000, maxDailyLoss: null, maxOrdersPerWindow: null, dayStartHourUtc: 0 } }, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: j });
    for (const p of prices) e.handle(second(p.second, p.cents, false));
    expect(e.counters.noTrade.risk_limit).toBeGreaterThan(0);
    expect(e.counters.refused.max_open_exposure).toBe(e.counters.noTrade.risk_limit);
    expect(j.records.filter((r) => r.type === "trade")).toHaveLength(0);
  });

  it("neither trades nor journals predictions while replaying history, and trades again after", () => {
    const j = new MemoryJournal();
    const e = new Engine(TRADING_CONFIG, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: j });
    e.handle({ type: "warm_up", on: true });
    const half = 3 * 900;
    prices.slice(0, half).forEach((p) => e.handle(second(p.second, p.cents, false)));
    expect(e.counters.trades).toBe(0);
    expect(j.predictions).toHaveLength(0);
    expect(e.counters.forecasts).toBeGreaterThan(0); // the forecaster is warm
    e.handle({ type: "warm_up", on: false });
    prices.slice(half).forEach((p) => e.handle(second(p.second, p.cents, false)));
    expect(e.counters.trades).toBeGreaterThan(0);
    expect(j.predictions.length).toBeGreaterThan(0);
  });

  it("decides against the venue's official strike once it is known, and journals ours beside it", () => {
    const j = new MemoryJournal();
    const base = new SyntheticMarket({ spread: 200, depth: 1000 });
    const e = new Engine(TRADING_CONFIG, { market: { name: "venue", quote: (t, w, fv) => base.quote(t, w, fv), officialStrike: () => 9_600_012 }, journal: j });
    for (const p of prices) e.handle(second(p.second, p.cents, false));
    const trade = j.records.find((r): r is TradeRecord => r.type === "trade");
    expect(trade).toMatchObject({ strike: "96000.12", strike_source: "kalshi" });
    expect(trade?.proxy_strike).toMatch(/^\d+\.\d\d$/);
    expect(trade?.proxy_strike).not.toBe("96000.12");
  });
});
