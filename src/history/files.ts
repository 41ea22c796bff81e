import { createReadStream, closeSync, openSync, readSync, statSync } from "node:fs";
import { basename } from "node:path";
import { UserError } from "../domain/errors.ts";
import { BarBatch, BarCsvParser, type BarHandler, type BarParseCounters } from "./bars-csv.ts";
import { type PriceObserver, perSecondFromBars } from "./per-second.ts";

export class HistoryError extends UserError {}

/** What a quick look at the top of a history file tells. */
export interface HistoryFile {
  readonly path: string;
  readonly bytes: number;
  readonly firstTimestamp: number;
  /** Bar length in seconds: the smallest step between the first rows (60 for 1-minute bars). */
  readonly barSeconds: number;
  /**
   * Bars longer than a second whose open, high and low all equal the close (nearly every row at
   * the top of the file): a file of closes only, whose "open" is not a price seen when the bar
   * opened, so it is never used.
   */
  readonly closeOnly: boolean;
}

/** At least this share of flat rows (open = high = low = close) at the top of a file of bars longer than a second: closes only. */
export const CLOSE_ONLY_SHARE = 0.95;

/** Reads the first rows of a file to learn where it starts and its bar length. */
export function inspectHistoryFile(path: string): HistoryFile {
  let bytes: number;
  const buf = Buffer.alloc(64 * 1024);
  let n: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new HistoryError(`${path} is a directory, not a price file`);
    bytes = st.size;
    const fd = openSync(path, "r");
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (e instanceof HistoryError) throw e;
    throw new HistoryError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const stamps: number[] = [];
  let flat = 0;
  const parser = new BarCsvParser(basename(path), (t, o, h, l, c) => {
    stamps.push(t);
    if (o === c && h === c && l === c) flat++;
  });
  const text = buf.toString("latin1", 0, n);
  // Only whole lines: the last one may be cut by the 64 KB limit.
  parser.push(bytes > n ? text.slice(0, text.lastIndexOf("\n") + 1) : text);
  if (bytes <= n) parser.end();
  if (stamps.length === 0) {
    const why = parser.counters.examples[0] ?? "no data rows";
    throw new HistoryError(`${path}: no usable price rows at the top of the file (${why}); expected timestamp_unix_seconds,open,high,low,close,volume`);
  }
  let step = Infinity;
  for (let i = 1; i < stamps.length; i++) step = Math.min(step, stamps[i]! - stamps[i - 1]!);
  const barSeconds = Number.isFinite(step) ? step : 60;
  return { path, bytes, firstTimestamp: stamps[0]!, barSeconds, closeOnly: barSeconds > 1 && stamps.length >= 10 && flat >= CLOSE_ONLY_SHARE * stamps.length };
}

export interface ReplayOptions {
  /** Only bars opening at or after this (unix s). */
  readonly from?: number;
  /** Only bars opening before this (unix s). */
  readonly to?: number;
  /** Bytes read so far over all files, after each chunk. */
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Overrides the detected bar length. */
  readonly barSeconds?: number;
  /** Each skipped row (the first few of each file, naming file and line) and each file's count of them. */
  readonly onWarning?: (message: string) => void;
  /** Awaited after each chunk is replayed: a reader that keeps its own pace (the demo) holds the file back here. */
  readonly afterChunk?: () => Promise<void>;
}

/** More bad rows than this share of a file's rows, and the file is refused rather than replayed in part. */
export const MAX_BAD_SHARE = 0.01;

/**
 * Refuses a file whose bad rows are too many to trust the rest: an unsorted file would otherwise
 * lose most of its rows, and a file whose prices change scale mid-way would keep only one part.
 */
function checkQuality(path: string, c: BarParseCounters): void {
  if (c.skipped <= MAX_BAD_SHARE * c.rows) return;
  const unordered = c.reasons["timestamp out of order"] ?? 0;
  if (unordered > c.skipped / 2) {
    throw new HistoryError(
      `${path} is not sorted by time: ${unordered} of ${c.rows} rows are earlier than a row above them (first at line ${c.firstLines["timestamp out of order"]}); sort it by its first column, e.g. sort -t, -k1,1n`,
    );
  }
  const reasons = Object.entries(c.reasons).map(([k, n]) => `${n} ${k}`).join(", ");
  throw new HistoryError(`${path}: ${c.skipped} of ${c.rows} rows are bad (${reasons}; first: ${c.examples[0] ?? "?"}); refusing to replay the rest of it`);
}

export interface ReplayStats {
  readonly files: readonly HistoryFile[];
  readonly parse: BarParseCounters;
  readonly firstBar: number | null;
  readonly lastBar: number | null;
}

/**
 * Streams history files (oldest first, whatever order they were given in) into one price per
 * second for `observer`, never holding a whole file in memory.
 */
export async function replayHistory(paths: readonly string[], observer: PriceObserver, options: ReplayOptions = {}): Promise<ReplayStats> {
  const files = paths.map(inspectHistoryFile).sort((a, b) => a.firstTimestamp - b.firstTimestamp);
  const total = files.reduce((n, f) => n + f.bytes, 0);
  const parse: BarParseCounters = { rows: 0, bars: 0, skipped: 0, reasons: {}, firstLines: {}, examples: [] };
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  let done = 0;
  let firstBar: number | null = null;
  let lastBar: number | null = null;
  let lastAccepted = -Infinity;
  for (const file of files) {
    const toSeconds = perSecondFromBars(options.barSeconds ?? file.barSeconds, observer, { closeOnly: file.closeOnly });
    if (file.closeOnly) options.onWarning?.(`${file.path} holds closes only (open = high = low = close): each bar's price is used from its last second, never from its first`);
    const replay: BarHandler = (t, o, h, l, c) => {
      // Files may overlap: only bars after everything already replayed.
      if (t < from || t >= to || t <= lastAccepted) return;
      lastAccepted = t;
      if (firstBar === null) firstBar = t;
      lastBar = t;
      toSeconds(t, o, h, l, c);
    };
    const batch = new BarBatch();
    const parser = new BarCsvParser(file.path, batch.add);
    const stream = createReadStream(file.path, { encoding: "latin1", highWaterMark: 1 << 20 });
    for await (const chunk of stream) {
      parser.push(chunk as string);
      batch.replay(replay);
      done += (chunk as string).length;
      options.onProgress?.(done, total);
      if (options.afterChunk) await options.afterChunk();
    }
    parser.end();
    batch.replay(replay);
    const c = parser.counters;
    checkQuality(file.path, c);
    for (const e of c.examples) options.onWarning?.(`skipped ${e}`);
    if (c.skipped > c.examples.length) options.onWarning?.(`${file.path}: ${c.skipped} rows skipped in all (${Object.entries(c.reasons).map(([k, n]) => `${n} ${k}`).join(", ")})`);
    parse.rows += c.rows;
    parse.bars += c.bars;
    parse.skipped += c.skipped;
    for (const [k, v] of Object.entries(c.reasons)) parse.reasons[k] = (parse.reasons[k] ?? 0) + v;
    for (const [k, v] of Object.entries(c.firstLines)) parse.firstLines[k] ??= v;
    for (const e of c.examples) if (parse.examples.length < 5) parse.examples.push(e);
  }
  return { files, parse, firstBar, lastBar };
}
