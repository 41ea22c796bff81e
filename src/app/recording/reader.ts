import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { isAscii } from "node:buffer";
import { constants, createGunzip } from "node:zlib";
import { defaultConfig, deepMerge } from "../../config/load.ts";
import type { AppConfig } from "../../config/schema.ts";
import { UserError } from "../../domain/errors.ts";
import { ENGINE_EVENT_TYPES, RECORDING_SCHEMA, type RecordingHeader, type RecordingLine } from "./format.ts";
import { RecordingLineParser } from "./line-parser.ts";

/** One recording file, as found on disk. */
export interface RecordingFile {
  readonly path: string;
  readonly header: RecordingHeader;
}

/** A session: its files in order (the first carries the journal at its start). */
export interface RecordedSession {
  readonly id: string;
  readonly files: readonly RecordingFile[];
  readonly header: RecordingHeader;
}

export interface ReadCounters {
  lines: number;
  /** Raw tick lines passed over (the engine never took them). */
  ticks: number;
  /** Lines that were not JSON (cut off by a crash at the end of a file) or not valid recording lines. */
  skipped: number;
  /** The first few, named by file and line: "…/0000-2026112014.jsonl.gz:812: not a valid "book" line (…)". */
  readonly problems: string[];
}

/**
 * The lines of a recording file, parsed and checked (schema.ts). A file cut off by a crash (its
 * last gzip member incomplete) yields everything before the cut; a line broken by it, or one that
 * is not a valid recording line, is skipped, counted and named by file and line.
 */
export async function* readRecording(path: string, counters: ReadCounters): AsyncGenerator<RecordingLine> {
  for await (const batch of readRecordingBatches(path, counters)) yield* batch;
}

/**
 * The same lines, a batch (one chunk of the file) at a time: a replay takes a day's hundreds of
 * thousands of lines without a promise for each.
 */
export async function* readRecordingBatches(path: string, counters: ReadCounters): AsyncGenerator<RecordingLine[]> {
  const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH, chunkSize: 256 * 1024 });
  const input = createReadStream(path, { highWaterMark: 256 * 1024 }).pipe(gunzip);
  let failed: string | null = null;
  gunzip.on("error", (e) => (failed = e.message));
  const parser = new RecordingLineParser();
  let carry: Buffer = Buffer.alloc(0);
  let n = 0;
  const take = (text: string, into: RecordingLine[]): void => {
    n++;
    if (text === "") return;
    // Raw ticks are not the engine's: passed over without being parsed (older recordings mixed them in).
    if (text.startsWith('{"type":"tick"')) {
      counters.ticks++;
      return;
    }
    let value: RecordingLine;
    try {
      value = parser.parse(text);
    } catch (e) {
      counters.skipped++;
      const why = e instanceof SyntaxError ? "not JSON (cut off by a crash?)" : (e as Error).message;
      if (counters.problems.length < 5) counters.problems.push(`${path}:${n}: ${why}`);
      return;
    }
    counters.lines++;
    into.push(value);
  };
  try {
    for await (const chunk of input) {
      const bytes = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      // Whole lines only: a newline is never inside a UTF-8 character, so the cut splits none.
      const end = bytes.lastIndexOf(10);
      if (end < 0) {
        carry = bytes;
        continue;
      }
      carry = bytes.subarray(end + 1);
      const whole = bytes.subarray(0, end);
      // The recorder writes ASCII: read as one byte a character, which JSON.parse also reads faster.
      const text = isAscii(whole) ? whole.toString("latin1") : whole.toString("utf8");
      const batch: RecordingLine[] = [];
      let from = 0;
      for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", from)) {
        take(text.slice(from, nl), batch);
        from = nl + 1;
      }
      take(text.slice(from), batch);
      if (batch.length) yield batch;
    }
  } catch (e) {
    failed = (e as Error).message;
  }
  const last: RecordingLine[] = [];
  if (carry.length) take(carry.toString("utf8"), last);
  if (last.length) yield last;
  if (failed !== null && counters.problems.length < 5) counters.problems.push(`${path}: read stopped early (${failed})`);
}

/** A file's first line, unzipped no further than it: finding sessions reads only their headers. */
async function firstLine(path: string): Promise<string> {
  const input = createReadStream(path, { highWaterMark: 64 * 1024 }).pipe(createGunzip({ finishFlush: constants.Z_SYNC_FLUSH }));
  const parts: Buffer[] = [];
  try {
    for await (const chunk of input) {
      const b = chunk as Buffer;
      const nl = b.indexOf(10);
      if (nl >= 0) {
        parts.push(b.subarray(0, nl));
        break;
      }
      parts.push(b);
    }
  } catch {
    // A file cut off by a crash: what came before the cut.
  } finally {
    input.destroy();
  }
  return Buffer.concat(parts).toString("utf8");
}

async function headerOf(path: string): Promise<RecordingHeader> {
  let line: RecordingLine | null = null;
  try {
    line = new RecordingLineParser().parse(await firstLine(path));
  } catch {
    // not a recording line: no header
  }
  if (line !== null && line.type === "header") {
    const h = line as RecordingHeader;
    if (h.schema > RECORDING_SCHEMA) throw new UserError(`${path} was recorded by a newer btc15 (format ${h.schema}; this one reads ${RECORDING_SCHEMA})`);
    // A setting added since the session was recorded takes its default (what that btc15 did without it).
    return { ...h, config: deepMerge(defaultConfig() as unknown as Record<string, unknown>, h.config as unknown as Record<string, unknown>) as unknown as AppConfig };
  }
  throw new UserError(`${path} is not a btc15 session recording (no header)`);
}

function recordingFiles(path: string): string[] {
  if (!existsSync(path)) throw new UserError(`no such file or directory: ${path}`);
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) out.push(...recordingFiles(full));
    else if (name.endsWith(".jsonl.gz") && !name.endsWith(".ticks.jsonl.gz")) out.push(full);
  }
  return out;
}

/**
 * The sessions recorded under the given paths (files, a session's folder, or a whole sessions
 * directory), oldest first, each with its files in order.
 */
export async function findSessions(paths: readonly string[]): Promise<RecordedSession[]> {
  const files: RecordingFile[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    for (const f of recordingFiles(p)) {
      if (seen.has(f)) continue;
      seen.add(f);
      files.push({ path: f, header: await headerOf(f) });
    }
  }
  if (files.length === 0) throw new UserError(`no session recordings (*.jsonl.gz) in ${paths.join(", ")}`);
  const bySession = new Map<string, RecordingFile[]>();
  for (const f of files) {
    const list = bySession.get(f.header.session) ?? [];
    list.push(f);
    bySession.set(f.header.session, list);
  }
  const sessions: RecordedSession[] = [];
  for (const [id, list] of bySession) {
    list.sort((a, b) => a.header.part - b.header.part);
    const first = list[0]!;
    if (first.header.part !== 0) throw new UserError(`session ${id} is missing its first file (found ${basename(first.path)}): replay needs the journal it started from`);
    sessions.push({ id, files: list, header: first.header });
  }
  return sessions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function isEngineEvent(line: RecordingLine): boolean {
  return ENGINE_EVENT_TYPES.has(line.type);
}
