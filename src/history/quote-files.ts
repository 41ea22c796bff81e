import { createReadStream } from "node:fs";
import { basename } from "node:path";
import type { Side } from "../domain/settlement.ts";
import { HistoryError, MAX_BAD_SHARE } from "./files.ts";
import { type QuoteParseCounters, type QuoteRow, QuoteCsvParser, type RowFacts } from "./quotes-csv.ts";

/** What the files say about one market, beside its quotes. */
export interface MarketFacts {
  readonly ticker: string;
  /** Kalshi's official outcome, when given (and not contradicted by another row). */
  result: Side | null;
  /** `floor_strike` in cents. */
  strikeCents: number | null;
  /** `expiration_value` in cents. */
  settlementCents: number | null;
  openTs: number | null;
  closeTs: number | null;
}

export interface QuoteFileStats extends QuoteParseCounters {
  readonly files: readonly string[];
  /** The spread assumed for mid-only rows (cents), or null when no row needed it. */
  assumedSpreadCents: number | null;
  tickers: number;
  /** Markets with an official result. */
  results: number;
  /** Fields two rows of one market disagreed on (the value is then dropped), by field. */
  readonly conflicts: Record<string, number>;
  /** Markets whose rows were not in time order (they are sorted). */
  reordered: number;
  first: number | null;
  last: number | null;
}

/** Quotes by ticker, each list ascending by time with one row per second at most. */
export interface QuoteHistory {
  readonly quotes: ReadonlyMap<string, readonly QuoteRow[]>;
  readonly markets: ReadonlyMap<string, MarketFacts>;
  readonly stats: QuoteFileStats;
}

export interface QuoteReadOptions {
  /** The spread assumed for rows that give only `yes_mid`, cents (default 2). */
  readonly assumeSpreadCents?: number;
  /** The series' price decimals (domain/series.ts): strikes and settlement values are read to them. Default 2 (cents). */
  readonly priceDigits?: number;
}

export const DEFAULT_ASSUMED_SPREAD_CENTS = 2;

const FACT_FIELDS = ["result", "strikeCents", "settlementCents", "openTs", "closeTs"] as const;
const FACT_NAMES: Record<FactField, string> = { result: "result", strikeCents: "floor_strike", settlementCents: "expiration_value", openTs: "open_ts", closeTs: "close_ts" };
const DUPLICATE = "duplicate minute_ts for the ticker";

/**
 * Reads quote files (several, in any order; rows of one market may be spread over files and
 * out of order: each market's rows are sorted by time, and a second row for the same second is
 * dropped, the first read kept). Streams each file; holds only the parsed quotes.
 */
