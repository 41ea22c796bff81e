import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { PredictionRecord, TradeJournalRecord, WindowRecord } from "../domain/records.ts";
import { JsonlWriter, type JsonlReadReport, readJsonl } from "./jsonl.ts";
import { parseTradeRecord } from "./record-schema.ts";

/** The files of one data directory. */
export interface JournalFiles {
  readonly dir: string;
  readonly trades: string;
  readonly predictions: string;
  readonly windows: string;
  readonly performance: string;
  readonly tradesCsv: string;
  readonly predictionsCsv: string;
}

export function journalFiles(dir: string): JournalFiles {
  return {
    dir,
    trades: join(dir, "trades.jsonl"),
    predictions: join(dir, "predictions.jsonl"),
    windows: join(dir, "windows.jsonl"),
    performance: join(dir, "performance.json"),
    tradesCsv: join(dir, "trades.csv"),
    predictionsCsv: join(dir, "predictions.csv"),
  };
}

export interface JournalOptions {
  /** fsync each trade record before returning (live: yes; backtests: once at the end). */
  readonly durable: boolean;
  /** Write predictions.jsonl at all. */
  readonly predictions: boolean;
  /** Bytes of predictions held before a write (0: write each line at once). */
  readonly predictionBuffer: number;
}

/**
 * The file journal: trades.jsonl (every trade and its settlement: the source of truth) and
 * predictions.jsonl (forecasts and what the strategy did with them).
 */
export class FileJournal {
  readonly files: JournalFiles;
  private readonly trades: JsonlWriter;
  private readonly predictions: JsonlWriter | null;
  private windows: JsonlWriter | null = null;
  private pending = "";

  constructor(dir: string, private readonly options: JournalOptions) {
    mkdirSync(dir, { recursive: true });
    this.files = journalFiles(dir);
    this.trades = new JsonlWriter(this.files.trades, options.durable);
    this.predictions = options.predictions ? new JsonlWriter(this.files.predictions, false) : null;
  }

  /** An incomplete last line found (and set aside) when the journal was opened. */
  get repairedTail(): string | null {
    return this.trades.repairedTail;
  }

  append(record: TradeJournalRecord): void {
    this.trades.append(record);
  }

  prediction(record: PredictionRecord): void {
    if (this.predictions === null) return;
    this.pending += JSON.stringify(record) + "\n";
    if (this.pending.length > this.options.predictionBuffer) this.flush();
  }

  /** One line per window whose outcome became known (opened on first use). */
  window(record: WindowRecord): void {
    this.windows ??= new JsonlWriter(this.files.windows, false);
    this.windows.append(record);
  }

  flush(): void {
    if (this.predictions !== null && this.pending) {
      this.predictions.appendRaw(this.pending);
      this.pending = "";
    }
  }

  close(): void {
    this.flush();
    this.predictions?.close();
    this.windows?.close();
    this.trades.close();
  }
}

export interface LoadedJournal extends JsonlReadReport {
  readonly records: TradeJournalRecord[];
}

/** Reads trades.jsonl back; torn or invalid lines are skipped and reported. */
export function loadTradeJournal(dir: string): LoadedJournal {
  return readJsonl(journalFiles(dir).trades, parseTradeRecord);
}

/** Removes a previous run's journal files (backtests start from nothing). */
export function clearJournal(dir: string): void {
  const f = journalFiles(dir);
  for (const path of [f.trades, f.predictions, f.windows, f.performance, f.tradesCsv, f.predictionsCsv, `${f.trades}.torn`]) {
    if (existsSync(path)) rmSync(path);
  }
}
