import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { PredictionRecord } from "../domain/records.ts";
import type { FileOps } from "./file-ops.ts";
import { JsonlWriter } from "./jsonl.ts";
import { archiveDay } from "./prediction-archive.ts";
import { type PredictionDay, listPredictionDays, predictionsDir, utcDay } from "./prediction-days.ts";
import { StoreWriteError, fsCause } from "./write-error.ts";

export interface PredictionLogOptions {
  /** Bytes of records held before a write (0: each record is written at once). */
  readonly bufferBytes: number;
  /** A failed write or archive: told once, the trader carries on. */
  readonly onWarning: (message: string) => void;
  /** gzip level of archived days (zlib's default, 6: smaller; 1: three times faster, for backtests). */
  readonly gzipLevel?: number;
  readonly ops?: FileOps;
}

/**
 * predictions/<day>.jsonl, one file per UTC day of the records' `t` (never the wall clock, so a
 * replay or a backtest rotates the same way each time). When a later day begins, the finished
 * day is archived in the background (compressed, with its spreadsheet); `idle()` waits for that.
 * A prediction that cannot be written is counted and dropped with one warning: it is a record
 * of advice, not of money, and must not stop the trader.
 */
export class PredictionLog {
  private readonly dir: string;
  private writer: JsonlWriter | null = null;
  private day: string | null = null;
  private pending = "";
  private pendingRecords = 0;
  private failing = false;
  private jobs: Promise<void> = Promise.resolve();
  private readonly archiving = new Set<string>();
  /** Records lost to failed writes. */
  dropped = 0;

  constructor(private readonly journalDir: string, private readonly o: PredictionLogOptions) {
    this.dir = predictionsDir(journalDir);
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      throw new StoreWriteError(this.dir, fsCause(e));
    }
  }

  /** Never throws: the engine calls it every second. */
  add(record: PredictionRecord): void {
    try {
      const day = utcDay(record.t);
      if (this.day === null || day > this.day) this.open(day);
      this.pending += JSON.stringify(record) + "\n";
      this.pendingRecords++;
    } catch (e) {
      this.lost(e, 1);
      return;
    }
    if (this.pending.length > this.o.bufferBytes) this.flush();
  }

  flush(): void {
    if (this.pending === "") return;
    const records = this.pendingRecords;
    const lines = this.pending;
    this.pending = "";
    this.pendingRecords = 0;
    try {
      if (this.writer === null) throw new StoreWriteError(join(this.dir, `${this.day}.jsonl`), "the file could not be opened");
      this.writer.appendRaw(lines);
      if (this.failing) this.o.onWarning(`predictions are saved again (${this.dropped} lost)`);
      this.failing = false;
    } catch (e) {
      this.lost(e, records);
    }
  }

  private lost(e: unknown, records: number): void {
    this.dropped += records;
    if (!this.failing) this.o.onWarning(`${(e as Error).message}: predictions are not saved until this clears (trading carries on)`);
    this.failing = true;
  }

  /** Waits for the archiving of finished days. */
  idle(): Promise<void> {
    return this.jobs;
  }

  close(): void {
    this.flush();
    this.closeWriter();
  }

  /** Opens the file for `day` (the one already there, or the next part after a closed one) and archives the others. */
  private open(day: string): void {
    this.flush();
    this.closeWriter();
    const days = listPredictionDays(this.journalDir);
    const last = days.filter((d) => d.day === day).at(-1);
    const base = last === undefined ? day : last.jsonl !== null ? last.base : `${day}.${last.part + 1}`;
    this.day = day;
    try {
      this.writer = new JsonlWriter(join(this.dir, `${base}.jsonl`), false, this.o.ops);
      if (this.writer.repairedTail !== null) this.o.onWarning(`an incomplete last line of ${this.writer.path} was set aside in ${this.writer.path}.torn`);
    } catch (e) {
      this.writer = null;
      this.o.onWarning(`${(e as Error).message}: predictions are not saved`);
      this.failing = true;
    }
    for (const d of days) if (d.base !== base && d.jsonl !== null) this.archive(d);
  }

  private archive(d: PredictionDay): void {
    if (this.archiving.has(d.base)) return;
    this.archiving.add(d.base);
    this.jobs = this.jobs.then(async () => {
      const warnings: string[] = [];
      try {
        await archiveDay(d, warnings, this.o.gzipLevel);
      } catch (e) {
        warnings.push(`${(e as Error).message}: the predictions of ${d.base} stay uncompressed until the next start`);
      }
      for (const w of warnings) this.o.onWarning(w);
    });
  }

  private closeWriter(): void {
    try {
      this.writer?.close();
    } catch (e) {
      this.o.onWarning((e as Error).message);
    }
    this.writer = null;
  }
}
