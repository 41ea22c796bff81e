import { type Money, formatUsd } from "../domain/money.ts";
import { dayStart } from "./risk-gate.ts";

/**
 * Limits on every series of a process together (money in units; null = none). Each engine keeps
 * its own limits (risk-gate.ts); these cap the sum, because the coins move together: two series
 * double the exposure to one move.
 */
export interface TotalLimits {
  readonly maxOpenExposure: Money | null;
  readonly maxDailyLoss: Money | null;
  /** The daily loss limit's day starts at this hour, UTC. */
  readonly dayStartHourUtc: number;
}

export const NO_TOTAL_LIMITS: TotalLimits = { maxOpenExposure: null, maxDailyLoss: null, dayStartHourUtc: 0 };

/** What one engine tells the portfolio: derived from its journal and the orders it has out. */
export interface PortfolioMember {
  readonly series: string;
  /** Cost + fee of its open positions, the worst cost of its orders out, and exposure held outside its journal. */
  openExposure(): Money;
  /** Realised P&L of settlements at or after instant `t` (unix seconds). */
  realisedSince(t: number): Money;
}

export type TotalRefusalReason = "max_total_exposure" | "max_total_daily_loss";

/**
 * The engines of one process, seen together by the one order path of each: before an order is
 * sent, the sum of every series' open exposure and of their day's realised P&L is checked against
 * the total limits. Pure and synchronous, like the engines: the same events in the same order
 * give the same answers, so a replay of a multi-series recording refuses the same orders.
 */
export class Portfolio {
  private readonly members: PortfolioMember[] = [];

  constructor(readonly limits: TotalLimits = NO_TOTAL_LIMITS) {}

  join(m: PortfolioMember): void {
    this.members.push(m);
  }

  openExposure(): Money {
    let sum = 0;
    for (const m of this.members) sum += m.openExposure();
    return sum;
  }

  /** The day's realised P&L of every series, for the day instant `t` falls in. */
  dayPnl(t: number): Money {
    const from = dayStart(t, this.limits.dayStartHourUtc);
    let sum = 0;
    for (const m of this.members) sum += m.realisedSince(from);
    return sum;
  }

  /** Why an order that could cost `worst` may not be sent at instant `t` on account of the total limits, or null. */
  refusal(worst: Money, t: number): { readonly reason: TotalRefusalReason; readonly message: string } | null {
    const l = this.limits;
    if (l.maxOpenExposure !== null) {
      const open = this.openExposure();
      if (open + worst > l.maxOpenExposure) {
        return { reason: "max_total_exposure", message: `open exposure of every series together would reach ${formatUsd(open + worst)}, over the ${formatUsd(l.maxOpenExposure)} total limit` };
      }
    }
    if (l.maxDailyLoss !== null) {
      const pnl = this.dayPnl(t);
      if (-pnl + worst > l.maxDailyLoss) {
        return { reason: "max_total_daily_loss", message: `today's P&L of every series together is ${formatUsd(pnl)}; losing this order (${formatUsd(worst)}) would pass the ${formatUsd(l.maxDailyLoss)} total daily loss limit` };
      }
    }
    return null;
  }
}
