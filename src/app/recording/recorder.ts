import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { EngineEvent } from "../../domain/events.ts";
import { RECORDING_SCHEMA, type RecordedTick, type RecordingHeader } from "./format.ts";

export interface RecorderOptions {
  /** `<dataDir>/sessions`: each session gets a folder of its own. */
  readonly dir: string;
  readonly header: Omit<RecordingHeader, "type" | "schema" | "session" | "part" | "started">;
  /** A new file every hour or every day (UTC). */
  readonly rotate: "hour" | "day";
  readonly now: () => number;
  /** Buffered lines are compressed and written at least this often (and after every trade). */
  readonly flushMs?: number;
}

export interface RecorderCounters {
  events: number;
  ticks: number;
  files: number;
  /** Compressed bytes written. */
  bytes: number;
  /** Writes that failed (a full disk): the recording has a hole, trading goes on. */
  failures: number;
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

/**
 * Records a session: every event the engine consumed, in the order it consumed them, and (in a
 * file beside it) each source's raw ticks, as JSON lines compressed with gzip. Lines are buffered and written as
 * independent gzip members (a gzip file may hold many), so a crash loses at most the last few
 * seconds and never spoils what was written; files rotate hourly or daily, each opening with
 * a header. A failed write is counted and never stops trading.
 */
export class SessionRecorder {
  readonly counters: RecorderCounters = { events: 0, ticks: 0, files: 0, bytes: 0, failures: 0 };
  readonly session: string;
  readonly folder: string;
  private buffer: string[] = [];
  private tickBuffer: string[] = [];
  private bufferBytes = 0;
  private fd: number | null = null;
  private tickFd: number | null = null;
  private period = "";
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

  event(e: EngineEvent): void {
    if (this.closed) return;
    this.counters.events++;
    this.push(JSON.stringify(e));
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
    const events = this.buffer;
    const ticks = this.tickBuffer;
    this.buffer = [];
    this.tickBuffer = [];
    this.bufferBytes = 0;
    try {
      const fd = this.file(now);
      if (events.length) this.write(fd, events);
      if (ticks.length) this.write(this.tickFd!, ticks);
    } catch (e) {
      this.counters.failures++;
      this.lastError = `recording ${this.folder}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    }
  }

  close(): void {
    if (this.closed) return;
    this.flush(true);
    this.closed = true;
    this.closeFiles();
  }

  private write(fd: number, lines: readonly string[]): void {
    const gz = gzipSync(lines.join("\n") + "\n", { level: 6 });
    writeSync(fd, gz);
    this.counters.bytes += gz.length;
  }

  private closeFiles(): void {
    if (this.fd !== null) closeSync(this.fd);
    if (this.tickFd !== null) closeSync(this.tickFd);
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
    if (this.fd !== null && period === this.period) return this.fd;
    this.closeFiles();
    mkdirSync(this.folder, { recursive: true });
    this.part++;
    this.period = period;
    const name = `${String(this.part).padStart(4, "0")}-${period.replace(/[-:]/g, "")}`;
    // The raw ticks go in a file of their own: replay never has to read past them.
    this.tickFd = openSync(join(this.folder, `${name}.ticks.jsonl.gz`), "a");
    const fd = openSync(join(this.folder, `${name}.jsonl.gz`), "a");
    const { journal_at_start, ...rest } = this.o.header;
    const header: RecordingHeader = {
      type: "header",
      schema: RECORDING_SCHEMA,
      session: this.session,
      part: this.part,
      started: new Date(now).toISOString(),
      ...rest,
      ...(this.part === 0 && journal_at_start !== undefined ? { journal_at_start } : {}),
    };
    const gz = gzipSync(JSON.stringify(header) + "\n");
    writeSync(fd, gz);
    this.counters.bytes += gz.length;
    this.counters.files++;
    this.fd = fd;
    return fd;
  }
}
