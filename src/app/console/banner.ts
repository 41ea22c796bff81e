import type { AppConfig } from "../../config/schema.ts";
import { totalLimits } from "../../config/engine-config.ts";
import { usd, usdFromNumber } from "./number-style.ts";
import { seriesSpec } from "../../domain/series.ts";

/** "fair value (volatility ×1.19, half-life 600 s)" plus the terms that are on. */
export function describeModel(c: AppConfig): string {
  const m = c.model;
  const parts = [`fair value (volatility ×${m.volatility.scale}, EWMA half-life ${m.volatility.halfLifeSeconds} s)`];
  if (m.momentum.weight !== 0) parts.push(`momentum ${m.momentum.weight} over ${m.momentum.lookbackSeconds} s`);
  if (m.meanReversion.weight !== 0) parts.push(`mean reversion ${m.meanReversion.weight}, EMA half-life ${m.meanReversion.halfLifeSeconds} s`);
  return parts.join(" + ");
}

export function describeStrategy(c: AppConfig): string {
  const s = c.strategy;
  return `min edge ${(s.minEdge * 100).toFixed(1)}%, min confidence ${(s.minConfidence * 100).toFixed(1)}%, ${s.kellyFraction}× Kelly, max ${usdFromNumber(s.maxPosition)}/trade, ${s.maxEntriesPerWindow} entr${s.maxEntriesPerWindow === 1 ? "y" : "ies"}/window, fee rate ${s.feeRate}${s.rule === "stale_taker" ? `, only while the book is stale (unchanged ${s.staleTaker.bookAgeSeconds} s, fair value moved ≥ ${(s.staleTaker.minMove * 100).toFixed(1)} points)` : ""}`;
}

export function describeSynthetic(c: AppConfig): string {
  const y = c.synthetic;
  const noise = y.mispricingCents > 0 ? `, random mispricing sd ${y.mispricingCents}¢ (a demonstration: P&L against it means nothing)` : "";
  return `synthetic: quotes around the plain fair value, spread ${y.spreadCents}¢, depth ${y.depth}${noise} — not Kalshi's prices`;
}

/** The limits on every series together ("total limits $40 open, $30 daily loss"), or null when none is set (live trading adds kalshi.live's). */
export function describeTotalLimits(c: AppConfig): string | null {
  const t = totalLimits(c, c.mode === "live");
  const parts = [t.maxOpenExposure === null ? null : `${usd(t.maxOpenExposure)} open`, t.maxDailyLoss === null ? null : `${usd(t.maxDailyLoss)} daily loss`].filter((x) => x !== null);
  return parts.length ? `total limits ${parts.join(", ")} across series` : null;
}

/**
 * With a series other than Bitcoin: that the model's settings were fitted on Bitcoin only (each
 * coin's volatility is its own, the estimator's settings are not), or null.
 */
export function modelCaveat(c: AppConfig): string | null {
  const others = c.series.filter((s) => s !== "KXBTC15M").map((s) => seriesSpec(s).coin);
  if (others.length === 0) return null;
  return `settings fitted on BTC, unchecked on ${others.join(", ")} (docs/series.md)`;
}
