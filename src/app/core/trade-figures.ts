import { type Money, moneyToDollars } from "../../domain/money.ts";
import type { AccountSummary } from "../../engine/account.ts";
import { pnlInterval95 } from "../../report/pnl-interval.ts";

/** The figures every paper account reports, whether a run's own or one compared strategy's; money in dollars. */
export interface TradeFigures {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly win_rate: number | null;
  readonly pnl: number;
  /** 95 % t-interval of the total P&L from the settled trades' P&L, [low, high]; null below two trades. */
  readonly pnl_ci95: [number, number] | null;
  readonly fees: number;
  readonly max_drawdown: number;
  readonly final_balance: number;
  readonly open_positions: number;
  readonly voided: number;
}

/** An account's figures in dollars, with the interval from its settled trades' P&L. */
export function tradeFigures(s: AccountSummary, settledPnl: readonly Money[]): TradeFigures {
  const ci = pnlInterval95(settledPnl);
  return {
    trades: s.trades,
    wins: s.wins,
    losses: s.losses,
    win_rate: s.settled === 0 ? null : s.wins / s.settled,
    pnl: moneyToDollars(s.pnl),
    pnl_ci95: ci.low === null || ci.high === null ? null : [ci.low, ci.high],
    fees: moneyToDollars(s.fees),
    max_drawdown: moneyToDollars(s.maxDrawdown),
    final_balance: moneyToDollars(s.balance + s.openCost),
    open_positions: s.openPositions,
    voided: s.voided,
  };
}
