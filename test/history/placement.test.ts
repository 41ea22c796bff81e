import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { placeBar } from "../../src/domain/bar-placement.ts";
import { Engine } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { Sampler } from "../../src/engine/sampler.ts";
import { SyntheticMarket } from "../../src/engine/synthetic-market.ts";
import { toSeconds } from "../../src/feeds/warm-start.ts";
import { replayHistory } from "../../src/history/files.ts";
import { perSecondFromBars } from "../../src/history/per-second.ts";
import { TRADING_CONFIG } from "../engine/fixtures.ts";

type Seen = { second: number; price: number; exact: boolean };

/** One-second bars of a price that steps from 100 to 101 (+1 %) at second `jump`, and the minute bars made of them. */
function jumpAt(start: number, minutes: number, jump: number) {
  const seconds = Array.from({ length: minutes * 60 }, (_, i) => ({ t: start + i, price: start + i >= jump ? 101 : 100 }));
  const bars = Array.from({ length: minutes }, (_, m) => {
    const inside = seconds.slice(m * 60, m * 60 + 60).map((s) => s.price);
    return { t: start + m * 60, open: inside[0]!, high: Math.max(...inside), low: Math.min(...inside), close: inside.at(-1)! };
  });
  return { seconds, bars };
}

function observeAll(barSeconds: number, rows: { t: number; open: number; high: number; low: number; close: number }[]) {
  const seen: Seen[] = [];
  const means: [number, number][] = [];
  const toSeconds = perSecondFromBars(barSeconds, { observe: (second, price, exact = true) => seen.push({ second, price, exact }), mean: (end, p) => means.push([end, p]) });
  for (const b of rows) toSeconds(b.t, b.open, b.high, b.low, b.close);
  return { seen, means };
}

const T0 = 1_774_396_800; // 2026-03-25 00:00 UTC, a quarter-hour

