import { type Money, CONTRACT_PAYOUT, assertMoney, parseDollars } from "../domain/money.ts";
import type { TradeJournalRecord } from "../domain/records.ts";
import type { Side } from "../domain/settlement.ts";

/** An open position: bought, not yet settled. */
export interface Position {
  readonly id: string;
  readonly ticker: string;
  readonly windowOpen: number;
  readonly windowClose: number;
  readonly side: Side;
  readonly contracts: number;
  readonly cost: Money;
  readonly fee: Money;
  /** Strike as journaled ("64839.26"). */
  readonly strike: string;
}

/** Figures derived from the journal; the same ones the console, report and summary show. */
export interface AccountSummary {
  readonly startBalance: Money;
  readonly balance: Money;
  readonly peakEquity: Money;
  readonly maxDrawdown: Money;
  readonly pnl: Money;
  readonly fees: Money;
  readonly trades: number;
  readonly settled: number;
  readonly wins: number;
  readonly losses: number;
  readonly voided: number;
  readonly openPositions: number;
  readonly openCost: Money;
}

export class JournalStateError extends Error {}

/**
 * Balance and positions, changed only by applying journal records: the engine applies each
 * record it writes, and a restart applies the records read back, so both reach the same state.
 */
export class Account {
  balance: Money;
  readonly positions = new Map<string, Position>();
  /** Entries made in each window, by close time. */
  private readonly entries = new Map<number, number>();
  private peak: Money;
  private drawdown: Money = 0;
  private fees: Money = 0;
  private trades = 0;
  private settled = 0;
  private wins = 0;
  private losses = 0;
  private voided = 0;
  private heldCost: Money = 0;
  private started = false;
  /** Each settlement's instant and realised P&L, in journal order: the daily loss limit reads them. */
  private readonly realised: { t: number; pnl: Money }[] = [];

  constructor(public startBalance: Money) {
    this.balance = startBalance;
    this.peak = startBalance;
  }

  /** Rebuilds the state a journal describes. */
  static fromRecords(records: Iterable<TradeJournalRecord>, startBalance: Money): Account {
    const account = new Account(startBalance);
    for (const r of records) account.apply(r);
    return account;
  }

  /** True once an account record opened this journal. */
  get opened(): boolean {
    return this.started;
  }

  entriesIn(windowClose: number): number {
    return this.entries.get(windowClose) ?? 0;
  }

  apply(r: TradeJournalRecord): void {
    switch (r.type) {
      case "account": {
        if (this.started || this.trades > 0) throw new JournalStateError("a second account record in one journal");
        this.started = true;
        this.startBalance = parseDollars(r.balance);
        this.balance = this.startBalance;
        this.peak = this.startBalance;
        return;
      }
      case "trade": {
        if (this.positions.has(r.id)) throw new JournalStateError(`trade ${r.id} appears twice`);
        const cost = parseDollars(r.cost);
        const fee = parseDollars(r.fee);
        this.positions.set(r.id, {
          id: r.id,
          ticker: r.ticker,
          windowOpen: r.window_open,
          windowClose: r.window_close,
          side: r.side,
          contracts: r.contracts,
          cost,
          fee,
          strike: r.strike,
        });
        this.entries.set(r.window_close, this.entriesIn(r.window_close) + 1);
        this.balance = assertMoney(this.balance - cost - fee, "balance");
        this.heldCost += cost + fee;
        this.fees += fee;
        this.trades++;
        return;
      }
      case "settlement": {
        const p = this.take(r.trade_id);
        const payout = r.won ? p.contracts * CONTRACT_PAYOUT : 0;
        this.balance = assertMoney(this.balance + payout, "balance");
        this.realised.push({ t: r.t, pnl: payout - p.cost - p.fee });
        this.settled++;
        if (r.won) this.wins++;
        else this.losses++;
        this.markEquity();
        return;
      }
      case "void": {
        const p = this.take(r.trade_id);
        this.balance = assertMoney(this.balance + p.cost + p.fee, "balance");
        this.fees -= p.fee;
        this.trades--;
        this.voided++;
        this.markEquity();
        return;
      }
    }
  }

  /** Realised P&L of settlements made at or after instant `t` (unix seconds). */
  realisedSince(t: number): Money {
    let sum = 0;
    for (const r of this.realised) if (r.t >= t) sum += r.pnl;
    return sum;
  }

  private take(id: string): Position {
    const p = this.positions.get(id);
    if (p === undefined) throw new JournalStateError(`settlement for unknown or already settled trade ${id}`);
    this.positions.delete(id);
    this.heldCost -= p.cost + p.fee;
    return p;
  }

  /** Equity counts open positions at what they cost; marked after each settlement. */
  private markEquity(): void {
    const equity = this.balance + this.heldCost;
    if (equity > this.peak) this.peak = equity;
    if (this.peak - equity > this.drawdown) this.drawdown = this.peak - equity;
  }

  /** What the open positions cost, fees included. */
  get openCost(): Money {
    return this.heldCost;
  }

  summary(): AccountSummary {
    return {
      startBalance: this.startBalance,
      balance: this.balance,
      peakEquity: this.peak,
      maxDrawdown: this.drawdown,
      pnl: this.balance + this.heldCost - this.startBalance,
      fees: this.fees,
      trades: this.trades,
      settled: this.settled,
      wins: this.wins,
      losses: this.losses,
      voided: this.voided,
      openPositions: this.positions.size,
      openCost: this.heldCost,
    };
  }
}
