import type { PredictionRecord, TradeJournalRecord } from "../domain/records.ts";

/**
 * Where the engine records what it did. The store's file journal makes each trade record
 * durable before it returns; the engine applies a record to its account only after it is written.
 */
export interface JournalPort {
  append(record: TradeJournalRecord): void;
  prediction(record: PredictionRecord): void;
}

/** Keeps records in memory: benchmarks and tests. */
export class MemoryJournal implements JournalPort {
  readonly records: TradeJournalRecord[] = [];
  readonly predictions: PredictionRecord[] = [];

  append(record: TradeJournalRecord): void {
    this.records.push(record);
  }

  prediction(record: PredictionRecord): void {
    this.predictions.push(record);
  }
}
