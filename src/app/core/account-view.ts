import { parseDollars } from "../../domain/money.ts";
import type { TradeJournalRecord } from "../../domain/records.ts";
import { Account, type AccountSummary, JournalStateError } from "../../engine/account.ts";
import type { Money } from "../../domain/money.ts";
import type { EquityPoint, SummaryFigures, TradeRow } from "../../report/html/report-data.ts";

/** Balance, equity curve and the trades, rebuilt from the journal by the same Account the trader uses. */
export function accountView(records: readonly TradeJournalRecord[], warnings: string[], otherTimes: readonly number[] = []): { summary: SummaryFigures; equity: EquityPoint[]; trades: TradeRow[] } {
  const account = new Account(0);
  const equity: EquityPoint[] = [];
  const trades = new Map<string, TradeRow>();
  const mark = (t: number) => {
    const s = account.summary();
    const e = s.balance + s.openCost;
    equity.push({ t, equity: e, drawdown: s.peakEquity - e });
  };
  for (const r of records) {
    try {
      account.apply(r);
    } catch (e) {
      if (!(e instanceof JournalStateError)) throw e;
      warnings.push(`journal record skipped: ${e.message}`);
      continue;
    }
    if (r.type === "account") mark(r.t);
    else if (r.type === "trade") {
      if (equity.length === 0) mark(r.t);
      const cost = parseDollars(r.cost);
      const fee = parseDollars(r.fee);
      trades.set(r.id, { id: r.id, t: r.t, ticker: r.ticker, side: r.side, contracts: r.contracts, price: parseDollars(r.price), cost, fee, pnl: null, settledAt: null, status: "open" });
    } else {
      const row = trades.get(r.trade_id);
      if (row !== undefined) {
        trades.set(r.trade_id, r.type === "settlement" ? { ...row, pnl: parseDollars(r.pnl), settledAt: r.t, status: r.won ? "won" : "lost" } : { ...row, pnl: 0, settledAt: r.t, status: "void" });
      }
      mark(r.t);
    }
  }
  const s = account.summary();
  const times = [...records.map((r) => r.t), ...otherTimes];
  return {
    summary: {
      startBalance: s.startBalance,
      equity: s.balance + s.openCost,
      balance: s.balance,
      pnl: s.pnl,
      fees: s.fees,
      maxDrawdown: s.maxDrawdown,
      trades: s.trades,
      wins: s.wins,
      losses: s.losses,
      openPositions: s.openPositions,
      openCost: s.openCost,
      voided: s.voided,
      firstRecord: times.length ? times.reduce((a, b) => Math.min(a, b)) : null,
      lastRecord: times.length ? times.reduce((a, b) => Math.max(a, b)) : null,
    },
    equity,
    trades: [...trades.values()],
  };
}

/** Several accounts as one: every figure added up (drawdown: the largest of them, a lower bound of the whole's). */
export function totalSummary(list: readonly AccountSummary[]): AccountSummary {
  const sum = (f: (s: AccountSummary) => Money) => list.reduce((n, s) => n + f(s), 0);
  return {
    startBalance: sum((s) => s.startBalance),
    balance: sum((s) => s.balance),
    peakEquity: sum((s) => s.peakEquity),
    maxDrawdown: list.reduce((m, s) => Math.max(m, s.maxDrawdown), 0),
    pnl: sum((s) => s.pnl),
    fees: sum((s) => s.fees),
    trades: sum((s) => s.trades),
    settled: sum((s) => s.settled),
    wins: sum((s) => s.wins),
    losses: sum((s) => s.losses),
    voided: sum((s) => s.voided),
    openPositions: sum((s) => s.openPositions),
    openCost: sum((s) => s.openCost),
  };
}
