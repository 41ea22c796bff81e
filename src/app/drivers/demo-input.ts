import { lastBarTimestamp } from "../../history/file-span.ts";
import { inspectHistoryFile, replayHistory } from "../../history/files.ts";
import type { PriceObserver } from "../../history/per-second.ts";

/** One second of the demo's input. */
export interface InputSecond {
  readonly second: number;
  readonly price: number;
  readonly exact: boolean;
  /** On the last second of a strike or settlement minute: that minute's mean estimated from its bar. */
  readonly mean?: number;
}

/** Seconds are kept in blocks of typed arrays: 17 bytes a second, handed back a block at a time. */
const BLOCK = 65_536;

interface Block {
  n: number;
  readonly seconds: Float64Array;
  readonly prices: Float64Array;
  readonly exact: Uint8Array;
}

/** Thrown into the file reader to stop it when the demo no longer wants its prices. */
class InputClosed extends Error {}

/**
 * The demo's prices, read from the file as the demo goes rather than loaded whole: the reader
 * stays at most a chunk of the file (about a million seconds of one-minute bars) and `ahead`
 * seconds in front of the demo, so memory does not grow with the file's length.
 */
export class StreamedSeconds implements PriceObserver {
  private readonly blocks: Block[] = [];
  /** Minute bars' estimates of strike and settlement means, by the instant they end (a few a window). */
  private readonly means = new Map<number, number>();
  /** Where the next second to take is in the first block. */
  private head = 0;
  private count = 0;
  private ended = false;
  private closed = false;
  private failure: Error | null = null;
  private readerWaiting: (() => void) | null = null;
  private takerWaiting: (() => void) | null = null;
  /** Seconds the file holds, estimated from its first and last bars (no gap assumed). */
  readonly estimatedSeconds: number;

  constructor(file: string, onWarning: (message: string) => void, readonly ahead = 100_000) {
    const head = inspectHistoryFile(file);
    const last = lastBarTimestamp(file) ?? head.firstTimestamp;
    this.estimatedSeconds = Math.max(0, last - head.firstTimestamp + head.barSeconds);
    replayHistory([file], this, { onWarning, afterChunk: () => this.room() }).then(
      () => this.finish(null),
      (e: unknown) => this.finish(e instanceof InputClosed ? null : (e as Error)),
    );
  }

  observe(second: number, price: number, exact = true): void {
    let b = this.blocks.at(-1);
    if (b === undefined || b.n === BLOCK) {
      b = { n: 0, seconds: new Float64Array(BLOCK), prices: new Float64Array(BLOCK), exact: new Uint8Array(BLOCK) };
      this.blocks.push(b);
    }
    b.seconds[b.n] = second;
    b.prices[b.n] = price;
    b.exact[b.n] = exact ? 1 : 0;
    b.n++;
    this.count++;
  }

  mean(end: number, price: number): void {
    this.means.set(end, price);
  }

  /** Seconds read and not yet taken. */
  get available(): number {
    return this.count;
  }

  /** Whether the whole file has been read (or the reader stopped). */
  get done(): boolean {
    return this.ended;
  }

  /**
   * Waits until at least `n` seconds are ready to take, or the file is read to its end. A file
   * that turns out bad (too many bad rows, found at its end) rejects here.
   */
  async fill(n: number): Promise<void> {
    while (this.count < n && !this.ended) {
      await new Promise<void>((r) => {
        this.takerWaiting = r;
        this.wakeReader();
      });
    }
    if (this.failure) throw this.failure;
  }

  /** The next second, or null when none is ready (call fill first). */
  shift(): InputSecond | null {
    const b = this.blocks[0];
    if (b === undefined || this.count === 0) return null;
    const i = this.head++;
    const second = b.seconds[i]!;
    const mean = this.means.get(second + 1);
    const s: InputSecond = mean === undefined ? { second, price: b.prices[i]!, exact: b.exact[i] === 1 } : { second, price: b.prices[i]!, exact: b.exact[i] === 1, mean };
    if (mean !== undefined) this.means.delete(second + 1);
    this.count--;
    if (this.head === BLOCK) {
      this.blocks.shift();
      this.head = 0;
    }
    if (this.count < this.ahead) this.wakeReader();
    return s;
  }

  /** Stops reading the file (the demo ended before it). */
  close(): void {
    this.closed = true;
    this.wakeReader();
  }

  /** The reader's pause between chunks: while enough is ahead, until the demo has taken some. */
  private async room(): Promise<void> {
    this.wakeTaker();
    while (!this.closed && this.count >= this.ahead) await new Promise<void>((r) => (this.readerWaiting = r));
    if (this.closed) throw new InputClosed();
  }

  private finish(e: Error | null): void {
    this.ended = true;
    this.failure = e;
    this.wakeTaker();
  }

  private wakeReader(): void {
    const r = this.readerWaiting;
    this.readerWaiting = null;
    r?.();
  }

  private wakeTaker(): void {
    const r = this.takerWaiting;
    this.takerWaiting = null;
    r?.();
  }
}
