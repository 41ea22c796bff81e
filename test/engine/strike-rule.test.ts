// Which strike a window is traded against, and when our own 60-s averages may stand for a
// strike or a settlement (issue: decisions on the right numbers).
import { describe, expect, it } from "vitest";
import type { TradeRecord, VoidRecord } from "../../src/domain/records.ts";
import { windowAt } from "../../src/domain/window.ts";
import { Engine, type ForecastEvent } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { SyntheticMarket } from "../../src/engine/synthetic-market.ts";
import { TRADING_CONFIG, randomWalk, second } from "./fixtures.ts";

const market = () => new SyntheticMarket({ spread: 200, depth: 1000 });

/** A walk whose seconds in [from, to) are carried forward: no live source then. */
function run(carried: (second: number) => boolean, officialStrike: (ticker: string) => number | null = () => null) {
  const prices = randomWalk(3, 12 * 900);
  const j = new MemoryJournal();
  const forecasts: { t: number; ticker: string; strike: number; source: string; proxy: number | null }[] = [];
  const base = market();
  const e = new Engine(TRADING_CONFIG, {
    market: { name: "synthetic", quote: (t, w, fv) => base.quote(t, w, fv), officialStrike },
    journal: j,
    listener: { onForecast: (f: ForecastEvent) => forecasts.push({ t: f.t, ticker: f.window.ticker, strike: f.strikeCents, source: f.strikeSource, proxy: f.proxyStrikeCents }) },
  });
  let last = prices[0]!.cents;
  for (const p of prices) {
    const c = carried(p.second);
    if (!c) last = p.cents;
    e.handle(second(p.second, last, c));
  }
  return { e, j, prices, forecasts };
}

describe("the strike a window is traded against", () => {
  const start = randomWalk(3, 1)[0]!.second;
  // The sixth window opens here; no live price from 35 s before its open to 20 s after.
  const open = windowAt(start + 5 * 900).open;
  const outage = (s: number) => s >= open - 35 && s < open + 20;

  it("without an official strike, a window whose strike has more than a few carried seconds is not traded", () => {
    const { e, j, forecasts } = run(outage);
    const trades = j.records.filter((r): r is TradeRecord => r.type === "trade");
    expect(trades.some((t) => t.window_open === open)).toBe(false);
    expect(forecasts.some((f) => f.t > open && f.t < open + 900)).toBe(false);
    expect(e.counters.noTrade.unreliable_strike).toBe(900); // every second of the window
    expect(e.lastIdle).not.toBeNull();
    // Other windows trade as before.
    expect(trades.length).toBeGreaterThan(3);
  });

  it("with the market's official strike, decides against it even when ours is unreliable, and journals ours beside it", () => {
    const official = 9_612_345;
    const ticker = windowAt(open).ticker;
    const { j, forecasts } = run(outage, (t) => (t === ticker ? official : null));
    const inWindow = forecasts.filter((f) => f.ticker === ticker);
    expect(inWindow.length).toBeGreaterThan(800);
    for (const f of inWindow) expect(f).toMatchObject({ strike: official, source: "kalshi" });
    expect(inWindow[0]!.proxy).not.toBe(official);
    const trade = j.records.find((r): r is TradeRecord => r.type === "trade" && r.window_open === open);
    expect(trade).toMatchObject({ strike: "96123.45", strike_source: "kalshi", proxy_strike: (inWindow[0]!.proxy! / 100).toFixed(2) });
  });

  it("a window whose strike has a few carried seconds is still traded on ours", () => {
    const brief = (s: number) => s >= open - 3 && s < open + 2;
    const { e, forecasts } = run(brief);
    expect(e.counters.noTrade.unreliable_strike).toBe(0);
    expect(forecasts.filter((f) => f.t > open && f.t < open + 900).every((f) => f.source === "proxy")).toBe(true);
  });

  it("does not settle on a settlement average made of carried seconds: the position is voided", () => {
    // Find a window with a position, then take the live price away across its close.
    const probe = run(() => false);
    const traded = probe.j.records.find((r): r is TradeRecord => r.type === "trade")!;
    const close = traded.window_close;
    const { j, e } = run((s) => s >= close - 30 && s < close + 10);
    const voided = j.records.find((r): r is VoidRecord => r.type === "void" && r.trade_id === traded.id);
    expect(voided?.reason).toMatch(/settlement average unreliable: \d+ of 60 seconds carried forward/);
    expect(e.counters.proxyUnreliable).toBeGreaterThanOrEqual(1);
    expect(j.windows.find((w) => w.window_close === close)).toMatchObject({ result: null, source: "proxy" });
  });

  it("writes one window record per closed window, with our strike and settlement", () => {
    const { j, prices } = run(() => false);
    const closes = new Set(j.windows.map((w) => w.window_close));
    expect(closes.size).toBe(j.windows.length);
    const w = j.windows[2]!;
    const minute = (end: number) => prices.filter((p) => p.second >= end - 60 && p.second < end).reduce((a, p) => a + p.cents, 0);
    expect(w.proxy_settlement_value).toBe((Math.floor((2 * minute(w.window_close) + 60) / 120) / 100).toFixed(2));
    expect(w.strike).toBe((Math.floor((2 * minute(w.window_open) + 60) / 120) / 100).toFixed(2));
    expect(w.result).toBe(Number(w.proxy_settlement_value) >= Number(w.strike) ? "yes" : "no");
  });
});
