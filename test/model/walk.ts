import { defaultConfig } from "../../src/config/load.ts";
import { engineConfig } from "../../src/config/engine-config.ts";
import { Engine, type EngineListener } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { NO_MARKET } from "../../src/engine/market.ts";
import { Sampler } from "../../src/engine/sampler.ts";
import type { ModelParams } from "../../src/model/params.ts";
import { gaussian } from "../helpers.ts";

/** Volatility of the test walks: 50 % a year, BTC-like, as a standard deviation per second. */
export const SIGMA = 0.5 / Math.sqrt(365 * 24 * 3600);

/** A whole minute (so minute bars line up with UTC minutes, as exchanges' do). */
export const T0 = 1_700_000_040;

/** A seeded one-second random walk of known volatility: each second the log price moves σ·N(0, 1). */
export function randomWalk(seconds: number, seed: number, sigma = SIGMA, start = 60_000): Float64Array {
  const g = gaussian(seed);
  const p = new Float64Array(seconds);
  let x = start;
  for (let i = 0; i < seconds; i++) {
    p[i] = x;
    x *= Math.exp(sigma * g());
  }
  return p;
}

/** The walk as one-minute bars [t, t + 60): open is the minute's first second, close its last. */
export function minuteBars(walk: Float64Array, t0 = T0): { t: number; open: number; close: number }[] {
  const bars = [];
  for (let i = 0; i + 60 <= walk.length; i += 60) bars.push({ t: t0 + i, open: walk[i]!, close: walk[i + 59]! });
  return bars;
}

/**
 * The production engine behind a sampler, with a market that never quotes (as the fit's
 * checkpoints use it): nothing trades, every second is forecast.
 */
export function quietEngine(model: ModelParams, listener: EngineListener = {}, onSecond?: (engine: Engine, second: number) => void): { engine: Engine; sampler: Sampler } {
  const base = defaultConfig();
  const engine = new Engine(engineConfig({ ...base, model }, { settlement: "proxy", predictionEverySeconds: 0 }), {
    market: NO_MARKET,
    journal: new MemoryJournal(),
    listener,
  });
  const sampler = new Sampler(
    (e) => {
      engine.handle(e);
      if (e.type === "second") onSecond?.(engine, e.second);
    },
    { maxCarrySeconds: base.backtest.maxCarrySeconds },
  );
  return { engine, sampler };
}
