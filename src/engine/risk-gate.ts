import { type Money, formatUsd } from "../domain/money.ts";

/**
 * Hard limits on the one order path, in every mode (money in units; null = no limit). Live
 * trading always has them (kalshi.live); a paper session or a replay has them only when the user
 * sets them, and then shows exactly what live would have refused.
 */
export interface RiskLimits {
  /** Most one order may cost at its worst price, fee included. */
  readonly maxPerOrder: Money | null;
  /** Most held in open positions (cost + fee), this order included. */
  readonly maxOpenExposure: Money | null;
  /** No order that could take the day's realised loss past this. */
  readonly maxDailyLoss: Money | null;
  readonly maxOrdersPerWindow: number | null;
}

export const NO_LIMITS: RiskLimits = { maxPerOrder: null, maxOpenExposure: null, maxDailyLoss: null, maxOrdersPerWindow: null };

/** The last two are the limits on every series together (portfolio.ts). */
export type RiskRefusalReason = "kill_switch" | "max_per_order" | "max_open_exposure" | "max_daily_loss" | "max_orders_per_window" | "max_total_exposure" | "max_total_daily_loss";

export interface RiskRefusal {
  readonly reason: RiskRefusalReason;
  readonly message: string;
}

/** What the gate needs to know, all derived from the journal and the event stream. */
export interface RiskState {
  readonly killSwitch: boolean;
  /** Cost + fee of open positions and of orders still out, plus exposure held outside this journal. */
  readonly openExposure: Money;
  /** Realised P&L of the current day (settlements), negative for a loss. */
  readonly dayPnl: Money;
  /** Orders already sent in this window (filled or not). */
  readonly ordersInWindow: number;
}

/** The order about to be sent: its worst cost is every contract at the highest price, plus the fee. */
export interface RiskOrder {
  readonly ticker: string;
  readonly worstCost: Money;
}

/** Why this order may not be sent, or null. Pure: the same state and order, the same answer. */
export function riskRefusal(order: RiskOrder, s: RiskState, l: RiskLimits, killSwitchName = "the kill switch"): RiskRefusal | null {
  if (s.killSwitch) return { reason: "kill_switch", message: `kill switch is on (${killSwitchName}): no new orders` };
  const worst = order.worstCost;
  if (l.maxPerOrder !== null && worst > l.maxPerOrder) {
    return { reason: "max_per_order", message: `order could cost ${formatUsd(worst)}, over the ${formatUsd(l.maxPerOrder)} per-order limit` };
  }
  if (l.maxOpenExposure !== null && s.openExposure + worst > l.maxOpenExposure) {
    return { reason: "max_open_exposure", message: `open exposure would reach ${formatUsd(s.openExposure + worst)}, over the ${formatUsd(l.maxOpenExposure)} limit` };
  }
  if (l.maxDailyLoss !== null && -s.dayPnl + worst > l.maxDailyLoss) {
    return {
      reason: "max_daily_loss",
      message: `today's P&L is ${formatUsd(s.dayPnl)}; losing this order (${formatUsd(worst)}) would pass the ${formatUsd(l.maxDailyLoss)} daily loss limit`,
    };
  }
  if (l.maxOrdersPerWindow !== null && s.ordersInWindow >= l.maxOrdersPerWindow) {
    return { reason: "max_orders_per_window", message: `already ${s.ordersInWindow} order(s) in ${order.ticker} (limit ${l.maxOrdersPerWindow})` };
  }
  return null;
}

/** The start (unix seconds) of the day instant `t` falls in, days starting at `dayStartHourUtc`:00 UTC. */
export function dayStart(t: number, dayStartHourUtc: number): number {
  const offset = dayStartHourUtc * 3600;
  return Math.floor((t - offset) / 86_400) * 86_400 + offset;
}