describe("every price at the second it was known", () => {
  it("places a minute bar's close at its last second and holds its open before it", () => {
    const seen: Seen[] = [];
    placeBar(600, 60, 100, 160, (second, price, exact) => seen.push({ second, price, exact }));
    expect(seen).toHaveLength(60);
    expect(seen.slice(0, 59).every((s, i) => s.second === 600 + i && s.price === 100 && !s.exact)).toBe(true);
    expect(seen[59]).toEqual({ second: 659, price: 160, exact: true });
  });

  it("a +1 % jump at a known second: one-second bars show it in that second, minute bars at their close, never earlier and never a minute late", () => {
    const jump = T0 + 140; // 20 s into the third minute
    const { seconds, bars } = jumpAt(T0, 5, jump);
    const fromSeconds = observeAll(1, seconds.map((s) => ({ t: s.t, open: s.price, high: s.price, low: s.price, close: s.price }))).seen;
    expect(fromSeconds.find((s) => s.price === 101)!.second).toBe(jump);

    const fromMinutes = observeAll(60, bars).seen;
    // Seconds are each placed once, in order, from the bar's own first second.
    expect(fromMinutes.map((s) => s.second)).toEqual(seconds.map((s) => s.t));
    // Nothing of the jump before it happened...
    expect(fromMinutes.filter((s) => s.second < jump).every((s) => s.price === 100)).toBe(true);
    // ...and the whole of it at the minute bar's close, the first instant a minute bar tells it.
    const closeSecond = T0 + 179;
    expect(fromMinutes.find((s) => s.price !== 100)).toEqual({ second: closeSecond, price: 101, exact: true });
    // The next bar opens at the new price: from then on every second holds it.
    expect(fromMinutes.filter((s) => s.second >= closeSecond).every((s) => s.price === 101)).toBe(true);
  });

  it("a file of closes only (open = high = low = close) never shows a bar's price before its last second", async () => {
    const jump = T0 + 140;
    const { bars } = jumpAt(T0, 12, jump);
    const path = join(mkdtempSync(join(tmpdir(), "btc15-close-only-")), "closes.csv");
    writeFileSync(path, "timestamp_unix_seconds,open,high,low,close,volume\n" + bars.map((b) => `${b.t},${b.close},${b.close},${b.close},${b.close},0`).join("\n") + "\n");
    const seen: Seen[] = [];
    const warnings: string[] = [];
    const stats = await replayHistory([path], { observe: (second, price, exact = true) => seen.push({ second, price, exact }) }, { onWarning: (w) => warnings.push(w) });
    expect(stats.files[0]!.closeOnly).toBe(true);
    expect(warnings.join("\n")).toMatch(/closes only/);
    // Read as opens, the jump bar's "open" (its close, 101) would show at T0 + 120, 20 s before the jump.
    expect(seen.find((s) => s.price === 101)).toEqual({ second: T0 + 179, price: 101, exact: true });
    // Its first minute shows only its close; later minutes hold the previous close, then their own.
    expect(seen[0]).toEqual({ second: T0 + 59, price: 100, exact: true });
    expect(seen.filter((s) => s.second >= T0 + 120 && s.second < T0 + 179).every((s) => s.price === 100 && !s.exact)).toBe(true);
  });

  it("the warm start and the backtest give the same seconds, and the same strike minute estimates, from the same bars", () => {
    const bars = Array.from({ length: 40 }, (_, m) => {
      const o = 70_000 + 13 * Math.sin(m);
      const c = 70_000 + 13 * Math.sin(m + 1);
      return { t: T0 + m * 60, open: o, high: Math.max(o, c) + 5, low: Math.min(o, c) - 4, close: c };
    });
    const end = T0 + 40 * 60 - 1;
    const warm = toSeconds(bars, [], T0, end);
    const backtest = observeAll(60, bars);
    const cents = (p: number) => Math.round(p * 100);
    expect(warm.map((w) => [w.second, cents(w.price), w.exact])).toEqual(backtest.seen.map((s) => [s.second, cents(s.price), s.exact]));
    // Two quarter-hours end inside: the strike of 00:15 and 00:30 from their minute bars.
    expect(backtest.means.map(([e]) => e)).toEqual([T0 + 900, T0 + 1800]);
    expect(warm.filter((w) => w.mean !== undefined).map((w) => [w.second + 1, w.mean])).toEqual(backtest.means);
  });

  it("takes a window's strike from the typical price of the minute bar before its open, not from the held opens", () => {
    const bars = Array.from({ length: 50 }, (_, m) => ({ t: T0 + m * 60, open: 70_000 + m, high: 70_010 + m, low: 69_980 + m, close: 70_001 + m }));
    const strikes: (number | null)[] = [];
    const engine = new Engine(TRADING_CONFIG, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: new MemoryJournal(), listener: { onWindowClosed: (w) => strikes.push(w.strikeCents) } });
    const sampler = new Sampler((e) => engine.handle(e), { maxCarrySeconds: 300 });
    const toSeconds = perSecondFromBars(60, sampler);
    for (const b of bars) toSeconds(b.t, b.open, b.high, b.low, b.close);
    sampler.flush();
    // Each minute bar's typical price is (high + low + close) / 3 = 69,997 + m.
    const typical = (m: number) => Math.round((69_997 + m) * 100);
    // 00:00–00:15 was joined at its open (no strike); 00:15–00:30 and 00:30–00:45 took the 00:14 and 00:29 bars'.
    expect(strikes).toEqual([null, typical(14), typical(29)]);
    expect(engine.tracker.current!.window.open).toBe(T0 + 2700);
    expect(engine.tracker.current!.strikeCents).toBe(typical(44));
    // The mean of the seconds would have been the held open, 70,044 for 59 s and the close for one.
    expect(typical(44)).not.toBe(Math.round(((70_044 * 59 + 70_045) / 60) * 100));
  });
});
