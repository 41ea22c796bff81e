import type { PredictionRecord, TradeJournalRecord, WindowRecord } from "../../domain/records.ts";
import type { JournalPort } from "../../engine/journal.ts";
import type { RecordedWriteFailure } from "./format.ts";

/**
 * The live session's journal: writes go through to `journal`; a write the disk refuses is told
 * to `record` (the session's recording) before the error goes on to the engine.
 */
export function recordRefusedWrites(journal: JournalPort, record: (f: RecordedWriteFailure) => void): JournalPort {
  const refused = (kind: RecordedWriteFailure["journal"], r: TradeJournalRecord | WindowRecord, e: unknown): never => {
    record({ type: "write_failed", journal: kind, record: r, error: e instanceof Error ? e.message : String(e) });
    throw e;
  };
  return {
    append(r: TradeJournalRecord) {
      try {
        journal.append(r);
      } catch (e) {
        refused("trades", r, e);
      }
    },
    window(r: WindowRecord) {
      try {
        journal.window(r);
      } catch (e) {
        refused("windows", r, e);
      }
    },
    prediction: (r: PredictionRecord) => journal.prediction(r),
  };
}

/**
 * The replay's journal: the writes the live session's disk refused fail again, in the same
 * order, while the event that made them is handled (arm() before it, settle() after); every other
 * write goes through. So the replay's journal is the live one even across a full disk.
 */
export class RefusedWrites implements JournalPort {
  private due: RecordedWriteFailure[] = [];

  constructor(private readonly journal: JournalPort) {}

  /** The refusals recorded after the event about to be handled. */
  arm(refusals: RecordedWriteFailure[]): void {
    this.due = refusals;
  }

  /** Refusals armed but never met: the replay did not try a write the live session tried. */
  settle(): number {
    const left = this.due.length;
    this.due = [];
    return left;
  }

  append(r: TradeJournalRecord): void {
    this.refuseIfDue("trades", r);
    this.journal.append(r);
  }

  window(r: WindowRecord): void {
    this.refuseIfDue("windows", r);
    this.journal.window(r);
  }

  prediction(r: PredictionRecord): void {
    this.journal.prediction(r);
  }

  private refuseIfDue(kind: RecordedWriteFailure["journal"], r: TradeJournalRecord | WindowRecord): void {
    const next = this.due[0];
    if (next === undefined || next.journal !== kind || JSON.stringify(next.record) !== JSON.stringify(r)) return;
    this.due.shift();
    throw new Error(next.error);
  }
}
