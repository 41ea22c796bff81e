import { closeSync, existsSync, openSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UserError } from "../../domain/errors.ts";
import { isoUtc } from "../../domain/window.ts";
import { checkNotLiveDataDir } from "../drivers/backtest.ts";
import { checkMayStartAfresh } from "../../store/fresh-journal.ts";
import { lastBarTimestamp } from "../../history/file-span.ts";
import { inspectHistoryFile } from "../../history/files.ts";
import { seriesDir, seriesJournals } from "../../store/series-layout.ts";
import { journalFiles } from "../../store/trade-journal.ts";
import { fsCause } from "../../store/write-error.ts";

/**
 * Checks a command makes before it connects to anything or runs for minutes: the files it
 * reads are files, the directories it writes are directories it can write. Each failure is one
 * line (a UserError: exit 2, no stack trace) naming the path, its role and the cause.
 */
export class PreflightError extends UserError {
  override name = "PreflightError";
}

/** A file to read: it exists, is not a directory, and opens. */
export function checkInputFile(path: string, what: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new PreflightError(`cannot read ${path} (${what}): ${fsCause(e)}`);
  }
  if (isDir) throw new PreflightError(`${path} (${what}) is a directory, not a file`);
  try {
    closeSync(openSync(path, "r"));
  } catch (e) {
    throw new PreflightError(`cannot read ${path} (${what}): ${fsCause(e)}`);
  }
}

/**
 * A directory to write in: it is a directory (or can be made under its nearest existing parent)
 * and a file can be created in it, which catches read-only mounts and permissions alike.
 */
export function checkWritableDir(dir: string, what: string): void {
  const wanted = resolve(dir);
  let existing = wanted;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    throw new PreflightError(existing === wanted ? `${dir} (${what}) is a file, not a directory` : `${dir} (${what}) cannot be made: ${existing} is a file, not a directory`);
  }
  const probe = join(existing, `.btc15-write-check-${process.pid}`);
  try {
    closeSync(openSync(probe, "w"));
    rmSync(probe);
  } catch (e) {
    throw new PreflightError(`cannot write to ${dir} (${what}): ${fsCause(e)}`);
  }
}

/** A file to create (the backtest's --json): its folder exists and is writable, and it is not a directory. */
export function checkOutputFile(path: string, what: string, runDir?: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new PreflightError(`${path} (${what}) is a directory, not a file`);
  const folder = dirname(resolve(path));
  // The run's own output directory is made by the run: a file named inside it is fine.
  if (runDir !== undefined && folder === resolve(runDir)) return;
  if (!existsSync(folder)) throw new PreflightError(`${path} (${what}): the folder ${dirname(path)} does not exist`);
  checkWritableDir(dirname(path), `the folder of ${what}`);
}

/** Where every run's log file goes. */
export const LOGS_DIR = "logs";

/**
 * The HTML report a run writes when it ends (`--html [FILE]`): a FILE named is checked as the
 * --json file is (its folder must exist and take writes), before the run rather than after it;
 * the default file goes in the run's own directory, which is checked already.
 */
export function checkHtmlFile(html: string | true | undefined, runDir?: string): void {
  if (typeof html === "string") checkOutputFile(html, "the --html file", runDir);
}

/** `btc15 live`: the journal directory, the log directory and the --html file. */
export function preflightLive(o: { dataDir: string; logsDir: string; html?: string | true }): void {
  checkWritableDir(o.dataDir, "the data directory");
  checkWritableDir(o.logsDir, "the log directory");
  checkHtmlFile(o.html, o.dataDir);
}

/**
 * `btc15 demo`: also its price file, that its directory is not the live trader's (not even with
 * --force), and that the directory's journal is the demo's own to clear.
 */
