import type { EngineEvent } from "../../../domain/events.ts";

/** Quantiles of millisecond durations from a histogram (10 ms buckets up to 2 minutes): a month of books fits in it. */
class Durations {
  private static readonly BUCKET = 10;
  private readonly counts = new Uint32Array(12_001);
  n = 0;

  add(ms: number): void {
    if (!(ms >= 0)) return;
    this.counts[Math.min(this.counts.length - 1, Math.round(ms / Durations.BUCKET))]!++;
    this.n++;
  }

  quantile(q: number): number | null {
    if (this.n === 0) return null;
    const want = Math.ceil(q * this.n);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= want) return i * Durations.BUCKET;
    }
    return null;
  }
}

export interface Spread {
  readonly median: number | null;
  readonly p90: number | null;
}

/** What the recordings say about how the answer was measured. */
export interface RecordingFacts {
  readonly sessions: number;
  /** Sessions skipped because they traded the synthetic market (no Kalshi book recorded). */
  readonly synthetic_sessions_skipped: number;
  /** One-second prices fed, and those priced by the settlement index itself (recorded with a Kalshi key). */
  readonly seconds: number;
  readonly index_seconds: number;
  /** Book events with a book, by ticker: the time between one request and the next, and from request to receipt. */
  readonly books: number;
  readonly book_interval_ms: Spread;
  readonly book_latency_ms: Spread;
  /** Books lost (a dropped connection, a missed WebSocket message). */
  readonly books_lost: number;
}

/** Watches the recorded events on their way into the engine and keeps what the answer depends on. */
export class FactsWatcher {
  private readonly intervals = new Durations();
  private readonly latencies = new Durations();
  private readonly lastRequest = new Map<string, number>();
  sessions = 0;
  syntheticSkipped = 0;
  private seconds = 0;
  private indexSeconds = 0;
  private books = 0;
  private lost = 0;

  observe(e: EngineEvent): void {
    if (e.type === "second") {
      this.seconds++;
      if (e.source === "index") this.indexSeconds++;
    } else if (e.type === "book") {
      if (e.book === null) {
        this.lost++;
        this.lastRequest.delete(e.ticker);
        return;
      }
      this.books++;
      this.latencies.add(e.receivedMs - e.requestedMs);
      const before = this.lastRequest.get(e.ticker);
      if (before !== undefined) this.intervals.add(e.requestedMs - before);
      this.lastRequest.set(e.ticker, e.requestedMs);
      if (this.lastRequest.size > 16) this.lastRequest.delete(this.lastRequest.keys().next().value!);
    }
  }

  facts(): RecordingFacts {
    const spread = (d: Durations): Spread => ({ median: d.quantile(0.5), p90: d.quantile(0.9) });
    return {
      sessions: this.sessions,
      synthetic_sessions_skipped: this.syntheticSkipped,
      seconds: this.seconds,
      index_seconds: this.indexSeconds,
      books: this.books,
      book_interval_ms: spread(this.intervals),
      book_latency_ms: spread(this.latencies),
      books_lost: this.lost,
    };
  }
}
