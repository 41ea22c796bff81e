import { appendFileSync, closeSync, createReadStream, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync } from "node:fs";
import { pipeline } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import { type FileOps, nodeFileOps, writeAll } from "./file-ops.ts";
import { JournalWriteError, fsCause } from "./write-error.ts";

/** What reading a JSON Lines file found besides its records. */
export interface JsonlReadReport {
  /** Lines that were not valid JSON objects, skipped (1-based line numbers). */
  readonly skippedLines: readonly number[];
  /** A last line cut off mid-write (no trailing newline and not valid JSON), skipped. */
  readonly tornTail: boolean;
  readonly warnings: readonly string[];
}

export interface JsonlContents<T> extends JsonlReadReport {
  readonly records: T[];
}

export interface Line {
  readonly text: string;
  readonly lineNo: number;
  /** False only for a last line with no newline after it. */
  readonly complete: boolean;
}

/** The lines of a file, read in chunks so a large file never becomes one string. */
export function* readLines(path: string): Generator<Line> {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(1 << 20);
    const decoder = new StringDecoder("utf8"); // keeps a character split across chunks whole
    let carry = "";
    let lineNo = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const text = carry + decoder.write(buf.subarray(0, n));
      let from = 0;
      for (let nl = text.indexOf("\n", from); nl !== -1; nl = text.indexOf("\n", from)) {
        yield { text: text.slice(from, nl), lineNo: ++lineNo, complete: true };
        from = nl + 1;
      }
      carry = text.slice(from);
    }
    carry += decoder.end();
    if (carry.length > 0) yield { text: carry, lineNo: ++lineNo, complete: false };
  } finally {
    closeSync(fd);
  }
}

/**
 * The lines of a file, read asynchronously (a `.gz` file is decompressed on the way), so a long
 * read leaves the event loop free between chunks: a second Ctrl+C is heard at once.
 */
export async function* readLinesAsync(path: string): AsyncGenerator<Line> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  // pipeline() passes a read error on to the gunzip stream, so the loop below throws it.
  const source: AsyncIterable<Buffer> = path.endsWith(".gz") ? pipeline(file, createGunzip(), () => {}) : file;
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let lineNo = 0;
  try {
    for await (const chunk of source) {
      const text = carry + decoder.write(chunk);
      let from = 0;
      for (let nl = text.indexOf("\n", from); nl !== -1; nl = text.indexOf("\n", from)) {
        yield { text: text.slice(from, nl), lineNo: ++lineNo, complete: true };
        from = nl + 1;
      }
      carry = text.slice(from);
    }
  } finally {
    file.destroy();
  }
  carry += decoder.end();
  if (carry.length > 0) yield { text: carry, lineNo: lineNo + 1, complete: false };
}

/**
 * Reads every JSON object of a JSON Lines file. A line that does not parse (or that `validate`
 * rejects) is skipped and reported, never fatal: a crash can tear the last line, and a hand
 * edit can break any.
 */
export function readJsonl<T>(path: string, validate?: (value: unknown) => T): JsonlContents<T> {
  const records: T[] = [];
  const skipped: number[] = [];
  const warnings: string[] = [];
  let tornTail = false;
  if (!existsSync(path)) return { records, skippedLines: skipped, tornTail, warnings };
  for (const { text: line, lineNo, complete } of readLines(path)) {
    if (line.trim() === "") continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not a JSON object");
      records.push(validate ? validate(value) : (value as T));
    } catch (e) {
      if (!complete) {
        tornTail = true;
        warnings.push(`${path}: last line ${lineNo} is incomplete (cut off mid-write?) and was skipped`);
      } else {
        skipped.push(lineNo);
        warnings.push(`${path}: line ${lineNo} skipped: ${(e as Error).message}`);
      }
    }
  }
  return { records, skippedLines: skipped, tornTail, warnings };
}

/**
 * Appends JSON objects one per line. An append returns only when its whole line is written (a
 * short write is continued) and, with `durable`, flushed to disk (fsync), so a record once
 * appended survives a crash. When a line cannot be written whole, the file is cut back to where
 * that line began and a JournalWriteError is thrown: the file never keeps part of a line, and a
 * later append (after space is freed) starts on a line of its own. On open, an incomplete last
 * line left by a crash is moved to `<file>.torn` and cut off.
 */
export class JsonlWriter {
  private fd: number | null;
  /** Bytes of whole lines in the file. */
  private size: number;
  /** A failed append could not be cut back: cut it before the next one. */
  private dirty = false;
  readonly repairedTail: string | null;

  constructor(readonly path: string, private readonly durable: boolean, private readonly ops: FileOps = nodeFileOps) {
    try {
      this.fd = openSync(path, "a+");
      this.repairedTail = this.repairTail();
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      throw new JournalWriteError(path, fsCause(e));
    }
  }

  append(value: object): void {
    this.appendRaw(JSON.stringify(value) + "\n");
  }

  /** Writes pre-serialised lines (each ending in a newline): all of them, or none. */
  appendRaw(lines: string): void {
    if (this.fd === null) throw new JournalWriteError(this.path, "the file is closed");
    const fd = this.fd;
    const data = Buffer.from(lines, "utf8");
    try {
      if (this.dirty) this.cutBack(fd);
      writeAll(this.ops, fd, data);
      if (this.durable) this.ops.fsync(fd);
    } catch (e) {
      try {
        this.cutBack(fd);
      } catch {
        this.dirty = true; // tried again before the next append
      }
      throw new JournalWriteError(this.path, fsCause(e));
    }
    this.size += data.length;
  }

  sync(): void {
    if (this.fd === null) return;
    try {
      this.ops.fsync(this.fd);
    } catch (e) {
      throw new JournalWriteError(this.path, fsCause(e));
    }
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      if (this.dirty) this.cutBack(fd);
      this.ops.fsync(fd);
    } catch (e) {
      throw new JournalWriteError(this.path, fsCause(e));
    } finally {
      closeSync(fd);
    }
  }

  /** Removes whatever a failed append left after the last whole line. */
  private cutBack(fd: number): void {
    this.ops.truncate(fd, this.size);
    if (this.durable) this.ops.fsync(fd);
    this.dirty = false;
  }

  private repairTail(): string | null {
    const fd = this.fd as number;
    const size = fstatSync(fd).size;
    if (size === 0) return null;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return null;
    // Find the start of the incomplete line.
    const chunk = 64 * 1024;
    let end = size;
    let start = 0;
    search: while (end > 0) {
      const from = Math.max(0, end - chunk);
      const buf = Buffer.alloc(end - from);
      readSync(fd, buf, 0, buf.length, from);
      for (let i = buf.length - 1; i >= 0; i--) {
        if (buf[i] === 0x0a) {
          start = from + i + 1;
          break search;
        }
      }
      end = from;
    }
    const tail = Buffer.alloc(size - start);
    readSync(fd, tail, 0, tail.length, start);
    appendFileSync(`${this.path}.torn`, Buffer.concat([tail, Buffer.from("\n")]));
    ftruncateSync(fd, start);
    fsyncSync(fd);
    return tail.toString("utf8");
  }
}
