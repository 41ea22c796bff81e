import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../domain/errors.ts";
import { isKnownSeries, seriesOfTicker } from "../domain/series.ts";
import { readJsonl } from "./jsonl.ts";
import { parseTradeRecord } from "./record-schema.ts";
import { JOURNAL_FILE_NAMES, journalFiles } from "./trade-journal.ts";
import { StoreWriteError, fsCause } from "./write-error.ts";

/**
 * A data directory holds one journal per series, each in a folder named after it
 * (`data/trading/KXBTC15M/trades.jsonl`), beside what they share: the session recordings
 * (`sessions/`) and the kill switch. Before several series, the one journal lay in the data
 * directory itself; it is moved into its series' folder on the first start that finds it.
 */
export function seriesDir(root: string, series: string): string {
  return join(root, series);
}

/** The series folders under a data directory that hold a journal, in name order. */
export function seriesJournals(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => isKnownSeries(name) && existsSync(journalFiles(join(root, name)).trades))
    .sort();
}

export interface LegacyMigration {
  /** The series the journal belonged to (its trades' tickers say; the first configured series when it has none). */
  readonly series: string;
  readonly to: string;
  /** Records in the moved trades.jsonl (a torn last line not counted). */
  readonly records: number;
  readonly moved: readonly string[];
}

/**
 * Moves a journal of the old layout (trades.jsonl and its companions directly in `root`) into its
 * series' folder, file by file with rename (atomic on one file system), trades.jsonl last. An
 * interrupted move is finished by the next call. Nothing is ever overwritten: when a file is in
 * both places the move stops with a UserError naming both. Null when there is nothing to move.
 */
export function migrateLegacyJournal(root: string, fallbackSeries: string): LegacyMigration | null {
  const present = JOURNAL_FILE_NAMES.filter((n) => existsSync(join(root, n)));
  if (!present.includes("trades.jsonl")) {
    // Companions without trades.jsonl: an interrupted move whose last step is done, or nothing.
    if (present.length === 0) return null;
    const partner = seriesJournals(root);
    if (partner.length !== 1) return null;
    return finish(root, partner[0]!, present, 0);
  }
  const read = readJsonl(journalFiles(root).trades, parseTradeRecord);
  const named = new Set<string>();
  for (const r of read.records) {
    if (r.type !== "trade" && r.type !== "settlement" && r.type !== "void") continue;
    const s = seriesOfTicker(r.ticker);
    named.add(s === null ? r.ticker.split("-", 1)[0]! : s.ticker);
  }
  if (named.size > 1) throw new UserError(`${journalFiles(root).trades} holds trades of several series (${[...named].join(", ")}): btc15 cannot tell which folder it belongs in; move it yourself`);
  const series = named.size === 1 ? [...named][0]! : fallbackSeries;
  if (!isKnownSeries(series)) throw new UserError(`${journalFiles(root).trades} holds trades of ${series}, a series btc15 does not know`);
  return finish(root, series, present, read.records.length);
}

function finish(root: string, series: string, present: readonly string[], records: number): LegacyMigration {
  const to = seriesDir(root, series);
  const clash = present.filter((n) => existsSync(join(to, n)));
  if (clash.length) {
    throw new UserError(
      `${root} holds a journal of the old layout (${clash.join(", ")}) and ${to} holds one too: btc15 will not merge or overwrite journals; ` +
        `move one of them away (nothing was changed)`,
    );
  }
  try {
    mkdirSync(to, { recursive: true });
    for (const name of JOURNAL_FILE_NAMES) {
      if (!present.includes(name)) continue;
      renameSync(join(root, name), join(to, name));
    }
    syncDir(to);
    syncDir(root);
  } catch (e) {
    throw new StoreWriteError(to, fsCause(e));
  }
  return { series, to, records, moved: present };
}

/** A directory's entries made durable (a rename is only as durable as its directory). */
function syncDir(dir: string): void {
  if (!statSync(dir).isDirectory()) return;
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Not every file system lets a directory be synced; the rename itself is still atomic.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
