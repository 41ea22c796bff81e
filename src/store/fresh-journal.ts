import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../domain/errors.ts";
import { isKnownSeries } from "../domain/series.ts";
import { removeStaleTemps } from "./recovery.ts";
import { writeJsonAtomic } from "./snapshot.ts";
import { StoreWriteError, fsCause } from "./write-error.ts";
import { JOURNAL_FILE_NAMES } from "./trade-journal.ts";

/** Says which command made a journal directory, so only that command ever clears it. */
export const MADE_BY_FILE = "made-by.json";

/** What a fresh start removes: the journal's own files, nothing else in the directory. */
const JOURNAL_NAMES = ["trades.jsonl", ...JOURNAL_FILE_NAMES.filter((n) => n !== "trades.jsonl"), "backtest.json", "replay.json", "sessions", "compare", "compare.json"];

export class JournalInUseError extends UserError {
  override name = "JournalInUseError";
}

export interface FreshStart {
  /** The command starting afresh: "backtest", "demo". */
  readonly madeBy: string;
  /** Delete a journal another command (or a person) made. */
  readonly force: boolean;
  /** The flag that chose the directory, for the message: "--out". */
  readonly flag: string;
}

/** The command named in a directory's made-by.json, or null. */
export function journalMadeBy(dir: string): string | null {
  try {
    const v = JSON.parse(readFileSync(join(dir, MADE_BY_FILE), "utf8")) as { made_by?: unknown };
    return typeof v.made_by === "string" ? v.made_by : null;
  } catch {
    return null;
  }
}

/** The journal's own entries in `dir`: its files, and the folders of each series' journal (series-layout.ts). */
function journalEntries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir);
  const set = new Set(names);
  return [...JOURNAL_NAMES.filter((n) => set.has(n)), ...names.filter((n) => isKnownSeries(n)).sort()];
}

/**
 * Throws unless `dir` may be cleared for a fresh start: it holds no journal, or one the same
 * command made, or `force` is given. A live trader's journal is never cleared by accident.
 */
export function checkMayStartAfresh(dir: string, fresh: FreshStart): void {
  const found = journalEntries(dir);
  if (found.length === 0 || fresh.force) return;
  const by = journalMadeBy(dir);
  if (by === fresh.madeBy) return;
  throw new JournalInUseError(
    `${dir} holds a journal that btc15 ${fresh.madeBy} did not make (${found.join(", ")}${by === null ? "" : `; made by btc15 ${by}`}); ` +
      `it was left as it is: choose another directory with ${fresh.flag}, or add --force to delete it`,
  );
}

/** Clears the journal files of `dir` (after checkMayStartAfresh) and marks the directory as `madeBy`'s. */
export function startAfresh(dir: string, fresh: FreshStart): void {
  checkMayStartAfresh(dir, fresh);
  try {
    for (const name of journalEntries(dir)) rmSync(join(dir, name), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    removeStaleTemps(dir);
  } catch (e) {
    throw new StoreWriteError(dir, fsCause(e));
  }
  writeJsonAtomic(join(dir, MADE_BY_FILE), { made_by: fresh.madeBy, note: `btc15 ${fresh.madeBy} clears this directory's journal at each run` });
}

/**
 * A session resuming a journal (the live trader) takes it over: the mark of a command that
 * starts afresh is removed, so neither the demo nor a backtest will ever clear it.
 */
export function keepJournal(dir: string): void {
  rmSync(join(dir, MADE_BY_FILE), { force: true });
}
