import { type Money, UNITS_PER_DOLLAR } from "../domain/money.ts";
import type { Quote, QuoteMiss, QuoteMissReason } from "../domain/quote.ts";
import type { Side } from "../domain/settlement.ts";
import type { Window } from "../domain/window.ts";
import type { MarketSource } from "./market.ts";

/** One recorded quote: YES bid and ask (money units, null for an empty side) holding from `t`. */
export interface RecordedQuote {
  readonly t: number;
  readonly bid: Money | null;
  readonly ask: Money | null;
  /** Made from a mid with an assumed spread. */
  readonly assumed?: boolean;
}

/** What the recording says about a market beyond its quotes. */
export interface RecordedMarketFacts {
  readonly result: Side | null;
  readonly strikeCents: number | null;
  readonly settlementCents?: number | null;
}

/** Quotes by ticker (ascending by time) and market facts by ticker: what history/quote-files.ts reads. */
export interface QuoteTape {
  readonly quotes: ReadonlyMap<string, readonly RecordedQuote[]>;
  readonly markets: ReadonlyMap<string, RecordedMarketFacts>;
}

export interface RecordedMarketParams {
  /**
   * Contracts assumed available at the quoted ask on each side: the recording has prices, not
   * depth. An order for more fills partly.
   */
  readonly depth: number;
  /** A quote older than this many seconds is not used (the recording has a row a minute). */
  readonly maxAgeSeconds: number;
  /**
   * A row labelled L is usable from L + this many seconds: 0 when the label is the instant the
   * quote was read (files `btc15 fetch` writes); more when a recorder wrote under L quotes it read
   * later (the shared March mids: the last poll of a row lies up to ~10 s after its label).
   */
  readonly quoteDelaySeconds?: number;
}

/** 100 contracts at the ask; quotes up to 120 s old (one missed minute row); usable from their label. */
export const DEFAULT_RECORDED_MARKET: RecordedMarketParams = { depth: 100, maxAgeSeconds: 120, quoteDelaySeconds: 0 };

export interface RecordedMarketCounters {
  lookups: number;
  quotes: number;
  /** Quotes whose bid and ask came from a mid with an assumed spread. */
  assumedQuotes: number;
  missing: number;
  stale: number;
  empty: number;
  crossed: number;
}

/**
 * The market as recorded: for window w at second t, the latest recorded quote of w's ticker
 * usable by t (labelled at or before t − quoteDelaySeconds; never a later one), as a Quote with `depth` contracts at the YES ask and at the
 * NO ask (1 − YES bid). No quote when the ticker has no row yet, when the row is older than
 * `maxAgeSeconds`, when both sides are empty, or when bid ≥ ask; the miss says which.
 * Official results and strikes are released only once the market would have published them.
 */
export class RecordedMarket implements MarketSource {
  readonly name = "kalshi-recorded";
  readonly counters: RecordedMarketCounters = { lookups: 0, quotes: 0, assumedQuotes: 0, missing: 0, stale: 0, empty: 0, crossed: 0 };
  private readonly quotes: ReadonlyMap<string, readonly RecordedQuote[]>;
  private readonly asked = new Set<string>();
  private readonly quoted = new Set<string>();
  // The last lookup, so that walking forward through a window costs O(1) per second.
  private cursorTicker = "";
  private cursor = -1;
  private readonly built = new Map<RecordedQuote, Quote>();
  private readonly delay: number;

  constructor(
    private readonly tape: QuoteTape,
    private readonly params: RecordedMarketParams = DEFAULT_RECORDED_MARKET,
  ) {
    if (!(Number.isInteger(params.depth) && params.depth >= 1)) throw new RangeError(`depth must be a whole number of contracts ≥ 1: ${params.depth}`);
    if (!(params.maxAgeSeconds >= 0)) throw new RangeError(`maxAgeSeconds must be ≥ 0: ${params.maxAgeSeconds}`);
    this.delay = params.quoteDelaySeconds ?? 0;
    if (!(Number.isInteger(this.delay) && this.delay >= 0)) throw new RangeError(`the quote delay must be whole seconds ≥ 0: ${params.quoteDelaySeconds}`);
    const sorted = new Map<string, readonly RecordedQuote[]>();
    for (const [ticker, rows] of tape.quotes) {
      const inOrder = rows.every((r, i) => i === 0 || rows[i - 1]!.t < r.t);
      sorted.set(ticker, inOrder ? rows : [...rows].sort((a, b) => a.t - b.t));
    }
    this.quotes = sorted;
  }

