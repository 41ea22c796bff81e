import { describe, expect, it } from "vitest";
import { HybridForecaster } from "../../src/model/forecaster.ts";
import type { ModelParams } from "../../src/model/params.ts";
import { PriceHistory } from "../../src/model/price-history.ts";

const base: ModelParams = {
  volatility: { halfLifeSeconds: 600, scale: 1, floorAnnualized: 0.05 },
  momentum: { weight: 0, lookbackSeconds: 60 },
  meanReversion: { weight: 0, halfLifeSeconds: 300 },
  warmupSeconds: 120,
};

function feed(params: ModelParams, prices: number[]): { f: HybridForecaster; h: PriceHistory } {
  const f = new HybridForecaster(params);
  const h = new PriceHistory(4000);
  prices.forEach((p, i) => {
    h.push(i, p, false);
    f.observe(h);
  });
  return { f, h };
}

/** A rising tape: 5,000,000 cents (+$0.50 a second) with a wiggle so volatility is not zero. */
const rising = Array.from({ length: 600 }, (_, i) => 5_000_000 + 50 * i + (i % 2 === 0 ? 300 : -300));

describe("hybrid forecaster", () => {
  it("is the plain fair value when both terms are off", () => {
    const { f, h } = feed(base, rising);
    const last = rising.at(-1)! / 100;
    const out = f.forecast({ price: last, strike: last, t: 600, close: 1200, fixedSum: 0 }, h);
    expect(out.pUp).toBe(out.fairValue);
    expect(out.momentum).toBe(0);
    expect(out.meanReversion).toBe(0);
    expect(out.momentumSignal).toBeGreaterThan(0); // the signal is still reported
  });

  it("leans with momentum and against stretch, and its parts add up", () => {
    const params = { ...base, momentum: { weight: 0.5, lookbackSeconds: 60 }, meanReversion: { weight: 0.2, halfLifeSeconds: 300 } };
    const { f, h } = feed(params, rising);
    const last = rising.at(-1)! / 100;
    const out = f.forecast({ price: last, strike: last, t: 600, close: 1200, fixedSum: 0 }, h);
    expect(out.momentum).toBeGreaterThan(0);
    expect(out.meanReversion).toBeLessThan(0); // price above its EMA: pulls down
    expect(out.fairValue + out.momentum + out.meanReversion).toBeCloseTo(out.pUp, 12);
  });

  it("lets the terms fade as the close nears", () => {
    const params = { ...base, momentum: { weight: 0.5, lookbackSeconds: 60 } };
    const { f, h } = feed(params, rising);
    const last = rising.at(-1)! / 100;
    const early = f.forecast({ price: last, strike: last, t: 600, close: 1500, fixedSum: 0 }, h);
    const late = f.forecast({ price: last, strike: last, t: 600, close: 700, fixedSum: 0 }, h);
    expect(early.drift).toBeGreaterThan(late.drift);
    expect(Math.abs(late.momentum)).toBeLessThan(Math.abs(early.momentum));
  });

  it("needs its warm-up before it may forecast", () => {
    const { f } = feed(base, rising.slice(0, 119));
    expect(f.ready).toBe(false);
    const { f: g } = feed(base, rising.slice(0, 120));
    expect(g.ready).toBe(true);
  });

  it("never reports less volatility than the floor, scaled or not", () => {
    const flat = Array.from({ length: 300 }, () => 5_000_000);
    const { f } = feed({ ...base, volatility: { ...base.volatility, floorAnnualized: 0.2 } }, flat);
    expect(f.variancePerSecond()).toBeCloseTo(0.04 / (365 * 24 * 3600), 18);
  });
});
