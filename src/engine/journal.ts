import type { PredictionRecord, TradeJournalRecord, WindowRecord } from "../domain/records.ts";

/**
 * Where the engine records what it did. `append` must not return before the whole record is
 * durable (the store's file journal writes, checks and fsyncs) and throws when it is not; the
 * engine applies a record to its account only after `append` returned.
 */
export interface JournalPort {
  append(record: TradeJournalRecord): void;
  prediction(record: PredictionRecord): void;
  window(record: WindowRecord): void;
}

/** Keeps records in memory: benchmarks and tests. */
export class MemoryJournal implements JournalPort {
  readonly records: TradeJournalRecord[] = [];
  readonly predictions: PredictionRecord[] = [];
  readonly windows: WindowRecord[] = [];

  append(record: TradeJournalRecord): void {
    this.records.push(record);
  }

  prediction(record: PredictionRecord): void {
    this.predictions.push(record);
  }

  window(record: WindowRecord): void {
    this.windows.push(record);
  }
}

/**
 * Trade-journal writes in order. A write that fails (a full disk) stays queued with everything
 * after it and is tried again on the next `flush`; each record changes the account only once it
 * is on disk, so nothing counts that a restart would not find.
 */
export class JournalQueue {
  private readonly queue: { readonly record: TradeJournalRecord; readonly apply: () => void }[] = [];
  /** Writes that failed (each retry counts). */
  failures = 0;

  constructor(
    private readonly port: JournalPort,
    /** Called when a write fails after the previous one succeeded (once per episode). */
    private readonly onError: (e: Error) => void,
  ) {}

  /** Writes `record` and then calls `apply`; true when both happened now. */
  write(record: TradeJournalRecord, apply: () => void): boolean {
    this.queue.push({ record, apply });
    const wasEmpty = this.queue.length === 1;
    this.flush(wasEmpty);
    return this.queue.length === 0;
  }

  /** Records waiting for the disk. */
  get pending(): number {
    return this.queue.length;
  }

  /** Tries the queued writes in order; stops at the first that fails. */
  flush(reportFailure = false): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      try {
        this.port.append(head.record);
      } catch (e) {
        this.failures++;
        if (reportFailure) this.onError(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      this.queue.shift();
      head.apply();
    }
  }
}
