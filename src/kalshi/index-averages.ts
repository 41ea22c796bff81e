import { averageCents } from "../domain/settlement.ts";
import { WINDOW_SECONDS } from "../domain/window.ts";
import type { IndexAverage, IndexValue } from "./index-frames.ts";

/** One window's settlement average as we make it from the index, beside Kalshi's own two figures. */
export interface IndexWindowCheck {
  /** The quarter-hour boundary, unix seconds: the settlement of the window closing then, the strike of the next. */
  readonly close: number;
  /** Our mean of the 1 Hz values stamped in (close − 60 s, close], in the series' price units (cents for BTC; halves up), and how many there were. */
  readonly oursCents: number | null;
  readonly count: number;
  /** Kalshi's final-minute accumulator at the close tick (`last_60s_windowed_average_15min`), cents, and its window_size. */
  readonly finalCents: number | null;
  readonly finalSize: number | null;
  /** Kalshi's trailing `avg_60s_data` of the first tick after the close, which covers the same 60 ticks, cents. */
  readonly avg60Cents: number | null;
}

export interface IndexAveragesCounters {
  /** Boundaries checked, and those where we had all 60 values. */
  windows: number;
  complete: number;
  /** Our average against Kalshi's final-minute one, and against the trailing one, where both had 60 ticks. */
  finalAgree: number;
  finalDisagree: number;
  avg60Agree: number;
  avg60Disagree: number;
}

interface Pending {
  sum: number;
  count: number;
  final: IndexAverage | null;
}

/** Money units (1/10,000 dollar) to whole price units of 10^-digits dollar, halves up: the settlement rule's rounding. */
const priceUnitsOf = (units: number, per: number) => averageCents(units, per);

/**
 * Kalshi's rule for strike and settlement, on the 1 Hz index values themselves: the simple
 * average of the values stamped in (close − 60 s, close] (Kalshi's cfbenchmarks channel docs: the
 * start-boundary tick excluded, the close tick included, counts :01 → 1 … :00 → 60). Each
 * boundary is checked against the two averages Kalshi sends, and agreement is counted: the
 * proof, live, that our 60 seconds are Kalshi's 60.
 */
export class IndexAverages {
  readonly counters: IndexAveragesCounters = { windows: 0, complete: 0, finalAgree: 0, finalDisagree: 0, avg60Agree: 0, avg60Disagree: 0 };
  last: IndexWindowCheck | null = null;
  private readonly pending = new Map<number, Pending>();

  /** Money units (1/10,000 dollar) in one price unit of the series: 100 for cents, 1 at 4 digits. */
  private readonly per: number;

  constructor(
    private readonly indexId: string,
    private readonly onCheck?: (c: IndexWindowCheck) => void,
    priceDigits = 2,
  ) {
    this.per = 10 ** Math.max(0, 4 - priceDigits);
  }

  onValue(v: IndexValue): void {
    if (v.channel !== "1hz" || v.indexId !== this.indexId) return;
    const t = v.sourceMs;
    // The first tick after a boundary finishes it; its trailing average covers the boundary's 60 ticks.
    for (const [close, p] of [...this.pending]) {
      if (t <= close * 1000) continue;
      this.pending.delete(close);
      this.finish(close, p, t <= close * 1000 + 1000 ? v.avg60 : null);
    }
    const close = Math.ceil(t / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS;
    if (t <= close * 1000 - 60_000) return;
    let p = this.pending.get(close);
    if (p === undefined) this.pending.set(close, (p = { sum: 0, count: 0, final: null }));
    p.sum += v.value;
    p.count++;
    if (v.finalMinute !== null) p.final = v.finalMinute;
  }

  private finish(close: number, p: Pending, avg60: IndexAverage | null): void {
    const c = this.counters;
    const check: IndexWindowCheck = {
      close,
      oursCents: p.count > 0 ? averageCents(p.sum, this.per * p.count) : null,
      count: p.count,
      finalCents: p.final === null ? null : priceUnitsOf(p.final.value, this.per),
      finalSize: p.final?.size ?? null,
      avg60Cents: avg60 === null ? null : priceUnitsOf(avg60.value, this.per),
    };
    c.windows++;
    if (p.count === 60) {
      c.complete++;
      if (check.finalCents !== null && check.finalSize === 60) c[check.finalCents === check.oursCents ? "finalAgree" : "finalDisagree"]++;
      if (check.avg60Cents !== null && avg60?.size === 60) c[check.avg60Cents === check.oursCents ? "avg60Agree" : "avg60Disagree"]++;
    }
    this.last = check;
    this.onCheck?.(check);
  }
}
