import { moneyToDollars } from "../../domain/money.ts";
import { isoUtc } from "../../domain/window.ts";
import type { AccountSummary } from "../../engine/account.ts";

/** performance.json: a snapshot derived from the journal, written atomically after changes. */
export interface PerformanceSnapshot {
  readonly start_balance: number;
  readonly balance: number;
  readonly equity: number;
  readonly peak_balance: number;
  readonly pnl: number;
  readonly roi: number;
  readonly trades: number;
  readonly settled: number;
  readonly wins: number;
  readonly losses: number;
  readonly win_rate: number | null;
  readonly fees: number;
  readonly open_positions: number;
  readonly max_drawdown: number;
  readonly voided: number;
  readonly last_update: string | null;
}

export function performanceSnapshot(s: AccountSummary, lastUpdate: number | null): PerformanceSnapshot {
  const equity = s.balance + s.openCost;
  return {
    start_balance: moneyToDollars(s.startBalance),
    balance: moneyToDollars(s.balance),
    equity: moneyToDollars(equity),
    peak_balance: moneyToDollars(s.peakEquity),
    pnl: moneyToDollars(s.pnl),
    roi: s.startBalance === 0 ? 0 : s.pnl / s.startBalance,
    trades: s.trades,
    settled: s.settled,
    wins: s.wins,
    losses: s.losses,
    win_rate: s.settled === 0 ? null : s.wins / s.settled,
    fees: moneyToDollars(s.fees),
    open_positions: s.openPositions,
    max_drawdown: moneyToDollars(s.maxDrawdown),
    voided: s.voided,
    last_update: lastUpdate === null ? null : isoUtc(lastUpdate),
  };
}
