import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Engine, type ForecastEvent } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { Sampler } from "../../src/engine/sampler.ts";
import { SyntheticMarket } from "../../src/engine/synthetic-market.ts";
import { BarCsvParser } from "../../src/history/bars-csv.ts";
import { perSecondFromBars } from "../../src/history/per-second.ts";
import { TRADING_CONFIG, randomWalk, second } from "./fixtures.ts";

type Bar = [number, number, number, number, number];

function forecastsFromSeconds(prices: { second: number; cents: number }[]): Seen[] {
  const out: Seen[] = [];
  const e = new Engine(TRADING_CONFIG, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: new MemoryJournal(), listener: { onForecast: (f) => out.push(strip(f)) } });
  for (const p of prices) e.handle(second(p.second, p.cents, false));
  return out;
}

function forecastsFromBars(bars: Bar[]): Seen[] {
  const out: Seen[] = [];
  const e = new Engine(TRADING_CONFIG, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: new MemoryJournal(), listener: { onForecast: (f) => out.push(strip(f)) } });
  const sampler = new Sampler((s) => e.handle(s), { maxCarrySeconds: 300 });
  const toSeconds = perSecondFromBars(60, sampler);
  for (const b of bars) toSeconds(...b);
  sampler.flush();
  return out;
}

/** What a forecast said, copied: the engine reuses its event object every second. */
type Seen = ReturnType<typeof strip>;
const strip = (f: ForecastEvent) => {
  const d = f.decision;
  return { t: f.t, p: f.forecast.pUp, fv: f.forecast.fairValue, d: d.kind === "none" ? { reason: d.reason, detail: d.detail, edges: d.edges } : d };
};

describe("no look-ahead: a forecast at t is unchanged when later data changes", () => {
  it("on one-second prices", () => {
    const a = randomWalk(5, 6 * 900);
    const cut = a[4000]!.second; // seconds before `cut` are shared
    const b = a.map((p) => (p.second >= cut ? { ...p, cents: p.cents + 50_000 } : p));
    const fa = forecastsFromSeconds(a);
    const fb = forecastsFromSeconds(b);
    // A forecast at instant t uses the prices of seconds up to t − 1.
    const before = fa.filter((f) => f.t <= cut);
    expect(before.length).toBeGreaterThan(1000);
    expect(fb.filter((f) => f.t <= cut)).toEqual(before);
    // The change is real: forecasts after it differ.
    expect(fb.filter((f) => f.t > cut)).not.toEqual(fa.filter((f) => f.t > cut));
  });

  it("on one-minute bars: a bar's open from its first second, its close only after it has closed", () => {
    const text = readFileSync(new URL("../../data/samples/binance_btcusdt_1m_2024-11-30_2024-12-29.csv", import.meta.url), "latin1");
    const bars: Bar[] = [];
    const parser = new BarCsvParser("sample", (t, o, h, l, c) => bars.length < 200 && bars.push([t, o, h, l, c]));
    parser.push(text);
    const k = 150;
    const tk = bars[k]![0]; // bar k opens at tk and closes at tk + 60
    const fa = forecastsFromBars(bars);
    // Its close (and everything after it) changed: known at tk + 60, the end of its last second
    // tk + 59, so a forecast may use it from instant tk + 60 on, and not one second before.
    const closeChanged = bars.map((b, i): Bar => (i > k ? [b[0], b[1] * 1.01, b[2] * 1.01, b[3] * 1.01, b[4] * 1.01] : i === k ? [b[0], b[1], b[2] * 1.01, b[3], b[4] * 1.01] : b));
    const fc = forecastsFromBars(closeChanged);
    const beforeClose = (f: Seen) => f.t < tk + 60;
    expect(fa.filter(beforeClose).length).toBeGreaterThan(100);
    expect(fc.filter(beforeClose)).toEqual(fa.filter(beforeClose));
    // The boundary is tight: the very first forecast allowed to use the close differs.
    expect(fc.find((f) => f.t === tk + 60)).not.toEqual(fa.find((f) => f.t === tk + 60));
    // Its open changed too: the open is the price of its first second tk, usable from instant tk + 1.
    const openChanged = closeChanged.map((b, i): Bar => (i === k ? [b[0], b[1] * 1.01, b[2], b[3], b[4]] : b));
    const fo = forecastsFromBars(openChanged);
    const beforeOpen = (f: Seen) => f.t <= tk;
    expect(fo.filter(beforeOpen)).toEqual(fa.filter(beforeOpen));
    expect(fo.find((f) => f.t === tk + 1)).not.toEqual(fa.find((f) => f.t === tk + 1));
  });
});
