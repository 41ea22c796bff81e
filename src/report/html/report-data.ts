import type { Money } from "../../domain/money.ts";
import type { Side } from "../../domain/settlement.ts";
import type { CalibrationBin } from "../metrics.ts";
import type { TearSheet } from "../tear-sheet.ts";

/**
 * Everything the HTML report shows, already read from a journal and computed. The renderer only
 * draws it: no clock, no files, so the same data always gives the same page.
 */
export interface ReportData {
  /** What the report is of, e.g. the journal directory. */
  readonly title: string;
  /** When the report was made (the caller's clock), shown as given. */
  readonly generatedAt: string;
  /** The files read and what was in them, one line each. */
  readonly sources: readonly string[];
  /** Skipped lines and other problems found while reading. */
  readonly warnings: readonly string[];
  readonly summary: SummaryFigures;
  /** Equity after the account opened and after every settlement or void, oldest first. */
  readonly equity: readonly EquityPoint[];
  /** Every trade in journal order. */
  readonly trades: readonly TradeRow[];
  /** Drawdown in % and its duration, profit factor, expectancy, P&L by day. */
  readonly tearSheet: TearSheet;
  readonly scores: ForecastScores | Absent;
  readonly noTrade: NoTradeCounts | Absent;
  /** The last few windows, oldest first. */
  readonly windows: readonly WindowView[];
  /** Whether `windows` carry per-second prices (a backtest journals none unless asked). */
  readonly windowPrices: "seconds" | "none";
  /** Strategies run side by side (compare.json beside the journal), when there was a comparison. */
  readonly comparison?: ComparisonView;
  /** How far Kalshi trails spot (lag.json beside the journal), when it was measured. */
  readonly lag?: LagView;
  /** The series the journal trades ("KXBTC15M"), for the heading. */
  readonly seriesNames?: readonly string[];
  /** A data directory with a journal per series: each one's figures (the rest of the report is all of them together). */
  readonly series?: readonly SeriesRow[];
}

/** One strategy of a comparison; money in dollars (as compare.json holds it). */
export interface ComparisonRow {
  readonly strategy: string;
  readonly description: string;
  readonly trades: number;
  readonly win_rate: number | null;
  readonly pnl: number;
  readonly pnl_ci95: readonly [number, number] | null;
  readonly fees: number;
  readonly max_drawdown: number;
  readonly brier: number | null;
}

export interface ComparisonView {
  readonly strategies: readonly ComparisonRow[];
  readonly checkpoints: number;
  readonly windows: number;
  readonly start_balance: number;
  readonly fairness: { readonly ok: boolean | null; readonly note: string };
  readonly notes: readonly string[];
}

/** The lag measurement (as `btc15 research lag --json` writes it). */
export interface LagView {
  readonly lag_seconds: number | null;
  readonly ci95: readonly [number, number] | null;
  readonly n_seconds: number;
  readonly n_windows: number;
  readonly curve: readonly { readonly lag: number; readonly score: number }[];
  readonly measure?: string;
  /** What the answer cannot say, one sentence each. */
  readonly cannot_say?: readonly string[];
}

/** One series of a multi-series report: its account and its forecasts' score. */
export interface SeriesRow {
  readonly name: string;
  readonly summary: SummaryFigures;
  /** Its model's Brier score and the market's on their paired checkpoints, when scored. */
  readonly brier: number | null;
  readonly marketBrier: number | null;
  readonly forecasts: number | null;
}

/** A part of the report that has no data, and why, in words. */
export interface Absent {
  readonly absent: string;
}

export function isAbsent<T extends object>(x: T | Absent): x is Absent {
  return "absent" in x;
}

export interface SummaryFigures {
  readonly startBalance: Money;
  /** Cash plus open positions at cost. */
  readonly equity: Money;
  readonly balance: Money;
  readonly pnl: Money;
  readonly fees: Money;
  readonly maxDrawdown: Money;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly openPositions: number;
  readonly openCost: Money;
  readonly voided: number;
  /** Unix seconds of the first and last record in any of the journal's files, null when there is none. */
  readonly firstRecord: number | null;
  readonly lastRecord: number | null;
}

export interface EquityPoint {
  readonly t: number;
  readonly equity: Money;
  /** Fall from the highest equity so far (≥ 0). */
  readonly drawdown: Money;
}

export interface TradeRow {
  readonly id: string;
  readonly t: number;
  readonly ticker: string;
  readonly side: Side;
  readonly contracts: number;
  /** Average price paid per contract, before the fee. */
  readonly price: Money;
  readonly cost: Money;
  readonly fee: Money;
  /** After the fee; null while open, zero when voided (refunded). */
  readonly pnl: Money | null;
  /** When it settled or was voided; null while open. */
  readonly settledAt: number | null;
  readonly status: "won" | "lost" | "open" | "void";
}

export type ForecasterKey = "model" | "fair_value" | "coin_flip" | "market";

export interface ForecasterScores {
  readonly key: ForecasterKey;
  readonly label: string;
  /** Forecasts scored, when known. */
  readonly n: number | null;
  readonly brier: number | null;
  /** Keyed by minutes before the close ("1"…"14"); null where none was scored. */
  readonly brierByMinutes: Readonly<Record<string, number | null>>;
}

export interface ForecastScores {
  /** Where the scores come from, in words ("backtest.json", "predictions and windows"). */
  readonly source: string;
  /** Windows whose forecasts were scored. */
  readonly windows: number;
  readonly forecasters: readonly ForecasterScores[];
  /** The model's forecasts binned against how often the window settled up. */
  readonly calibration: readonly CalibrationBin[];
  readonly notes: readonly string[];
}

export interface NoTradeCounts {
  /** What one count is ("seconds", "predictions"). */
  readonly unit: string;
  readonly source: string;
  /** Reasons with a non-zero count, largest first. */
  readonly counts: readonly { readonly reason: string; readonly n: number }[];
}

export interface WindowView {
  readonly ticker: string;
  readonly open: number;
  readonly close: number;
  /** Dollars, for drawing; null when unknown. */
  readonly strike: number | null;
  readonly settlement: number | null;
  /** "open": not closed when the journal ends; "unknown": closed, but its result is not known. */
  readonly result: Side | "open" | "unknown";
  /** BTC price each journaled second, oldest first. */
  readonly prices: readonly { readonly t: number; readonly price: number }[];
  readonly trades: readonly WindowTrade[];
}

export interface WindowTrade {
  readonly t: number;
  readonly side: Side;
  readonly contracts: number;
  /** BTC price at entry, dollars. */
  readonly btcPrice: number;
}
