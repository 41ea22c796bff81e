import { MoneyError, type Money, UNITS_PER_DOLLAR, parseDollars } from "../domain/money.ts";
import type { Side } from "../domain/settlement.ts";
import { TickerError, parseTicker } from "../domain/window.ts";
import { priceScale, unitsOf } from "../domain/price-scale.ts";
import { quoteAroundMid } from "./assumed-spread.ts";
import { HistoryError } from "./files.ts";

/**
 * Parses historical Kalshi quotes: CSV with a header, columns found by name. Required:
 * `minute_ts` (unix seconds; the quote holds from then until the ticker's next row), `ticker`,
 * and either `yes_bid` and `yes_ask` (dollars) or `yes_mid` alone (a spread is then assumed).
 * Optional: `result` (yes/no), `floor_strike` and `expiration_value` (dollars), `open_ts`,
 * `close_ts`, `volume` (not read). A bad row is skipped and counted by reason with its file and
 * line; a bad optional field is ignored and counted, and the row's quote is kept.
 */

/** One quote of one market: YES bid and ask in money units, null for an empty side. */
export interface QuoteRow {
  /** Unix seconds from which this quote holds. */
  readonly t: number;
  readonly bid: Money | null;
  readonly ask: Money | null;
  /** True when bid and ask were made from a mid with the assumed spread. */
  readonly assumed: boolean;
}

/** What a row says about its market beside the quote (null when the row leaves it empty). */
export interface RowFacts {
  readonly result: Side | null;
  readonly strikeCents: number | null;
  readonly settlementCents: number | null;
  readonly openTs: number | null;
  readonly closeTs: number | null;
}

export interface QuoteParseCounters {
  /** Data rows seen (header and blank lines excluded). */
  rows: number;
  quotes: number;
  /** Quotes made from a mid with the assumed spread. */
  assumed: number;
  skipped: number;
  readonly reasons: Record<string, number>;
  /** Optional fields that could not be read; their rows were kept. */
  readonly ignored: Record<string, number>;
  /** Price fields between 1 and 100: cents (Kalshi's old unit) where dollars are expected. */
  centsLike: number;
  /** Quotes whose YES bid is at or above their YES ask. */
  crossed: number;
  /** The first few problems, as "file:line: reason: row". */
  readonly examples: string[];
}

export type QuoteRowHandler = (ticker: string, row: QuoteRow, facts: RowFacts, where: string) => void;

const MAX_EXAMPLES = 5;
const PRICE_COLUMNS = "yes_bid and yes_ask, or yes_mid";

interface Columns {
  ts: number;
  ticker: number;
  bid: number;
  ask: number;
  mid: number;
  result: number;
  strike: number;
  settlement: number;
  open: number;
  close: number;
  count: number;
}

export class QuoteCsvParser {
  readonly counters: QuoteParseCounters = { rows: 0, quotes: 0, assumed: 0, skipped: 0, reasons: {}, ignored: {}, centsLike: 0, crossed: 0, examples: [] };
  private carry = "";
  private lineNo = 0;
  private columns: Columns | null = null;

  /**
   * @param source the file name used in messages
   * @param spread the assumed YES ask − YES bid for mid-only rows, money units
   */
  constructor(
    private readonly source: string,
    private readonly spread: Money,
    private readonly onRow: QuoteRowHandler,
    /** The series' price decimals: floor_strike and expiration_value are read to them (2: cents). */
    private readonly priceDigits = 2,
  ) {}

  push(text: string): void {
    const data = this.carry + text;
    let from = 0;
    let nl = data.indexOf("\n");
    while (nl !== -1) {
      this.line(data.slice(from, nl));
      from = nl + 1;
      nl = data.indexOf("\n", from);
    }
    this.carry = data.slice(from);
  }

  end(): void {
    if (this.carry.length > 0) this.line(this.carry);
    this.carry = "";
    if (this.columns === null) throw new HistoryError(`${this.source}: empty file; expected a header with minute_ts, ticker and ${PRICE_COLUMNS}`);
  }

