import { existsSync, statSync } from "node:fs";
import type { SettlementRecord, TradeJournalRecord, TradeRecord, VoidRecord } from "../domain/records.ts";
import { type CsvValue, writeCsv } from "./csv.ts";
import { listPredictionDays } from "./prediction-days.ts";
import { writePredictionsCsv } from "./prediction-csv.ts";
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

export interface ExportResult {
  readonly trades: number;
  /** Prediction rows written by this export (the days still open; finished days were archived with theirs). */
  readonly predictions: number;
  /** The prediction CSV files written. */
  readonly predictionFiles: readonly string[];
  readonly warnings: readonly string[];
}

const mtime = (path: string): number => statSync(path).mtimeMs;

/**
 * Writes trades.csv from the journal, and the spreadsheet of each day of predictions not yet
 * archived (normally only today's, so a stop after weeks of running exports at most a day).
 * Asynchronous: it reads in chunks and lets the process answer a second Ctrl+C meanwhile.
 */
export async function exportCsv(dir: string): Promise<ExportResult> {
  const f = journalFiles(dir);
  const journal = loadTradeJournal(dir);
  const trades = writeCsv(f.tradesCsv, TRADE_COLUMNS, tradeRows(journal.records));
  const warnings = [...journal.warnings];
  const written: string[] = [];
  let predictions = 0;
  // An older version's single predictions file: exported again only if it changed since.
  if (existsSync(f.legacyPredictions) && (!existsSync(f.predictionsCsv) || mtime(f.legacyPredictions) > mtime(f.predictionsCsv))) {
    predictions += await writePredictionsCsv(f.legacyPredictions, f.predictionsCsv, warnings);
    written.push(f.predictionsCsv);
  }
  for (const d of listPredictionDays(dir)) {
    if (d.jsonl === null) continue;
    const csv = d.jsonl.replace(/\.jsonl$/, ".csv");
    predictions += await writePredictionsCsv(d.jsonl, csv, warnings);
    written.push(csv);
  }
  return { trades, predictions, predictionFiles: written, warnings };
}