export function preflightDemo(o: { dataDir: string; logsDir: string; file: string; files?: readonly string[]; force: boolean; liveDataDir: string; html?: string | true }): void {
  checkInputFile(o.file, "the price file");
  for (const f of o.files ?? []) checkInputFile(f, "the price file");
  checkNotLiveDataDir(o.dataDir, o.liveDataDir, "the demo's data directory", "--data-dir");
  preflightLive(o);
  checkMayStartAfresh(o.dataDir, { madeBy: "demo", force: o.force, flag: "--data-dir" });
}

export interface BacktestPreflight {
  readonly files: readonly string[];
  readonly from?: number;
  readonly to?: number;
  readonly outDir: string;
  /** The live trader's data directory, which a backtest never touches. */
  readonly liveDataDir: string;
  /** The --json file, if any ("-" is standard output). */
  readonly json?: string;
  readonly html?: string | true;
  readonly force: boolean;
}

/** A --from after the data's last bar, or a --to at or before its first, leaves nothing to run. */
function checkRangeMeetsData(files: readonly string[], from: number | undefined, to: number | undefined): void {
  if (from !== undefined) {
    const ends = files.map(lastBarTimestamp).filter((t): t is number => t !== null);
    const end = ends.length ? Math.max(...ends) : null;
    if (end !== null && from > end) throw new PreflightError(`--from ${isoUtc(from)} is after the end of the price data (its last bar opens at ${isoUtc(end)}): nothing to backtest`);
  }
  if (to !== undefined) {
    const start = Math.min(...files.map((f) => inspectHistoryFile(f).firstTimestamp));
    if (to <= start) throw new PreflightError(`--to ${isoUtc(to)} is not after the start of the price data (its first bar opens at ${isoUtc(start)}): nothing to backtest`);
  }
}

/** `btc15 backtest`: the range, the price files, the output directory (a backtest's own) and the --json file. */
export function preflightBacktest(o: BacktestPreflight): void {
  if (o.from !== undefined && o.to !== undefined && o.from >= o.to) {
    throw new PreflightError(`--from ${isoUtc(o.from)} is not before --to ${isoUtc(o.to)}: nothing to backtest`);
  }
  for (const f of o.files) checkInputFile(f, "the price file");
  checkRangeMeetsData(o.files, o.from, o.to);
  checkNotLiveDataDir(o.outDir, o.liveDataDir);
  checkWritableDir(o.outDir, "the backtest output directory");
  checkMayStartAfresh(o.outDir, { madeBy: "backtest", force: o.force, flag: "--out" });
  if (o.json !== undefined && o.json !== "-") checkOutputFile(o.json, "the --json file", o.outDir);
  checkHtmlFile(o.html, o.outDir);
}

/** `btc15 report --html [FILE]`: the journal to read, and where the page goes (by default into the journal's directory). */
export function preflightHtmlReport(dir: string, html: string | true): void {
  preflightReport(dir);
  if (html === true) checkWritableDir(dir, "the journal directory, where report.html goes");
  else checkHtmlFile(html);
}

/** `btc15 report`: a journal to read, or a data directory holding one per series (series-layout.ts). */
export function preflightReport(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new PreflightError(`${dir} (the journal directory) is a file, not a directory`);
  const series = seriesJournals(dir);
  if (!existsSync(journalFiles(dir).trades) && series.length === 0) throw new PreflightError(`no journal in ${dir}/ (expected ${journalFiles(dir).trades}, or a folder per series such as ${dir}/KXBTC15M/)`);
  if (existsSync(journalFiles(dir).trades)) checkInputFile(journalFiles(dir).trades, "the journal");
  for (const s of series) checkInputFile(journalFiles(seriesDir(dir, s)).trades, "the journal");
}

/** `btc15 export`: a journal to read, in a directory the CSV files can be written to. */
export function preflightExport(dir: string): void {
  preflightReport(dir);
  checkWritableDir(dir, "the journal directory");
  for (const s of seriesJournals(dir)) checkWritableDir(seriesDir(dir, s), "the journal directory");
}
