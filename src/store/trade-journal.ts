import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { PredictionRecord, TradeJournalRecord, WindowRecord } from "../domain/records.ts";
import { type FileOps, nodeFileOps, writeAll } from "./file-ops.ts";
import { JsonlWriter, type JsonlReadReport, readJsonl } from "./jsonl.ts";
import { PredictionLog } from "./prediction-log.ts";
import { parseTradeRecord } from "./record-schema.ts";
import { writeAtomic } from "./snapshot.ts";
import { StoreWriteError, fsCause } from "./write-error.ts";

/** The files of one data directory. */
export interface JournalFiles {
  readonly dir: string;
  readonly trades: string;
  /** predictions/: one file per UTC day (see prediction-days.ts). */
  readonly predictionsDir: string;
  /** An older version's single predictions file, still read if present. */
  readonly legacyPredictions: string;
  /** One line per closed window: its strike, settlement and result. */
  readonly windows: string;
  readonly performance: string;
  readonly tradesCsv: string;
  readonly predictionsCsv: string;
}

/** Every file of a journal, by name: `trades.jsonl` last, so a move interrupted before it is found and finished. */
export const JOURNAL_FILE_NAMES: readonly string[] = ["trades.jsonl.torn", "predictions", "predictions.jsonl", "windows.jsonl", "performance.json", "trades.csv", "predictions.csv", "trades.jsonl"];

export function journalFiles(dir: string): JournalFiles {
  return {
    dir,
    trades: join(dir, "trades.jsonl"),
    predictionsDir: join(dir, "predictions"),
    legacyPredictions: join(dir, "predictions.jsonl"),
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
  /** Problems that do not stop trading (a prediction not saved, a day not archived). */
  readonly onWarning?: (message: string) => void;
  /** gzip level of finished days of predictions (default zlib's 6; backtests use 1, for speed). */
  readonly gzipLevel?: number;
  /** The journal files' writes, trades and windows (a test's full disk). */
  readonly ops?: FileOps;
}

/**
 * The file journal: trades.jsonl (every trade and its settlement: the source of truth) and
 * predictions/ (forecasts and what the strategy did with them, one file per day). `append`
 * throws a JournalWriteError when a record's line did not reach the disk whole; the file is
 * then left as it was before the record.
 */
export class FileJournal {
  readonly files: JournalFiles;
  private trades: JsonlWriter;
  private readonly predictions: PredictionLog | null;
  private windows: JsonlWriter | null = null;

  constructor(dir: string, private readonly options: JournalOptions) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new StoreWriteError(dir, fsCause(e));
    }
    this.files = journalFiles(dir);
    this.trades = new JsonlWriter(this.files.trades, options.durable, options.ops);
    const onWarning = options.onWarning ?? (() => {});
    this.predictions = options.predictions ? new PredictionLog(dir, { bufferBytes: options.predictionBuffer, onWarning, gzipLevel: options.gzipLevel }) : null;
  }

  /** An incomplete last line found (and set aside) when the journal was opened. */
  get repairedTail(): string | null {
    return this.trades.repairedTail;
  }

  /** Predictions lost to failed writes. */
  get droppedPredictions(): number {
    return this.predictions?.dropped ?? 0;
  }

  append(record: TradeJournalRecord): void {
    this.trades.append(record);
  }

  /**
   * Replaces the whole trade journal with `records`, in one step (a replay adopting the journal
   * a recorded session started from, when its own differs).
   */
  replaceTrades(records: readonly TradeJournalRecord[]): void {
    this.trades.close();
    writeAtomic(this.files.trades, (fd) => writeAll(nodeFileOps, fd, Buffer.from(records.map((r) => JSON.stringify(r) + "\n").join(""), "utf8")));
    this.trades = new JsonlWriter(this.files.trades, this.options.durable, this.options.ops);
  }

  prediction(record: PredictionRecord): void {
    this.predictions?.add(record);
  }

  /** One line per window whose outcome became known (opened on first use). */
  window(record: WindowRecord): void {
    this.windows ??= new JsonlWriter(this.files.windows, false, this.options.ops);
    this.windows.append(record);
  }

  flush(): void {
    this.predictions?.flush();
  }

  /** Waits for finished days of predictions to be archived (compressed) in the background. */
  idle(): Promise<void> {
    return this.predictions?.idle() ?? Promise.resolve();
  }

  close(): void {
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
