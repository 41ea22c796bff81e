import { existsSync } from "node:fs";
import type { PredictionRecord, SettlementRecord, TradeJournalRecord, TradeRecord, VoidRecord } from "../domain/records.ts";
import { type CsvValue, writeCsv } from "./csv.ts";
import { readLines } from "./jsonl.ts";
import { journalFiles, loadTradeJournal } from "./trade-journal.ts";

export const TRADE_COLUMNS = [
  "id", "ts", "ticker", "side", "contracts", "requested_contracts", "requested_price", "price", "cost", "fee",
  "p_up", "p_side", "edge", "confidence", "strike", "btc_price", "market", "status", "result",
  "settlement_value", "payout", "pnl", "settled_ts", "settlement_source", "balance_after_settlement",
] as const;

/** One row per trade, with its settlement (or void) beside it. */
export function tradeRows(records: readonly TradeJournalRecord[]): CsvValue[][] {
  const endings = new Map<string, SettlementRecord | VoidRecord>();
  for (const r of records) if (r.type === "settlement" || r.type === "void") endings.set(r.trade_id, r);
  const rows: CsvValue[][] = [];
  for (const r of records) {
    if (r.type !== "trade") continue;
    const end = endings.get(r.id);
    rows.push(tradeRow(r, end));
  }
  return rows;
}

function tradeRow(t: TradeRecord, end: SettlementRecord | VoidRecord | undefined): CsvValue[] {
  const settled = end?.type === "settlement" ? end : undefined;
  const status = end === undefined ? "open" : end.type === "void" ? "void" : settled?.won ? "won" : "lost";
  return [
    t.id, t.ts, t.ticker, t.side, t.contracts, t.requested_contracts, t.requested_price, t.price, t.cost, t.fee,
    t.p_up, t.p_side, t.edge, t.confidence, t.strike, t.btc_price, t.market, status, settled?.result,
    settled?.settlement_value, settled?.payout ?? (end?.type === "void" ? end.refund : undefined), settled?.pnl ?? (end?.type === "void" ? "0.0000" : undefined),
    end?.ts, settled?.source ?? (end?.type === "void" ? `void: ${end.reason}` : undefined), end?.balance_after,
  ];
}

export const PREDICTION_COLUMNS = [
  "ts", "ticker", "seconds_left", "btc_price", "strike", "p_up", "fair_value", "momentum", "mean_reversion",
  "sigma_15m", "yes_ask", "no_ask", "edge_yes", "edge_no", "confidence", "action", "side", "reason",
] as const satisfies readonly (keyof PredictionRecord)[];

export interface ExportResult {
  readonly trades: number;
  readonly predictions: number;
  readonly warnings: readonly string[];
}

/** Writes trades.csv and predictions.csv from the journal files of `dir`. */
export function exportCsv(dir: string): ExportResult {
  const f = journalFiles(dir);
  const journal = loadTradeJournal(dir);
  const trades = writeCsv(f.tradesCsv, TRADE_COLUMNS, tradeRows(journal.records));
  let predictions = 0;
  const warnings = [...journal.warnings];
  if (existsSync(f.predictions)) {
    predictions = writeCsv(f.predictionsCsv, PREDICTION_COLUMNS, predictionRows(f.predictions, warnings));
  }
  return { trades, predictions, warnings };
}

function* predictionRows(path: string, warnings: string[]): Generator<CsvValue[]> {
  for (const { text, lineNo } of readLines(path)) {
    if (text.trim() === "") continue;
    try {
      const p = JSON.parse(text) as PredictionRecord;
      yield PREDICTION_COLUMNS.map((c) => p[c] as CsvValue);
    } catch {
      warnings.push(`${path}: line ${lineNo} skipped (not JSON)`);
    }
  }
}