export async function readQuoteFiles(paths: readonly string[], options: QuoteReadOptions = {}): Promise<QuoteHistory> {
  const spreadCents = options.assumeSpreadCents ?? DEFAULT_ASSUMED_SPREAD_CENTS;
  if (!(spreadCents >= 0.1 && spreadCents <= 50) || Math.abs(spreadCents * 100 - Math.round(spreadCents * 100)) > 1e-9) {
    throw new HistoryError(`the assumed spread must be between 0.1 and 50 cents in steps of 0.01: ${spreadCents}`);
  }
  if (paths.length === 0) throw new HistoryError("no quote files given");
  const quotes = new Map<string, QuoteRow[]>();
  const markets = new Map<string, MarketFacts>();
  const conflicted = new Set<string>();
  const unsorted = new Set<string>();
  const stats: QuoteFileStats = {
    files: paths.map((p) => basename(p)),
    rows: 0, quotes: 0, assumed: 0, skipped: 0, reasons: {}, ignored: {}, centsLike: 0, crossed: 0, examples: [],
    assumedSpreadCents: null, tickers: 0, results: 0, conflicts: {}, reordered: 0, first: null, last: null,
  };
  const note = (text: string) => {
    if (stats.examples.length < 5) stats.examples.push(text);
  };

  const onRow = (ticker: string, row: QuoteRow, facts: RowFacts, where: string) => {
    let rows = quotes.get(ticker);
    if (rows === undefined) quotes.set(ticker, (rows = []));
    const last = rows.at(-1);
    if (last !== undefined && row.t === last.t) {
      stats.quotes--;
      if (row.assumed) stats.assumed--;
      skip(stats, DUPLICATE);
      note(`${where}: ${DUPLICATE}: ${ticker} ${row.t}`);
      return;
    }
    if (last !== undefined && row.t < last.t) unsorted.add(ticker);
    rows.push(row);
    let m = markets.get(ticker);
    if (m === undefined) markets.set(ticker, (m = { ticker, result: null, strikeCents: null, settlementCents: null, openTs: null, closeTs: null }));
    for (const k of FACT_FIELDS) {
      const v = facts[k];
      if (v === null || conflicted.has(`${ticker} ${k}`)) continue;
      if (m[k] === null) setFact(m, k, v);
      else if (m[k] !== v) {
        conflicted.add(`${ticker} ${k}`);
        setFact(m, k, null);
        stats.conflicts[FACT_NAMES[k]] = (stats.conflicts[FACT_NAMES[k]] ?? 0) + 1;
        note(`${where}: ${FACT_NAMES[k]} differs from an earlier row of ${ticker}; dropped for that market`);
      }
    }
  };

  for (const path of paths) {
    const parser = new QuoteCsvParser(basename(path), spreadCents * 100, onRow, options.priceDigits ?? 2);
    try {
      for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 })) parser.push(chunk as string);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new HistoryError(`cannot read ${path}: ${code ?? (e as Error).message}`);
    }
    parser.end();
    const c = parser.counters;
    checkQuotes(path, c);
    stats.centsLike += c.centsLike;
    stats.crossed += c.crossed;
    stats.rows += c.rows;
    stats.quotes += c.quotes;
    stats.assumed += c.assumed;
    stats.skipped += c.skipped;
    for (const [k, v] of Object.entries(c.reasons)) stats.reasons[k] = (stats.reasons[k] ?? 0) + v;
    for (const [k, v] of Object.entries(c.ignored)) stats.ignored[k] = (stats.ignored[k] ?? 0) + v;
    for (const e of c.examples) note(e);
  }

  for (const ticker of unsorted) {
    const sorted = quotes.get(ticker)!.slice().sort((a, b) => a.t - b.t); // stable: the first read stays first
    const kept: QuoteRow[] = [];
    for (const r of sorted) {
      if (kept.at(-1)?.t !== r.t) {
        kept.push(r);
        continue;
      }
      stats.quotes--;
      if (r.assumed) stats.assumed--;
      skip(stats, DUPLICATE);
      note(`${ticker} ${r.t}: ${DUPLICATE}`);
    }
    quotes.set(ticker, kept);
  }
  stats.reordered = unsorted.size;
  stats.tickers = quotes.size;
  stats.assumedSpreadCents = stats.assumed > 0 ? spreadCents : null;
  for (const m of markets.values()) if (m.result !== null) stats.results++;
  for (const rows of quotes.values()) {
    const a = rows[0]!.t;
    const b = rows.at(-1)!.t;
    if (stats.first === null || a < stats.first) stats.first = a;
    if (stats.last === null || b > stats.last) stats.last = b;
  }
  return { quotes, markets, stats };
}

const CENTS_HINT = "its prices look like cents (Kalshi's old unit, e.g. 56); btc15 reads dollars, as Kalshi's API now gives them (0.5600): divide the price columns by 100";

/**
 * Refuses a quote file as price files are refused: more than MAX_BAD_SHARE of bad rows (naming
 * the first), prices in cents, or books that are all crossed. A trade simulated against the few
 * rows left would be a figure about nothing.
 */
function checkQuotes(path: string, c: QuoteParseCounters): void {
  if (c.skipped > MAX_BAD_SHARE * c.rows) {
    const reasons = Object.entries(c.reasons).map(([k, n]) => `${n} ${k}`).join(", ");
    const hint = c.centsLike > c.skipped / 2 ? `; ${CENTS_HINT}` : "";
    throw new HistoryError(`${path}: ${c.skipped} of ${c.rows} quote rows are bad (${reasons})${hint}; first:\n  ${c.examples.slice(0, 3).join("\n  ")}`);
  }
  if (c.quotes > 0 && c.crossed === c.quotes) {
    throw new HistoryError(`${path}: every one of its ${c.quotes} quotes is crossed (YES bid at or above YES ask): are yes_bid and yes_ask swapped?`);
  }
}

type FactField = (typeof FACT_FIELDS)[number];

function setFact<K extends FactField>(m: MarketFacts, k: K, v: MarketFacts[K]): void {
  m[k] = v;
}

function skip(stats: QuoteFileStats, reason: string): void {
  stats.skipped++;
  stats.reasons[reason] = (stats.reasons[reason] ?? 0) + 1;
}
