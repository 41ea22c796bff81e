import type { PredictionRecord } from "../domain/records.ts";
import { type CsvValue, writeCsvAsync } from "./csv.ts";
import { readLinesAsync } from "./jsonl.ts";

export const PREDICTION_COLUMNS = [
  "ts", "ticker", "seconds_left", "btc_price", "strike", "p_up", "fair_value", "momentum", "mean_reversion",
  "sigma_15m", "yes_ask", "no_ask", "edge_yes", "edge_no", "confidence", "action", "side", "reason",
] as const satisfies readonly (keyof PredictionRecord)[];

async function* predictionRows(path: string, warnings: string[]): AsyncGenerator<CsvValue[]> {
  for await (const { text, lineNo } of readLinesAsync(path)) {
    if (text.trim() === "") continue;
    try {
      const p = JSON.parse(text) as PredictionRecord;
      yield PREDICTION_COLUMNS.map((c) => p[c] as CsvValue);
    } catch {
      warnings.push(`${path}: line ${lineNo} skipped (not JSON)`);
    }
  }
}

/** Writes the predictions of one JSON Lines file (plain or .gz) as a CSV (plain or .gz); returns the rows. */
export function writePredictionsCsv(from: string, to: string, warnings: string[], gzipLevel?: number): Promise<number> {
  return writeCsvAsync(to, PREDICTION_COLUMNS, predictionRows(from, warnings), { gzip: to.endsWith(".gz"), gzipLevel });
}