  private line(raw: string): void {
    this.lineNo++;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() === "") return;
    if (this.columns === null) {
      this.columns = header(this.source, text);
      return;
    }
    this.counters.rows++;
    const c = this.columns;
    const f = text.split(",").map(field);
    if (f.length < c.count) return this.skip("fewer columns than the header", text);
    const t = Number(f[c.ts]);
    if (!Number.isInteger(t) || t < 0 || f[c.ts] === "") return this.skip("minute_ts is not whole seconds", text);
    if (t > 1e11) return this.skip("minute_ts looks like milliseconds, not seconds", text);
    const ticker = f[c.ticker]!;
    try {
      parseTicker(ticker);
    } catch (e) {
      if (e instanceof TickerError) return this.skip("not a 15-minute market ticker", text);
      throw e;
    }
    const row = this.quote(f, c, t);
    if (typeof row === "string") return this.skip(row, text);
    this.counters.quotes++;
    if (row.assumed) this.counters.assumed++;
    if (row.bid !== null && row.ask !== null && row.bid >= row.ask) this.counters.crossed++;
    this.onRow(ticker, row, this.facts(f, c, text), `${this.source}:${this.lineNo}`);
  }

  /** The row's quote, or the reason it has none. */
  private quote(f: string[], c: Columns, t: number): QuoteRow | string {
    const bidText = c.bid < 0 ? "" : f[c.bid]!;
    const askText = c.ask < 0 ? "" : f[c.ask]!;
    const midText = c.mid < 0 ? "" : f[c.mid]!;
    for (const v of [bidText, askText, midText]) {
      const x = Number(v);
      if (v !== "" && x > 1 && x <= 100) {
        this.counters.centsLike++;
        break;
      }
    }
    if (bidText !== "" || askText !== "") {
      const bid = price(bidText, "yes_bid");
      const ask = price(askText, "yes_ask");
      if (typeof bid === "string") return bid;
      if (typeof ask === "string") return ask;
      // Kalshi shows an empty side as a bid of 0 or an ask of 1.
      return { t, bid: bid === null || bid === 0 ? null : bid, ask: ask === null || ask === UNITS_PER_DOLLAR ? null : ask, assumed: false };
    }
    if (midText === "") return "no price";
    const mid = price(midText, "yes_mid");
    if (typeof mid === "string") return mid;
    if (mid === null || mid <= 0 || mid >= UNITS_PER_DOLLAR) return "yes_mid outside (0, 1)";
    const { bid, ask } = quoteAroundMid(mid, this.spread);
    return { t, bid, ask, assumed: true };
  }

  private facts(f: string[], c: Columns, text: string): RowFacts {
    const get = (i: number) => (i < 0 ? "" : (f[i] ?? ""));
    const resultText = get(c.result).toLowerCase();
    let result: Side | null = null;
    if (resultText === "yes" || resultText === "no") result = resultText;
    else if (resultText !== "") this.ignore("result not yes or no", text);
    return {
      result,
      strikeCents: this.cents(get(c.strike), "floor_strike", text),
      settlementCents: this.cents(get(c.settlement), "expiration_value", text),
      openTs: this.seconds(get(c.open), "open_ts", text),
      closeTs: this.seconds(get(c.close), "close_ts", text),
    };
  }

  private cents(s: string, name: string, text: string): number | null {
    if (s === "") return null;
    const v = centsOf(s, this.priceDigits);
    if (v === null) this.ignore(`${name} is not a dollar amount`, text);
    return v;
  }

  private seconds(s: string, name: string, text: string): number | null {
    if (s === "") return null;
    const v = Number(s);
    if (Number.isInteger(v) && v >= 0 && v < 1e11) return v;
    this.ignore(`${name} is not whole seconds`, text);
    return null;
  }

  private skip(reason: string, text: string): void {
    const c = this.counters;
    c.skipped++;
    c.reasons[reason] = (c.reasons[reason] ?? 0) + 1;
    this.example(reason, text);
  }

  private ignore(reason: string, text: string): void {
    this.counters.ignored[reason] = (this.counters.ignored[reason] ?? 0) + 1;
    this.example(reason, text);
  }

  private example(reason: string, text: string): void {
    const e = this.counters.examples;
    if (e.length < MAX_EXAMPLES) e.push(`${this.source}:${this.lineNo}: ${reason}: ${text.slice(0, 120)}`);
  }
}

/** A field without surrounding spaces or double quotes (no field in these files holds a comma). */
function field(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

function header(source: string, text: string): Columns {
  const names = text.replace(/^\uFEFF/, "").split(",").map((s) => field(s).toLowerCase());
  const at = (n: string) => names.indexOf(n);
  const c: Columns = {
    ts: at("minute_ts"),
    ticker: at("ticker"),
    bid: at("yes_bid"),
    ask: at("yes_ask"),
    mid: at("yes_mid"),
    result: at("result"),
    strike: at("floor_strike"),
    settlement: at("expiration_value"),
    open: at("open_ts"),
    close: at("close_ts"),
    count: 0,
  };
  const missing = [c.ts < 0 ? "minute_ts" : "", c.ticker < 0 ? "ticker" : ""].filter(Boolean);
  if (missing.length > 0) throw new HistoryError(`${source}:1: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (header: ${text.slice(0, 120)})`);
  const bidAsk = c.bid >= 0 && c.ask >= 0;
  if (!bidAsk && c.mid < 0) throw new HistoryError(`${source}:1: needs the columns ${PRICE_COLUMNS} (header: ${text.slice(0, 120)})`);
  if (!bidAsk) c.bid = c.ask = -1; // one of the pair alone is not a quote
  c.count = Math.max(c.ts, c.ticker, c.bid, c.ask, c.mid) + 1;
  return c;
}

/** A YES price in [0, 1] dollars; null when empty; a reason when malformed. */
function price(s: string, name: string): Money | null | string {
  if (s === "") return null;
  let p: Money;
  try {
    p = parseDollars(s);
  } catch (e) {
    if (e instanceof MoneyError) return `${name} is not a dollar amount`;
    throw e;
  }
  return p < 0 || p > UNITS_PER_DOLLAR ? `${name} outside [0, 1]` : p;
}

/** "64839.26" (or with more decimals, rounded half up) to integer cents, or to units of 10^-digits dollar; null when malformed. */
export function centsOf(s: string, digits = 2): number | null {
  if (!/^\d+(?:\.\d+)?$/.test(s)) return null;
  const units = unitsOf(s, priceScale(digits))!;
  return Number.isSafeInteger(units) ? units : null;
}
