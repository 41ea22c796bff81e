import type { SecondEvent } from "../../src/domain/events.ts";
import type { EngineConfig } from "../../src/engine/engine.ts";
import { gaussian } from "../helpers.ts";

/** An engine configuration that trades: a strong momentum term against a 2¢ synthetic spread. */
export const TRADING_CONFIG: EngineConfig = {
  series: "KXBTC15M",
  startBalance: 2_000_000,
  strategy: { minEdge: 0.015, minConfidence: 0.03, kellyFraction: 0.5, maxPosition: 150_000, maxEntriesPerWindow: 1, minSecondsLeft: 0, feeRate: 700 },
  model: {
    volatility: { halfLifeSeconds: 1800, scale: 1, floorAnnualized: 0.05 },
    momentum: { weight: 3, lookbackSeconds: 120 },
    meanReversion: { weight: 0, halfLifeSeconds: 900 },
    warmupSeconds: 900,
  },
  maxStaleSeconds: 10,
  settlement: "proxy",
  predictionEverySeconds: 60,
};

/** A seeded random walk of one-second prices in cents, starting on a window boundary. */
export function randomWalk(seed: number, seconds: number, start = 1_733_011_200, startCents = 9_600_000, sigma = 1e-4): { second: number; cents: number }[] {
  const g = gaussian(seed);
  const out: { second: number; cents: number }[] = [];
  let p = startCents;
  for (let i = 0; i < seconds; i++) {
    p = Math.max(100, Math.round(p * (1 + sigma * g())));
    out.push({ second: start + i, cents: p });
  }
  return out;
}

/** The engine's event for one second's price (the one door takes nothing else). */
export function second(second: number, cents: number, carried = false): SecondEvent {
  return { type: "second", second, cents, carried };
}
