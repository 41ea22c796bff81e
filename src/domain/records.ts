import type { Side } from "./settlement.ts";

/**
 * The journal's records, one JSON object per line of trades.jsonl. Money is written as exact
 * decimal strings ("4.3500"); the journal is the source of truth for balance and positions.
 */
export type TradeJournalRecord = AccountRecord | TradeRecord | SettlementRecord | VoidRecord;

/** Where a strike came from: the venue's official one, or our own 60-s average. */
export type StrikeSource = "kalshi" | "proxy";

/** First line of a new journal: the starting balance. */
export interface AccountRecord {
  readonly type: "account";
  readonly t: number;
  readonly ts: string;
  readonly balance: string;
}

export interface FillRecordLevel {
  readonly price: string;
  readonly contracts: number;
}

export interface TradeRecord {
  readonly type: "trade";
  readonly id: string;
  readonly t: number;
  readonly ts: string;
  readonly ticker: string;
  readonly window_open: number;
  readonly window_close: number;
  readonly side: Side;
  readonly contracts: number;
  readonly requested_contracts: number;
  /** Best ask when the decision was made. */
  readonly requested_price: string;
  /** Average price actually paid per contract (before fee). */
  readonly price: string;
  readonly fills: readonly FillRecordLevel[];
  readonly cost: string;
  readonly fee: string;
  readonly balance_after: string;
  readonly p_up: number;
  readonly p_side: number;
  readonly edge: number;
  readonly confidence: number;
  readonly strike: string;
  readonly btc_price: string;
  readonly market: string;
  /**
   * The strike the trade was decided against (`strike`) is the venue's official one when it was
   * known (`strike_source` "kalshi"), else our 60-s average; ours is journaled beside it.
   */
  readonly strike_source?: StrikeSource;
  readonly proxy_strike?: string;
  /** Journals written before strike_source existed: the venue's strike beside ours. */
  readonly kalshi_strike?: string;
}

export interface SettlementRecord {
  readonly type: "settlement";
  readonly trade_id: string;
  readonly t: number;
  readonly ts: string;
  readonly ticker: string;
  readonly strike: string;
  readonly settlement_value: string;
  readonly result: Side;
  readonly won: boolean;
  readonly payout: string;
  readonly pnl: string;
  readonly balance_after: string;
  /** "proxy": our own 60-s average; "kalshi": the official result. */
  readonly source: string;
  /** Our proxy settlement value beside Kalshi's, when both are known. */
  readonly proxy_settlement_value?: string;
}

/** A position that could not be settled (e.g. its window's prices are missing): cost and fee refunded. */
export interface VoidRecord {
  readonly type: "void";
  readonly trade_id: string;
  readonly t: number;
  readonly ts: string;
  readonly ticker: string;
  readonly reason: string;
  readonly refund: string;
  readonly balance_after: string;
}

/**
 * One line of windows.jsonl per window whose outcome became known: the official one (Kalshi's
 * result, or a result from a quotes file) or our own 60-s proxy. Scorecards and reports read
 * outcomes here, traded or not. Money as decimal strings; null when unknown or unreliable.
 */
export interface WindowRecord {
  readonly type: "window";
  readonly t: number;
  readonly ts: string;
  readonly ticker: string;
  readonly window_open: number;
  readonly window_close: number;
  /** The strike decided against: official when known, else ours. */
  readonly strike: string | null;
  readonly proxy_strike: string | null;
  readonly settlement_value: string | null;
  readonly proxy_settlement_value: string | null;
  readonly result: Side | null;
  /** Our own result from the 60-s averages, when both were reliable. */
  readonly proxy_result: Side | null;
  /** "proxy": decided by our averages; otherwise the official source ("kalshi", "file"). */
  readonly source: string;
}

/** One line of predictions.jsonl: a forecast and what the strategy did with it. */
export interface PredictionRecord {
  readonly t: number;
  readonly ts: string;
  readonly ticker: string;
  readonly seconds_left: number;
  readonly btc_price: number;
  readonly strike: number;
  readonly strike_source?: StrikeSource;
  readonly p_up: number;
  readonly fair_value: number;
  readonly momentum: number;
  readonly mean_reversion: number;
  readonly sigma_15m: number;
  readonly yes_ask: number | null;
  readonly no_ask: number | null;
  readonly edge_yes: number | null;
  readonly edge_no: number | null;
  readonly confidence: number;
  readonly action: "trade" | "none";
  readonly side: Side | null;
  readonly reason: string;
}
