import type { GapEvent, MeanEvent, SecondEvent } from "../../domain/events.ts";

type Sampled = SecondEvent | GapEvent | MeanEvent;

/** The instant an event belongs to: a bar's mean comes just before the second it ends with. */
const instantOf = (e: Sampled) => (e.type === "second" ? e.second : e.type === "gap" ? e.from : e.end - 1);

/**
 * Several streams of sampled events (one per series, each read from its own files at its own pace)
 * merged into one time order: an event is passed on only when every stream still running has one
 * queued, and the earliest goes first (the streams' order breaks ties, each stream's own order is
 * kept). So the engines of a multi-series backtest see the same interleaving a live process would,
 * and the limits on every series together apply as they would live. A stream that runs ahead is
 * held back at its next chunk (afterChunk) until the others catch up, so memory stays bounded.
 */
export class Interleave {
  private readonly queues: Sampled[][];
  private readonly heads: number[];
  private readonly done: boolean[];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly sinks: readonly ((e: Sampled) => void)[],
    /** Events one stream may hold before it waits for the others. */
    private readonly limit = 200_000,
  ) {
    this.queues = sinks.map(() => []);
    this.heads = sinks.map(() => 0);
    this.done = sinks.map(() => false);
  }

  push(i: number, e: Sampled): void {
    this.queues[i]!.push(e);
  }

  /** Stream `i` has no more events. */
  finish(i: number): void {
    this.done[i] = true;
    this.drain();
  }

  /** Called after each chunk stream `i` read: passes on what can be, and holds `i` while it is too far ahead. */
  async afterChunk(i: number): Promise<void> {
    this.drain();
    while (this.size(i) > this.limit) await new Promise<void>((r) => this.waiters.push(r));
  }

  private size(i: number): number {
    return this.queues[i]!.length - this.heads[i]!;
  }

  private drain(): void {
    for (;;) {
      let best = -1;
      let bestAt = Infinity;
      for (let i = 0; i < this.sinks.length; i++) {
        if (this.size(i) === 0) {
          if (!this.done[i]) return this.wake(); // its next event could be the earliest
          continue;
        }
        const at = instantOf(this.queues[i]![this.heads[i]!]!);
        if (at < bestAt) {
          best = i;
          bestAt = at;
        }
      }
      if (best < 0) return this.wake();
      const q = this.queues[best]!;
      const e = q[this.heads[best]!]!;
      this.heads[best] = this.heads[best]! + 1;
      if (this.heads[best]! > 65_536) {
        q.splice(0, this.heads[best]!);
        this.heads[best] = 0;
      }
      this.sinks[best]!(e);
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}