  quote(t: number, window: Window, _fairValueUp?: number): Quote | QuoteMiss {
    this.counters.lookups++;
    const ticker = window.ticker;
    this.asked.add(ticker);
    const rows = this.quotes.get(ticker);
    // A row is usable from its label plus the delay: the latest row labelled at or before t − delay.
    const i = rows === undefined ? -1 : this.latestAtOrBefore(ticker, rows, t - this.delay);
    if (rows === undefined || i < 0) return this.miss("missing", ticker, t, null);
    const row = rows[i]!;
    const age = t - (row.t + this.delay);
    if (age > this.params.maxAgeSeconds) return this.miss("stale", ticker, t, age);
    if (row.bid === null && row.ask === null) return this.miss("empty", ticker, t, age);
    if (row.bid !== null && row.ask !== null && row.bid >= row.ask) return this.miss("crossed", ticker, t, age);
    this.counters.quotes++;
    if (row.assumed) this.counters.assumedQuotes++;
    this.quoted.add(ticker);
    return this.build(ticker, row);
  }

  /** Kalshi's official result of `window`, known only from its close on; null without one. */
  officialResult(window: Window, t: number): Side | null {
    return t < window.close ? null : (this.tape.markets.get(window.ticker)?.result ?? null);
  }

  /** The official settlement value (`expiration_value`) in cents, from the close on, when recorded. */
  officialSettlementCents(window: Window, t: number): number | null {
    return t < window.close ? null : (this.tape.markets.get(window.ticker)?.settlementCents ?? null);
  }

  /** Kalshi's strike (`floor_strike`) in cents, from the open on, when recorded. */
  strikeCents(window: Window, t: number): number | null {
    return t < window.open ? null : (this.tape.markets.get(window.ticker)?.strikeCents ?? null);
  }

  /** The recorded result settles a window at its close, instead of our own average. */
  outcomeAtClose(ticker: string): { result: Side; settlementCents: number | null; source: string } | null {
    const m = this.tape.markets.get(ticker);
    return m?.result ? { result: m.result, settlementCents: m.settlementCents ?? null, source: "file" } : null;
  }

  /** The recorded strike: the engine asks only about windows already open. */
  officialStrike(ticker: string): number | null {
    return this.tape.markets.get(ticker)?.strikeCents ?? null;
  }

  /** Distinct windows asked about. */
  get windowsAsked(): number {
    return this.asked.size;
  }

  /** Distinct windows that got at least one quote. */
  get windowsQuoted(): number {
    return this.quoted.size;
  }

  /** Distinct windows asked about that never got a quote (not traded). */
  get windowsWithoutQuotes(): number {
    return this.asked.size - this.quoted.size;
  }

  private miss(why: QuoteMissReason & keyof RecordedMarketCounters, ticker: string, t: number, ageSeconds: number | null): QuoteMiss {
    this.counters[why]++;
    const age = ageSeconds === null ? "" : ` (recorded ${ageSeconds} s before)`;
    const detail = why === "missing" ? `no recorded quote for ${ticker} yet` : why === "stale" ? `recorded quote too old${age}, limit ${this.params.maxAgeSeconds} s` : why === "empty" ? `recorded book empty${age}` : `recorded quote crossed: bid ≥ ask${age}`;
    return { kind: "miss", why, detail };
  }

  /** Index of the last row with time ≤ t, or −1. */
  private latestAtOrBefore(ticker: string, rows: readonly RecordedQuote[], t: number): number {
    let i = this.cursorTicker === ticker ? this.cursor : -1;
    if (i >= 0 && rows[i]!.t <= t) {
      while (i + 1 < rows.length && rows[i + 1]!.t <= t) i++;
    } else {
      let lo = 0;
      let hi = rows.length - 1;
      i = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (rows[mid]!.t <= t) {
          i = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
    }
    this.cursorTicker = ticker;
    this.cursor = i;
    return i;
  }

  /** Quotes are immutable: one object per recorded row of the current window. */
  private build(ticker: string, row: RecordedQuote): Quote {
    let q = this.built.get(row);
    if (q !== undefined) return q;
    if (this.built.size > 64) this.built.clear();
    const depth = this.params.depth;
    q = {
      ticker,
      source: this.name,
      yes: { bid: row.bid, asks: row.ask === null ? [] : [{ price: row.ask, size: depth }] },
      no: { bid: row.ask === null ? null : UNITS_PER_DOLLAR - row.ask, asks: row.bid === null ? [] : [{ price: UNITS_PER_DOLLAR - row.bid, size: depth }] },
    };
    this.built.set(row, q);
    return q;
  }
}
