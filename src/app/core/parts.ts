import { strategyParams } from "../../config/engine-config.ts";
import type { AppConfig } from "../../config/schema.ts";
import { CoinFlipForecaster, FairValueForecaster, MarketForecaster } from "../../model/baselines.ts";
import { type Forecaster, HybridForecaster } from "../../model/forecaster.ts";
import { CoinFlipStrategy } from "../../strategy/coin-flip.ts";
import { StaleBookTaker, type StaleTakerParams } from "../../strategy/stale-taker.ts";
import { EdgeStrategy, type Strategy } from "../../strategy/strategy.ts";

/** The engine's two injected parts: what forecasts and what decides. */
export interface Parts {
  readonly forecaster: Forecaster;
  readonly strategy: Strategy;
}

/** The strategies a comparison can run, each as its own paper account. */
export const PART_NAMES = ["model", "fair_value", "coin_flip", "market", "stale_taker"] as const;
export type PartName = (typeof PART_NAMES)[number];

/** What each one is, in a line. */
export const PART_DESCRIPTIONS: Record<PartName, string> = {
  model: "btc15's forecaster (fair value + momentum + mean reversion), edge rule",
  fair_value: "the plain volatility fair value, edge rule",
  coin_flip: "a random side once a window at a random second, the position limit's worth",
  market: "Kalshi's own mid as the forecast, edge rule (should never find an edge)",
  stale_taker: "btc15's forecaster, edge rule only while the book is stale",
};

function staleTaker(config: AppConfig, over?: Partial<StaleTakerParams>): Strategy {
  const s = config.strategy.staleTaker;
  return new StaleBookTaker(strategyParams(config), { bookAgeSeconds: over?.bookAgeSeconds ?? s.bookAgeSeconds, minMove: over?.minMove ?? s.minMove });
}

/** The parts a configuration asks for: btc15's forecaster with the configured rule (edge unless strategy.rule says otherwise). */
export function configuredParts(config: AppConfig): Parts {
  return partsFor(config.strategy.rule === "stale_taker" ? "stale_taker" : "model", config);
}

/** The parts of one named strategy, on the configuration's model and strategy settings. */
export function partsFor(name: PartName, config: AppConfig, stale?: Partial<StaleTakerParams>): Parts {
  const params = strategyParams(config);
  switch (name) {
    case "model":
      return { forecaster: new HybridForecaster(config.model), strategy: new EdgeStrategy(params) };
    case "fair_value":
      return { forecaster: new FairValueForecaster(config.model), strategy: new EdgeStrategy(params) };
    case "coin_flip":
      return { forecaster: new CoinFlipForecaster(config.model), strategy: new CoinFlipStrategy(params) };
    case "market":
      return { forecaster: new MarketForecaster(config.model), strategy: new EdgeStrategy(params) };
    case "stale_taker":
      return { forecaster: new HybridForecaster(config.model), strategy: staleTaker(config, stale) };
  }
}
