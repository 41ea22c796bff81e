// The dashboard's state, built from a real core driven second by second: what the page is given
// must be what the engine and its journal say, and bounded however long a session runs.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Core, buildCore } from "../../../src/app/core/builder.ts";
import { LIMITS, SessionBoard } from "../../../src/app/dashboard/board.ts";
import { listenAll } from "../../../src/engine/listener.ts";
import { parseConfig } from "../../../src/config/load.ts";
import { formatDecimal } from "../../../src/domain/money.ts";
import type { TradeJournalRecord, VoidRecord } from "../../../src/domain/records.ts";
import { WINDOW_SECONDS } from "../../../src/domain/window.ts";
import { MemoryJournal } from "../../../src/engine/journal.ts";
import { writeFixtureJournal } from "../../report/html-fixture.ts";
import { randomWalk } from "../../engine/fixtures.ts";

const AT = "2026-11-26T12:00:00.000Z";

/** A core on the synthetic market, mispriced so that it trades, feeding `board`. */
function tradingCore(board: SessionBoard, journal = new MemoryJournal()): Core {
  const core = buildCore({
    config: parseConfig({ synthetic: { mispricingCents: 3 } }),
    market: { kind: "synthetic" },
    settlement: "proxy",
    journal,
    predictionEverySeconds: 0,
    listeners: [board.listener],
  });
  board.follow(core.engine);
  return core;
}

const board = () => new SessionBoard({ driver: "demo", mode: "paper", series: "KXBTC15M", market: "synthetic" });

