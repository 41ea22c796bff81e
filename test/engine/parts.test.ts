// The engine's injected parts: a baseline forecaster or another strategy trades through the same engine.
import { describe, expect, it } from "vitest";
import type { Quote } from "../../src/domain/quote.ts";
import type { Window } from "../../src/domain/window.ts";
import { Engine } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import type { MarketSource } from "../../src/engine/market.ts";
import { CoinFlipForecaster, FairValueForecaster, MarketForecaster } from "../../src/model/baselines.ts";
import { type Forecaster, HybridForecaster, type MutableForecast } from "../../src/model/forecaster.ts";
import type { Strategy } from "../../src/strategy/strategy.ts";
import type { SettlementState } from "../../src/model/fair-value.ts";
import type { PriceHistory } from "../../src/model/price-history.ts";
import { CoinFlipStrategy } from "../../src/strategy/coin-flip.ts";
import { TRADING_CONFIG, randomWalk, second } from "./fixtures.ts";

/** A market whose mid swings on its own (nothing to do with spot), 2¢ wide, on the 1¢ grid. */
const midAt = (t: number) => Math.round(50 + 35 * Math.sin(t / 40));
function swinging(): MarketSource {
  return {
    name: "swinging",
    officialStrike: () => null,
    quote(t: number, w: Window): Quote {
      const m = midAt(t);
      return { ticker: w.ticker, source: "swinging", yes: { bid: (m - 1) * 100, asks: [{ price: (m + 1) * 100, size: 1000 }] }, no: { bid: (99 - m) * 100, asks: [{ price: (101 - m) * 100, size: 1000 }] } };
    },
  };
}

/** The market forecaster gone wrong: it reads the mid the market will show 30 s later. */
class PeekingForecaster extends MarketForecaster {
  private t = 0;
  override forecastInto(s: SettlementState, h: PriceHistory, out: MutableForecast): MutableForecast {
    this.t = s.t;
    return super.forecastInto(s, h, out);
  }
  override readMarket(out: MutableForecast): boolean {
    out.pUp = midAt(this.t + 30) / 100;
    return true;
  }
}

function run(forecaster: Forecaster, strategy?: Strategy) {
  const journal = new MemoryJournal();
  const engine = new Engine({ ...TRADING_CONFIG, strategy: { ...TRADING_CONFIG.strategy, minConfidence: 0 } }, { market: swinging(), journal, forecaster, ...(strategy ? { strategy } : {}) });
  for (const p of randomWalk(3, 4 * 3600)) engine.handle(second(p.second, p.cents));
  return { engine, journal };
}

describe("the market's own mid as a forecaster", () => {
  it("never finds an edge after the spread and the fee; the same rule fed a later mid does, so the check can tell", () => {
    const own = run(new MarketForecaster(TRADING_CONFIG.model));
    expect(own.engine.counters.forecasts).toBeGreaterThan(5000);
    expect(own.engine.counters.trades).toBe(0);
    expect(own.engine.counters.noTrade.low_edge).toBeGreaterThan(0);
    const peeking = run(new PeekingForecaster(TRADING_CONFIG.model));
    expect(peeking.engine.counters.trades).toBeGreaterThan(5);
  });

  it("gives no forecast without a two-sided quote", () => {
    const f = new MarketForecaster(TRADING_CONFIG.model);
    const out = { pUp: 0.3 } as MutableForecast;
    const oneSided: Quote = { ticker: "T", source: "x", yes: { bid: null, asks: [{ price: 4000, size: 1 }] }, no: { bid: 6000, asks: [] } };
    expect(f.readMarket(out, oneSided)).toBe(false);
    expect(f.readMarket(out, null)).toBe(false);
    expect(out.pUp).toBe(0.3);
  });
});

describe("the baselines rest on the same fair value as btc15's forecaster", () => {
  it("fair value: the hybrid's base; coin flip: one half; all ready when the hybrid is", () => {
    const params = { ...TRADING_CONFIG.model, momentum: { weight: 3, lookbackSeconds: 120 } };
    const hybrid = new HybridForecaster(params);
    const fair = new FairValueForecaster(params);
    const coin = new CoinFlipForecaster(params);
    const seen: number[][] = [[], [], []];
    // The same prices through an engine each: their forecasts, second by second.
    const engines = [hybrid, fair, coin].map((forecaster, k) => new Engine(TRADING_CONFIG, { market: swinging(), journal: new MemoryJournal(), forecaster, listener: { onForecast: (ev) => seen[k]!.push(ev.forecast.pUp, ev.forecast.fairValue) } }));
    for (const p of randomWalk(9, 2400)) for (const e of engines) e.handle(second(p.second, p.cents));
    const [hy, fv, cf] = seen as [number[], number[], number[]];
    expect(hy.length).toBeGreaterThan(100);
    expect(fv.length).toBe(hy.length);
    for (let i = 0; i < hy.length; i += 2) {
      expect(fv[i + 1]).toBe(hy[i + 1]); // the same fair value
      expect(fv[i]).toBe(fv[i + 1]); // the fair value baseline forecasts it
      expect(cf[i]).toBe(0.5);
    }
    expect(hy.some((p, i) => i % 2 === 0 && p !== hy[i + 1])).toBe(true); // momentum moves the hybrid off it
  });
});

describe("a coin-flip strategy through the engine", () => {
  it("buys once a window, a side at random, the same coins every run", () => {
    const flips = () => run(new CoinFlipForecaster(TRADING_CONFIG.model), new CoinFlipStrategy({ ...TRADING_CONFIG.strategy, minConfidence: 0 })).journal.records.filter((r) => r.type === "trade");
    const a = flips();
    const b = flips();
    expect(a.length).toBeGreaterThanOrEqual(14);
    expect(new Set(a.map((t) => (t as { window_close: number }).window_close)).size).toBe(a.length);
    expect(new Set(a.map((t) => (t as { side: string }).side))).toEqual(new Set(["yes", "no"]));
    expect(b).toEqual(a);
  });
});
