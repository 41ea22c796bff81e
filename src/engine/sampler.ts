import type { GapEvent, MeanEvent, SecondEvent } from "../domain/events.ts";

/** Where a second's price came from, when not the plain feed (see SecondEvent.source). */
export interface SecondNote {
  readonly source: "index";
  /** The exchange median's price of the same second, cents, when it had one. */
  readonly proxyCents: number | null;
}

/**
 * Receives the engine's events, in order: one second event per second (the last price seen in
 * [second, second + 1), in cents), a gap event for seconds too many to carry forward, and a
 * minute bar's estimate of a strike or settlement minute's mean just before that minute's last
 * second (history without one-second prices only).
 */
export type SampleSink = (e: SecondEvent | GapEvent | MeanEvent) => void;

export interface SamplerCounters {
  observed: number;
  emitted: number;
  carried: number;
  rejected: number;
  late: number;
  gaps: number;
}

export interface SamplerOptions {
  /**
   * Longest silence carried forward; a longer one is reported as a gap instead. Live feeds
   * carry forever (the engine stops trading on a stale price); history files use a limit so a
   * missing day is not replayed as a flat line.
   */
  readonly maxCarrySeconds: number;
  /**
   * Live ticks (tick()): a second with no tick whose end is within this many ms of the last tick
   * keeps the last price as observed, not carried: the sources were live, the price just did not
   * change. 0 (history): every silent second is carried.
   */
  readonly liveForMs?: number;
  /** Price units per dollar: 100 (cents, the default), 10,000 for a series priced to 4 decimals. */
  readonly unitsPerDollar?: number;
}

/**
 * Turns whatever arrives (ticks, one-second bars, rebuilt one-minute bars) into exactly one
 * price per second. The price of second s is the last one observed during s; a second with
 * none carries the previous price forward and is marked as carried. Prices that are not
 * finite and positive are rejected and counted; prices for a second already emitted are late
 * and counted.
 */
export class Sampler {
  readonly counters: SamplerCounters = { observed: 0, emitted: 0, carried: 0, rejected: 0, late: 0, gaps: 0 };
  private next: number | null = null; // the second being collected
  private pending = NaN; // price seen during `next`, NaN when none yet
  private pendingExact = true;
  private pendingNote: SecondNote | undefined = undefined;
  private lastCents = NaN;
  private lastObserved = -Infinity;
  private lastTickMs = -Infinity;
  private meanEnd = -1; // a bar's estimate of the mean over [meanEnd − 60, meanEnd), waiting for second meanEnd − 1
  private meanCents = 0;

  private readonly perDollar: number;

  constructor(private readonly sink: SampleSink, private readonly options: SamplerOptions) {
    this.perDollar = options.unitsPerDollar ?? 100;
  }

  /** A price seen during `second` (unix seconds); `exact` false when it was drawn inside a bar; `note` when the index gave it. */
  observe(second: number, price: number, exact = true, note?: SecondNote): void {
    if (!(price > 0) || !Number.isFinite(price)) {
      this.counters.rejected++;
      return;
    }
    if (this.next === null) this.next = second;
    else if (second < this.next) {
      this.counters.late++;
      return;
    } else if (second > this.next) this.advanceTo(second);
    this.pending = price;
    this.pendingExact = exact;
    this.pendingNote = note;
    this.lastObserved = second;
    this.counters.observed++;
  }

  /**
   * The estimated mean over [end − 60, end) from the bar covering it (history files): passed on
   * with second end − 1, the instant its bar closed, never before.
   */
  mean(end: number, price: number): void {
    if (!(price > 0) || !Number.isFinite(price)) {
      this.counters.rejected++;
      return;
    }
    this.meanEnd = end;
    this.meanCents = Math.round(price * this.perDollar);
  }

  /**
   * A live tick, stamped when it arrived (ms): it belongs to the second it arrived in, and the
   * second's price is the last tick before the second ended. A tick of a later second closes
   * the earlier ones at once, just as advanceTo() does when the clock moves on.
   */
  tick(tsMs: number, price: number): void {
    const before = this.counters.observed;
    this.observe(Math.floor(tsMs / 1000), price);
    if (this.counters.observed > before && tsMs > this.lastTickMs) this.lastTickMs = tsMs;
  }

  /** Emits every second before `second`: the clock moved on, with or without prices. */
  advanceTo(second: number): void {
    const next = this.next;
    if (next === null || second <= next) return;
    let from = next;
    if (!Number.isNaN(this.pending)) {
      this.emit(next, Math.round(this.pending * this.perDollar), false, this.pendingExact, this.pendingNote);
      from = next + 1;
    }
    this.pending = NaN;
    this.pendingNote = undefined;
    this.next = second;
    if (from >= second || Number.isNaN(this.lastCents)) return;
    if (second - 1 - this.lastObserved > this.options.maxCarrySeconds) {
      this.counters.gaps++;
      this.sink({ type: "gap", from, to: second });
      return;
    }
    // A silent second: carried, unless live ticks were recent enough that the price simply held
    // (then it is the true price of that second, and exact).
    const liveFor = this.options.liveForMs ?? 0;
    for (let s = from; s < second; s++) {
      const held = liveFor > 0 && (s + 1) * 1000 - this.lastTickMs <= liveFor;
      this.emit(s, this.lastCents, !held, held);
    }
  }

  /** Emits the second still being collected: the input has ended. */
  flush(): void {
    if (this.next !== null && !Number.isNaN(this.pending)) this.advanceTo(this.next + 1);
  }

  private emit(second: number, cents: number, carried: boolean, exact: boolean, note?: SecondNote): void {
    if (this.meanEnd === second + 1) {
      this.meanEnd = -1;
      this.sink({ type: "mean", end: second + 1, cents: this.meanCents });
    }
    this.lastCents = cents;
    this.counters.emitted++;
    if (carried) this.counters.carried++;
    // Carried seconds are never exact; "exact" is written only when it says something, and so is an index price's note.
    const e: SecondEvent = exact === !carried ? { type: "second", second, cents, carried } : { type: "second", second, cents, carried, exact };
    this.sink(note === undefined ? e : { ...e, source: note.source, ...(note.proxyCents === null ? {} : { proxyCents: note.proxyCents }) });
  }
}
