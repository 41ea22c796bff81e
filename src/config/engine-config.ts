import { dollarsToMoney } from "../domain/money.ts";
import type { EngineConfig } from "../engine/engine.ts";
import type { TotalLimits } from "../engine/portfolio.ts";
import type { RiskLimits } from "../engine/risk-gate.ts";
import { seriesSpec } from "../domain/series.ts";
import type { SyntheticMarketParams } from "../engine/synthetic-market.ts";
import type { StrategyParams } from "../strategy/edge-strategy.ts";
import type { AppConfig } from "./schema.ts";

/** The engine's part of the configuration, money in exact units. */
export function engineConfig(c: AppConfig, mode: { settlement: "proxy" | "official"; predictionEverySeconds: number; live?: boolean; series?: string; priceDigits?: number }): EngineConfig {
  const series = mode.series ?? c.series[0]!;
  return {
    series,
    priceDigits: mode.priceDigits ?? seriesSpec(series).priceDigits,
    startBalance: dollarsToMoney(c.balance),
    strategy: strategyParams(c),
    model: c.model,
    maxStaleSeconds: c.engine.maxStaleSeconds,
    maxCarriedSeconds: c.engine.maxCarriedSeconds,
    settlement: mode.settlement,
    predictionEverySeconds: mode.predictionEverySeconds,
    risk: { ...riskLimits(c, mode.live ?? false), dayStartHourUtc: c.risk.dayStartHourUtc, killSwitchName: `${c.kalshi.live.killSwitchFile} exists` },
  };
}

/** The strategy's settings, money in exact units. */
export function strategyParams(c: AppConfig): StrategyParams {
  return {
    minEdge: c.strategy.minEdge,
    minConfidence: c.strategy.minConfidence,
    kellyFraction: c.strategy.kellyFraction,
    maxPosition: dollarsToMoney(c.strategy.maxPosition),
    maxEntriesPerWindow: c.strategy.maxEntriesPerWindow,
    minSecondsLeft: c.strategy.minSecondsLeft,
    feeRate: dollarsToMoney(c.strategy.feeRate),
  };
}

/**
 * The limits of the one order path: the `risk` settings (none unless set), and for live
 * trading also `kalshi.live`'s, the stricter of the two where both are set.
 */
const money = (d: number | null) => (d === null ? null : dollarsToMoney(d));
/** The stricter of a limit that may be unset and one that is always set. */
const stricter = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));

export function riskLimits(c: AppConfig, live: boolean): RiskLimits {
  const r = c.risk;
  const own: RiskLimits = { maxPerOrder: money(r.maxPerOrder), maxOpenExposure: money(r.maxOpenExposure), maxDailyLoss: money(r.maxDailyLoss), maxOrdersPerWindow: r.maxOrdersPerWindow };
  if (!live) return own;
  const l = c.kalshi.live;
  return {
    maxPerOrder: stricter(own.maxPerOrder, dollarsToMoney(l.maxPerOrder)),
    maxOpenExposure: stricter(own.maxOpenExposure, dollarsToMoney(l.maxOpenExposure)),
    maxDailyLoss: stricter(own.maxDailyLoss, dollarsToMoney(l.maxDailyLoss)),
    maxOrdersPerWindow: stricter(own.maxOrdersPerWindow, l.maxOrdersPerWindow),
  };
}

/**
 * The limits on every series together: `risk.total`, and for live trading also kalshi.live's
 * open-exposure and daily-loss limits (the stricter where both are set), so a second series never
 * doubles the real money at risk beyond what the user set.
 */
export function totalLimits(c: AppConfig, live: boolean): TotalLimits {
  const own: TotalLimits = { maxOpenExposure: money(c.risk.total.maxOpenExposure), maxDailyLoss: money(c.risk.total.maxDailyLoss), dayStartHourUtc: c.risk.dayStartHourUtc };
  if (!live) return own;
  return { ...own, maxOpenExposure: stricter(own.maxOpenExposure, dollarsToMoney(c.kalshi.live.maxOpenExposure)), maxDailyLoss: stricter(own.maxDailyLoss, dollarsToMoney(c.kalshi.live.maxDailyLoss)) };
}

export function syntheticMarketParams(c: AppConfig): SyntheticMarketParams {
  const m = c.synthetic.mispricingCents;
  return {
    spread: c.synthetic.spreadCents * 100,
    depth: c.synthetic.depth,
    ...(m > 0 ? { mispricing: { sd: m / 100, halfLifeSeconds: c.synthetic.mispricingHalfLifeSeconds, seed: 1 } } : {}),
  };
}
