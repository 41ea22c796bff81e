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
