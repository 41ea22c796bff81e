import type { Money } from "../domain/money.ts";

/**
 * The figures a trader looks for first on a tear sheet (as QuantStats prints them): how deep and
 * how long the worst drawdown was, profit factor, expectancy per trade, and P&L day by day. All
 * from the equity curve and the settled trades, after fees.
 */
export interface TearSheet {
  /** The deepest fall from a running peak of equity, as a share of that peak; null without equity. */
  readonly maxDrawdownPct: number | null;
  /** The peak that fall started from, and when the bottom came. */
  readonly maxDrawdownPeak: Money | null;
  readonly maxDrawdownAt: number | null;
  /** The longest spell below a previous peak, seconds: from the peak to the first time equity is back to it. */
  readonly longestDrawdownSeconds: number | null;
  /** When that spell began (the peak's time). */
  readonly longestDrawdownFrom: number | null;
  /** False when equity had not got back to the peak when the journal ends (the spell is still going). */
  readonly longestDrawdownRecovered: boolean;
  readonly settledTrades: number;
  /** Sum of the winning trades' P&L, and of the losing ones' (as a positive amount). */
  readonly grossProfit: Money;
  readonly grossLoss: Money;
  /** Gross profit over gross loss; null when nothing was lost (no ratio to give). */
  readonly profitFactor: number | null;
  /** Mean P&L of a settled trade, in money units (a fraction of a unit is kept); null without one. */
  readonly expectancy: number | null;
  readonly averageWin: number | null;
  readonly averageLoss: number | null;
  /** Settled P&L by UTC day of settlement, oldest first; days with no settlement are left out. */
  readonly days: readonly DayPnl[];
}

export interface DayPnl {
  /** "2026-04-27" (UTC). */
  readonly day: string;
  readonly pnl: Money;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
}

/** A point of the equity curve (cash plus open positions at cost), in time order. */
export interface EquityAt {
  readonly t: number;
  readonly equity: Money;
}

/** A settled trade: when it settled and its P&L after its fee (a void is not one). */
export interface SettledPnl {
  readonly settledAt: number;
  readonly pnl: Money;
}

/** The tear sheet of an equity curve and its settled trades; `end` is when the journal ends (a drawdown still open runs to it). */
export function tearSheet(equity: readonly EquityAt[], settled: readonly SettledPnl[], end: number | null): TearSheet {
  let peak: EquityAt | null = null;
  let maxPct: number | null = null;
  let maxPeak: Money | null = null;
  let maxAt: number | null = null;
  let spellFrom: number | null = null;
  let longest: number | null = null;
  let longestFrom: number | null = null;
  let recovered = true;
  for (const p of equity) {
    if (peak === null || p.equity >= peak.equity) {
      if (spellFrom !== null && (longest === null || p.t - spellFrom > longest)) {
        longest = p.t - spellFrom;
        longestFrom = spellFrom;
      }
      spellFrom = null;
      peak = p;
      continue;
    }
    spellFrom ??= peak.t;
    const pct = peak.equity > 0 ? (peak.equity - p.equity) / peak.equity : null;
    if (pct !== null && (maxPct === null || pct > maxPct)) {
      maxPct = pct;
      maxPeak = peak.equity;
      maxAt = p.t;
    }
  }
  if (spellFrom !== null) {
    const until = Math.max(end ?? equity.at(-1)!.t, equity.at(-1)!.t);
    if (longest === null || until - spellFrom > longest) {
      longest = until - spellFrom;
      longestFrom = spellFrom;
      recovered = false;
    }
  }
  if (equity.length > 0 && maxPct === null) maxPct = 0;

  let grossProfit = 0;
  let grossLoss = 0;
  let wins = 0;
  let losses = 0;
  const byDay = new Map<string, { pnl: Money; trades: number; wins: number; losses: number }>();
  for (const s of settled) {
    if (s.pnl > 0) {
      grossProfit += s.pnl;
      wins++;
    } else if (s.pnl < 0) {
      grossLoss -= s.pnl;
      losses++;
    }
    const day = new Date(s.settledAt * 1000).toISOString().slice(0, 10);
    const d = byDay.get(day) ?? { pnl: 0, trades: 0, wins: 0, losses: 0 };
    d.pnl += s.pnl;
    d.trades++;
    if (s.pnl > 0) d.wins++;
    else if (s.pnl < 0) d.losses++;
    byDay.set(day, d);
  }
  const n = settled.length;
  return {
    maxDrawdownPct: maxPct,
    maxDrawdownPeak: maxPeak,
    maxDrawdownAt: maxAt,
    longestDrawdownSeconds: longest,
    longestDrawdownFrom: longestFrom,
    longestDrawdownRecovered: recovered,
    settledTrades: n,
    grossProfit,
    grossLoss,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    expectancy: n > 0 ? (grossProfit - grossLoss) / n : null,
    averageWin: wins > 0 ? grossProfit / wins : null,
    averageLoss: losses > 0 ? -grossLoss / losses : null,
    days: [...byDay].sort((a, b) => a[0].localeCompare(b[0])).map(([day, d]) => ({ day, ...d })),
  };
}
