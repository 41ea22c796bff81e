import { dollarsToMoney } from "../domain/money.ts";
import type { EngineConfig } from "../engine/engine.ts";
import type { SyntheticMarketParams } from "../engine/synthetic-market.ts";
import type { AppConfig } from "./schema.ts";

/** The engine's part of the configuration, money in exact units. */
export function engineConfig(c: AppConfig, mode: { settlement: "proxy" | "official"; predictionEverySeconds: number }): EngineConfig {
  return {
    series: c.series,
    startBalance: dollarsToMoney(c.balance),
    strategy: {
      minEdge: c.strategy.minEdge,
      minConfidence: c.strategy.minConfidence,
      kellyFraction: c.strategy.kellyFraction,
      maxPosition: dollarsToMoney(c.strategy.maxPosition),
      maxEntriesPerWindow: c.strategy.maxEntriesPerWindow,
      minSecondsLeft: c.strategy.minSecondsLeft,
      feeRate: dollarsToMoney(c.strategy.feeRate),
    },
    model: c.model,
    maxStaleSeconds: c.engine.maxStaleSeconds,
    settlement: mode.settlement,
    predictionEverySeconds: mode.predictionEverySeconds,
  };
}

export function syntheticMarketParams(c: AppConfig): SyntheticMarketParams {
  const m = c.synthetic.mispricingCents;
  return {
    spread: c.synthetic.spreadCents * 100,
    depth: c.synthetic.depth,
    ...(m > 0 ? { mispricing: { sd: m / 100, halfLifeSeconds: c.synthetic.mispricingHalfLifeSeconds, seed: 1 } } : {}),
  };
}
