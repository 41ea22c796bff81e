import type { SecondNote } from "../../engine/sampler.ts";
import type { IndexValue } from "../../kalshi/index-frames.ts";
import { UNITS_PER_DOLLAR } from "../../domain/money.ts";

/** What the pricer drives: the session's sampler. */
export interface SecondSink {
  tick(tsMs: number, price: number): void;
  observe(second: number, price: number, exact?: boolean, note?: SecondNote): void;
  advanceTo(second: number): void;
}

export interface IndexPricingOptions {
  /** Only this index's values price seconds (BRTI for KXBTC15M). */
  readonly indexId: string;
  /** The first second the sampler still has open (after the warm-up). */
  readonly startSecond: number;
  /** The index is stale when nothing arrived for this long, or a value arrives this long after its own time, ms. */
  readonly staleMs: number;
  /** The series' price units per dollar (100: cents, the default), for the median's cross-check. */
  readonly unitsPerDollar?: number;
}

export interface IndexPricingCounters {
  /** Seconds priced by a 1 Hz value, by a 5 Hz value (no 1 Hz value came), and closed without either (the median stood in). */
  oneHzSeconds: number;
  fiveHzSeconds: number;
  medianSeconds: number;
  /** Values that came after their second had been closed, or too long after their own time. */
  late: number;
  stale: number;
  /** Times the index became the source, and times the median took over again. */
  toIndex: number;
  toMedian: number;
}

const KEEP_SECONDS = 8;

/**
 * The price of each second, with a key: the settlement index while it is fresh, the exchange
 * median otherwise (and as the cross-check on every index-priced second).
 *
 * A second's price is the price at its end: the exchange median's is the last tick that arrived
 * during it; the index's is the value CF Benchmarks stamped at the instant the second ends (one a
 * second on the 1 Hz channel; the 5 Hz channel's last value inside the second when no 1 Hz value
 * came). So the engine's seconds close − 60 … close − 1 hold the values stamped close − 59 …
 * close: exactly the 60 Kalshi averages, (close − 60 s, close]. An index second is closed as soon
 * as its value arrives (or a later one proves it will not), with a grace of about a second before
 * the median stands in; when no index value arrives for `staleMs`, the median prices the seconds
 * again, as it does without a key.
 */
export class SecondPricer {
  readonly counters: IndexPricingCounters = { oneHzSeconds: 0, fiveHzSeconds: 0, medianSeconds: 0, late: 0, stale: 0, toIndex: 0, toMedian: 0 };
  mode: "index" | "median" = "median";
  /** The latest index value (dollars) and when it arrived, for display. */
  lastIndex: { readonly price: number; readonly receivedMs: number } | null = null;
  private open: number;
  private readonly median = new Map<number, number>();
  private readonly oneHz = new Map<number, number>();
  private readonly fiveHz = new Map<number, number>();
  private top1Hz = -Infinity;
  private top5Hz = -Infinity;
  private last1HzMs = -Infinity;

  constructor(private readonly sink: SecondSink, private readonly opts: IndexPricingOptions) {
    this.open = opts.startSecond;
  }

  /** A tick of the exchange median, stamped when it arrived (dollars). */
  onMedian(tsMs: number, price: number): void {
    const second = Math.floor(tsMs / 1000);
    this.median.set(second, price);
    this.trim(this.median);
    if (this.mode !== "median") return;
    this.sink.tick(tsMs, price);
    if (second > this.open) this.open = second;
  }

  /** An index value from Kalshi's WebSocket, stamped when it arrived. */
  onIndex(v: IndexValue, receivedMs: number): void {
    if (v.indexId !== this.opts.indexId) return;
    if (receivedMs - v.sourceMs > this.opts.staleMs) {
      this.counters.stale++;
      return;
    }
    const price = v.value / UNITS_PER_DOLLAR;
    this.lastIndex = { price, receivedMs };
    // The second this value ends: a value stamped exactly on a whole second ends the one before it.
    const slot = Math.ceil(v.sourceMs / 1000) - 1;
    if (v.channel === "1hz") {
      this.last1HzMs = receivedMs;
      this.top1Hz = Math.max(this.top1Hz, slot);
    } else this.top5Hz = Math.max(this.top5Hz, slot);
    if (this.mode === "median") {
      this.mode = "index";
      this.counters.toIndex++;
    }
    if (slot < this.open) {
      this.counters.late++;
      return;
    }
    // The 5 Hz channel: the last value inside the second stands for it.
    (v.channel === "1hz" ? this.oneHz : this.fiveHz).set(slot, price);
    this.closeReady(receivedMs);
  }

  /** Called every second by the driver's clock (just after the second turns). */
  onClock(nowMs: number): void {
    const instant = Math.floor(nowMs / 1000);
    const fresh = this.lastIndex !== null && nowMs - this.lastIndex.receivedMs <= this.opts.staleMs;
    if (this.mode === "index" && !fresh) {
      // The index went quiet: the seconds it left open, then the one running, go to the median as its ticks came.
      this.mode = "median";
      this.counters.toMedian++;
      while (this.open < instant) this.close(this.open);
      const running = this.median.get(instant);
      if (running !== undefined && instant >= this.open) this.sink.observe(instant, running);
      return;
    }
    if (this.mode === "index") {
      // A second the index has not priced within about a second of its end: the median stands in.
      while (this.open < instant - 1) this.close(this.open);
      return;
    }
    this.sink.advanceTo(instant);
    if (instant > this.open) this.open = instant;
  }

  /** Closes every second from the first open one on whose index value is in (or provably never coming). */
  private closeReady(nowMs: number): void {
    const oneHzLive = nowMs - this.last1HzMs <= this.opts.staleMs;
    for (;;) {
      const s = this.open;
      const ready = this.oneHz.has(s) || this.top1Hz > s || (!oneHzLive && this.top5Hz > s);
      if (!ready) return;
      this.close(s);
    }
  }

  private close(s: number): void {
    const one = this.oneHz.get(s);
    const index = one ?? this.fiveHz.get(s);
    const median = this.median.get(s);
    if (index !== undefined) {
      this.counters[one !== undefined ? "oneHzSeconds" : "fiveHzSeconds"]++;
      this.sink.observe(s, index, true, { source: "index", proxyCents: median === undefined ? null : Math.round(median * (this.opts.unitsPerDollar ?? 100)) });
    } else {
      this.counters.medianSeconds++;
      if (median !== undefined) this.sink.observe(s, median);
    }
    this.sink.advanceTo(s + 1);
    this.open = s + 1;
    this.oneHz.delete(s);
    this.fiveHz.delete(s);
  }

  private trim(m: Map<number, number>): void {
    for (const k of m.keys()) if (k < this.open - KEEP_SECONDS) m.delete(k);
  }
}
