import { closeSync, fstatSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { EngineEvent } from "../../domain/events.ts";
import { type FileOps, nodeFileOps, writeAll } from "../../store/file-ops.ts";
import { RECORDING_SCHEMA, type RecordedTick, type RecordedWriteFailure, type RecordingHeader } from "./format.ts";

export interface RecorderOptions {
  /** `<dataDir>/sessions`: each session gets a folder of its own. */
  readonly dir: string;
  readonly header: Omit<RecordingHeader, "type" | "schema" | "session" | "part" | "started">;
  /** A new file every hour or every day (UTC). */
  readonly rotate: "hour" | "day";
  readonly now: () => number;
  /** Buffered lines are compressed and written at least this often (and after every trade). */
  readonly flushMs?: number;
  /** The writes (a test's full disk); Node's by default. */
  readonly ops?: FileOps;
}

export interface RecorderCounters {
  events: number;
  ticks: number;
  files: number;
  /** Compressed bytes written. */
  bytes: number;
  /** Writes that failed (a full disk): retried at the next flush; trading goes on. */
  failures: number;
  /** Lines given up on (failed writes that held too much in memory, or still refused at the close): the recording has a hole. */
  dropped: number;
}

/** Lines kept for the next try after failed writes, at most this many bytes; beyond it they are dropped. */
const MAX_HELD_BYTES = 64 << 20;

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

/**
 * Records a session: every event the engine consumed, in the order it consumed them, and (in a
 * file beside it) each source's raw ticks, as JSON lines compressed with gzip. Lines are buffered and written as
 * independent gzip members (a gzip file may hold many), so a crash loses at most the last few
 * seconds and never spoils what was written; files rotate hourly or daily, each opening with
 * a header. A failed write is counted and never stops trading.
 */
export class SessionRecorder {
  readonly counters: RecorderCounters = { events: 0, ticks: 0, files: 0, bytes: 0, failures: 0, dropped: 0 };
  readonly session: string;
  readonly folder: string;
  private buffer: string[] = [];
  private tickBuffer: string[] = [];
  private bufferBytes = 0;
  private fd: number | null = null;
  private tickFd: number | null = null;
  /** Bytes of whole gzip members in each open file: a failed write is cut back to it. */
  private readonly sizes = new Map<number, number>();
  private readonly ops: FileOps;
  private period = "";
  private header: RecordingHeader | null = null;
  private part = -1;
  private lastFlush: number;
  private readonly flushMs: number;
  private closed = false;
  private lastError: string | null = null;

  constructor(private readonly o: RecorderOptions) {
    const now = o.now();
    this.session = stamp(now);
    this.folder = join(o.dir, this.session);
    this.flushMs = o.flushMs ?? 5_000;
    this.lastFlush = now;
    this.ops = o.ops ?? nodeFileOps;
  }

  /** Opens the session's first file (its header) now, so the session is on disk from its start. */
  open(): void {
    try {
      this.file(this.o.now());
    } catch (e) {
      this.counters.failures++;
      this.lastError = `recording ${this.folder}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    }
  }

  /** The latest write error, once, for a warning. */
  takeError(): string | null {
    const e = this.lastError;
    this.lastError = null;
    return e;
  }

  /** An event an engine took; `series` names that engine when the recording holds several. */
  event(e: EngineEvent, series?: string): void {
    if (this.closed) return;
    this.counters.events++;
    this.push(JSON.stringify(series === undefined ? e : { ...e, series }));
  }

  /** A journal write the disk refused (after the event whose handling tried it). */
  writeFailed(f: RecordedWriteFailure, series?: string): void {
    if (this.closed) return;
    this.push(JSON.stringify(series === undefined ? f : { ...f, series }));
  }

  tick(t: RecordedTick): void {
    if (this.closed) return;
    this.counters.ticks++;
    const line = JSON.stringify(t);
    this.tickBuffer.push(line);
    this.bufferBytes += line.length;
  }

  /** Writes what is buffered when it is due (call every second), or now with `force`. */
  flush(force = false): void {
    const now = this.o.now();
    if (!force && now - this.lastFlush < this.flushMs && this.bufferBytes < 1 << 20) return;
    this.lastFlush = now;
    if (this.buffer.length === 0 && this.tickBuffer.length === 0) return;
    try {
      const fd = this.file(now);
      if (this.buffer.length) this.write(fd, this.buffer);
      this.buffer = [];
      if (this.tickBuffer.length) this.write(this.tickFd!, this.tickBuffer);
      this.tickBuffer = [];
      this.bufferBytes = 0;
    } catch (e) {
      // Kept for the next flush (a disk that fills usually frees again), unless that holds too much.
      this.counters.failures++;
      this.lastError = `recording ${this.folder}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      if (this.bufferBytes > MAX_HELD_BYTES) {
        this.counters.dropped += this.buffer.length + this.tickBuffer.length;
        this.buffer = [];
        this.tickBuffer = [];
        this.bufferBytes = 0;
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.flush(true);
    // What the disk still refuses at the end is lost with the process: counted, so it can be said.
    this.counters.dropped += this.buffer.length + this.tickBuffer.length;
    this.buffer = [];
    this.tickBuffer = [];
    this.bufferBytes = 0;
    this.closed = true;
    this.closeFiles();
  }

  private write(fd: number, lines: readonly string[]): void {
    this.writeMember(fd, gzipSync(lines.join("\n") + "\n", { level: 6 }));
  }

  /** One gzip member, whole or not at all: a part written before a failure is cut off, so the file stays readable. */
  private writeMember(fd: number, gz: Buffer): void {
    const size = this.sizes.get(fd) ?? 0;
    try {
      writeAll(this.ops, fd, gz);
    } catch (e) {
      try {
        this.ops.truncate(fd, size);
      } catch {
        // The next write starts from the same size and truncates again first.
      }
      throw e;
    }
    this.sizes.set(fd, size + gz.length);
    this.counters.bytes += gz.length;
  }

  private closeFiles(): void {
    for (const fd of [this.fd, this.tickFd]) {
      if (fd === null) continue;
      this.sizes.delete(fd);
      closeSync(fd);
    }
    this.fd = this.tickFd = null;
  }

  private push(line: string): void {
    this.buffer.push(line);
    this.bufferBytes += line.length;
  }

  /** The file for instant `now`, opening the next one (with its header) when the hour or day turned. */
  private file(now: number): number {
    const iso = new Date(now).toISOString();
    const period = this.o.rotate === "hour" ? iso.slice(0, 13) : iso.slice(0, 10);
    if (this.fd === null || period !== this.period) {
      this.closeFiles();
      mkdirSync(this.folder, { recursive: true });
      this.part++;
      this.period = period;
      const name = `${String(this.part).padStart(4, "0")}-${period.replace(/[-:]/g, "")}`;
      // The raw ticks go in a file of their own: replay never has to read past them.
      this.tickFd = this.openFile(join(this.folder, `${name}.ticks.jsonl.gz`));
      this.fd = this.openFile(join(this.folder, `${name}.jsonl.gz`));
      const { journal_at_start, journals_at_start, ...rest } = this.o.header;
      this.header = {
        type: "header",
        schema: RECORDING_SCHEMA,
        session: this.session,
        part: this.part,
        started: iso,
        ...rest,
        ...(this.part === 0 && journal_at_start !== undefined ? { journal_at_start } : {}),
        ...(this.part === 0 && journals_at_start !== undefined ? { journals_at_start } : {}),
      };
    }
    // A header whose write failed is written before anything else goes in.
    if (this.sizes.get(this.fd) === 0) {
      this.writeMember(this.fd, gzipSync(JSON.stringify(this.header) + "\n"));
      this.counters.files++;
    }
    return this.fd;
  }

  private openFile(path: string): number {
    const fd = openSync(path, "a");
    this.sizes.set(fd, fstatSync(fd).size);
    return fd;
  }
}