describe("the dashboard's state", () => {
  it("shows what the engine and its journal say: window, forecasts, trades, settlements, account", () => {
    const b = board();
    const journal = new MemoryJournal();
    const core = tradingCore(b, journal);
    const walk = randomWalk(7, 6 * 3600 + 417);
    for (const p of walk) core.engine.handle({ type: "second", second: p.second, cents: p.cents, carried: false });
    const last = walk[walk.length - 1]!;
    const s = b.snapshot("abc", AT, 0);

    expect(s.phase).toBe("running");
    expect(s.t).toBe(last.second + 1);
    expect(s.price.composite).toBe(last.cents / 100);
    expect(s.price.sources.map((x) => [x.name, x.state])).toEqual([["recorded history", "recorded"]]);

    // The current window: every forecast second since its open, nothing from the window before.
    const w = s.window!;
    expect(w.close - w.open).toBe(WINDOW_SECONDS);
    expect(w.secondsLeft).toBe(w.close - s.t!);
    expect(w.series.t.length).toBe(s.t! - w.open + 1);
    expect(w.series.t[0]).toBe(w.open);
    for (const col of [w.series.price, w.series.pUp, w.series.fairValue, w.series.yesBid, w.series.yesAsk]) expect(col).toHaveLength(w.series.t.length);
    expect(w.series.price.at(-1)).toBe(last.cents / 100);
    // The latest second's quote and forecast are the series' last entries (quotes in cents).
    const i = w.series.t.length - 1;
    expect(w.series.yesBid[i]!).toBeLessThan(w.series.yesAsk[i]!);
    expect(w.series.yesBid[i]! % 1).toBe(0);
    expect(s.decision!.forecast!.pUp).toBeCloseTo(w.series.pUp[i]!, 4);
    expect(s.decision!.quote).toMatchObject({ source: "synthetic", yesBid: w.series.yesBid[i], yesAsk: w.series.yesAsk[i] });

    // Trades and settlements: the journal's, newest first, with each trade's outcome.
    const trades = journal.records.filter((r) => r.type === "trade");
    const settlements = journal.records.filter((r) => r.type === "settlement");
    expect(trades.length).toBeGreaterThan(3);
    expect(s.trades.map((r) => r.id)).toEqual(trades.map((r) => r.id).reverse().slice(0, 20));
    for (const row of s.trades) {
      const settled = settlements.find((r) => r.trade_id === row.id);
      expect(row.status).toBe(settled === undefined ? "open" : settled.won ? "won" : "lost");
      expect(row.pnl).toBe(settled?.pnl ?? null);
    }
    expect(s.settlements.map((r) => r.tradeId)).toEqual(settlements.map((r) => r.trade_id).reverse().slice(0, 20));

    // The account: exact decimal strings, the same figures the engine's account holds.
    const a = core.engine.account.summary();
    expect(s.account).toMatchObject({ balance: formatDecimal(a.balance), equity: formatDecimal(a.balance + a.openCost), pnl: formatDecimal(a.pnl), fees: formatDecimal(a.fees), trades: a.trades, wins: a.wins, losses: a.losses });
    expect(s.account!.winRate).toBeCloseTo(a.wins / (a.wins + a.losses), 12);
    // Equity: the opening point, one per settlement, and now.
    expect(s.equity).toHaveLength(1 + settlements.length + 1);
    expect(s.equity.at(-1)).toEqual([s.t, (a.balance + a.openCost) / 10_000]);
    expect(s.counters.samples).toBe(walk.length);
    expect(s.counters.noTrade.reduce((n, [, k]) => n + k, 0)).toBe(core.engine.counters.samples - core.engine.counters.trades);
    expect(s.windows.length).toBe(Math.min(LIMITS.windows, core.engine.counters.windowsClosed));
  });

  it("scores our forecast and the market's mid on identical checkpoints, as the backtest does", () => {
    const b = board();
    const core = tradingCore(b);
    expect(b.snapshot("abc", AT, 0).scores).toBeNull();
    for (const p of randomWalk(11, 4 * 3600)) core.engine.handle({ type: "second", second: p.second, cents: p.cents, carried: false });
    const s = b.snapshot("abc", AT, 0).scores!;
    const model = core.marketScorecard.score("model");
    const market = core.marketScorecard.score("market");
    expect(model.n).toBeGreaterThan(14);
    expect(s).toMatchObject({ checkpoints: model.n, windows: model.windows });
    expect(market.n).toBe(model.n);
    expect(s.model).toBeCloseTo(model.brier, 12);
    expect(s.market).toBeCloseTo(market.brier, 12);
    expect(s.difference).toBeCloseTo(model.brier - market.brier, 12); // one checkpoint set, so the window means agree too
  });

  it("a new window starts its own series; a window that has closed is not shown as current", () => {
    const b = board();
    const core = tradingCore(b);
    const walk = randomWalk(3, 3 * 3600);
    for (const p of walk) core.engine.handle({ type: "second", second: p.second, cents: p.cents, carried: false });
    // The walk ends on a window boundary: the last forecast is the next window's first second.
    const s = b.snapshot("abc", AT, 0);
    expect(s.window!.open).toBe(s.t);
    expect(s.window!.secondsLeft).toBe(WINDOW_SECONDS);
    expect(s.window!.series.t).toEqual([s.t]);
    // A gap clears the buffers: no forecast, so the window that was current ends with its close.
    core.engine.handle({ type: "gap", from: s.t!, to: s.t! + 2 * WINDOW_SECONDS });
    core.engine.handle({ type: "second", second: s.t! + 2 * WINDOW_SECONDS, cents: 9_600_000, carried: false });
    const after = b.snapshot("abc", AT, 0);
    expect(after.t).toBe(s.t! + 2 * WINDOW_SECONDS + 1);
    expect(after.window).toBeNull();
    expect(after.decision).toMatchObject({ kind: "none", forecast: null });
  });

  it("stays bounded over a long session: the last trades, settlements and a thinned equity curve", () => {
    const b = board();
    const core = tradingCore(b);
    core.engine.handle({ type: "second", second: 1_733_011_200, cents: 9_600_000, carried: false });
    for (let k = 0; k < 5000; k++) {
      const r: VoidRecord = { type: "void", trade_id: `t${k}`, t: 1_733_011_201 + k * 900, ts: "", ticker: `KXBTC15M-${k}`, reason: "test", refund: "0.0000", balance_after: "200.0000" };
      b.listener.onSettlement!(r);
    }
    const s = b.snapshot("abc", AT, 0);
    expect(s.settlements).toHaveLength(20);
    expect(s.settlements[0]!.tradeId).toBe("t4999");
    expect(s.equity.length).toBeLessThanOrEqual(LIMITS.equityShown + 1);
    // The curve still spans the whole session: first and last points kept.
    expect(s.equity[0]![0]).toBe(1_733_011_201);
    expect(s.equity.at(-1)![0]).toBe(1_733_011_201 + 4999 * 900);
    expect(JSON.stringify(s).length).toBeLessThan(60_000);
  });

  it("a resumed journal shows its earlier trades, settlements and equity from the first page", () => {
    const fx = writeFixtureJournal(mkdtempSync(join(tmpdir(), "btc15-board-")));
    const b = board();
    const core = buildCore({ config: parseConfig({}), market: { kind: "synthetic" }, settlement: "proxy", journal: new MemoryJournal(), predictionEverySeconds: 0, listeners: [b.listener] });
    b.follow(core.engine, fx.dir);
    const s = b.snapshot("abc", AT, 0);
    const trades = fx.trades.filter((r): r is Extract<TradeJournalRecord, { type: "trade" }> => r.type === "trade");
    expect(s.trades.map((r) => [r.id, r.status])).toEqual(trades.map((r) => [r.id, ["won", "lost", "void", "open"][trades.indexOf(r)]]).reverse());
    expect(s.trades.find((r) => r.status === "won")!.pnl).toBe("4.3200");
    // Each window's result: the lost NO was a YES window.
    expect(s.settlements.map((r) => [r.result, r.won])).toEqual([["void", null], ["yes", false], ["yes", true]]);
    // The opening balance, two settlements and the void: the fixture's worked-out equity.
    expect(s.equity.map(([, e]) => e)).toEqual([200, 204.32, 202.23, 202.23]);
  });

  it("the driver's listener and the board's, in one list, both hear each event", () => {
    const b = board();
    const heard: string[] = [];
    const both = listenAll([{ onIdle: (t) => heard.push(`own ${t}`), onWindowClosed: () => heard.push("closed") }, b.listener]);
    both.onIdle!(5, { kind: "none", reason: "warmup", detail: "1/2", edges: { yes: null, no: null }, confidence: 0 });
    both.onWindowClosed!({} as never);
    expect(heard).toEqual(["own 5", "closed"]);
    expect(b.snapshot("abc", AT, 0).decision).toMatchObject({ t: 5, kind: "none", reason: "warmup" });
  });
});
