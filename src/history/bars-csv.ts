/**
 * Parses price history in the format `timestamp_unix_seconds,open,high,low,close[,volume]`
 * (bar open time, UTC seconds). Text arrives in chunks of any size. A row that is malformed,
 * non-positive, absurd (above MAX_PRICE), inconsistent (high below low...), not after the
 * previous one, or a jump no real market makes (see JUMP) is skipped and counted by reason;
 * the first few are kept with their line numbers for warnings and error messages.
 */
export type BarHandler = (t: number, open: number, high: number, low: number, close: number) => void;

export interface BarParseCounters {
  rows: number;
  bars: number;
  skipped: number;
  readonly reasons: Record<string, number>;
  /** The line of the first row skipped for each reason. */
  readonly firstLines: Record<string, number>;
  readonly examples: string[];
}

const MAX_EXAMPLES = 5;

/** No asset this reads (BTC, ETH, SOL in dollars) is anywhere near ten million dollars: a bigger number is a corrupt row. */
export const MAX_PRICE = 10_000_000;

/**
 * A bar's open and close must lie within a factor 1.2 of the last accepted close: a real BTC
 * minute (or hour) never moves 20 %. After a longer gap in the file the allowed factor grows like
 * volatility, with the square root of the gap: 1.2^√(hours), about ×2.4 after a day. A row
 * beyond it (a price ×1e9, a stray 1e300) is skipped, and a level change that persists makes
 * every later row fail too, so the whole file is refused rather than silently cut.
 */
export const JUMP = 1.2;
const JUMP_SECONDS = 3600;
const jumpReason = `price jumps more than ${Math.round((JUMP - 1) * 100)}% from the previous bar`;

export class BarCsvParser {
  readonly counters: BarParseCounters = { rows: 0, bars: 0, skipped: 0, reasons: {}, firstLines: {}, examples: [] };
  private carry = "";
  private lineNo = 0;
  private lastT = -Infinity;
  private lastClose = 0;
  /** The open and close a next bar may have (none before the first). */
  private low = 0;
  private high = Infinity;
  private sawFirst = false;

  constructor(private readonly source: string, private readonly onBar: BarHandler) {}

  push(text: string): void {
    const data = this.carry + text;
    let from = 0;
    let nl = data.indexOf("\n");
    while (nl !== -1) {
      this.line(data, from, nl);
      from = nl + 1;
      nl = data.indexOf("\n", from);
    }
    this.carry = from === 0 ? data : data.slice(from);
  }

  end(): void {
    if (this.carry.length > 0) this.line(this.carry, 0, this.carry.length);
    this.carry = "";
  }

  /** The timestamp of the last accepted bar (−Infinity before any). */
  get lastTimestamp(): number {
    return this.lastT;
  }

  private line(data: string, start: number, end: number): void {
    this.lineNo++;
    if (end > start && data.charCodeAt(end - 1) === 13) end--; // CRLF
    if (end <= start) return;
    const c0 = data.charCodeAt(start);
    if (!this.sawFirst) {
      this.sawFirst = true;
      if (c0 < 48 || c0 > 57) {
        const header = data.slice(start, end).toLowerCase();
        if (!header.startsWith("timestamp") && !header.startsWith("time")) this.skip("unrecognised header", header.slice(0, 60));
        return;
      }
    }
    this.counters.rows++;
    const c1 = data.indexOf(",", start);
    const c2 = c1 < 0 || c1 >= end ? -1 : data.indexOf(",", c1 + 1);
    const c3 = c2 < 0 || c2 >= end ? -1 : data.indexOf(",", c2 + 1);
    const c4 = c3 < 0 || c3 >= end ? -1 : data.indexOf(",", c3 + 1);
    if (c4 < 0 || c4 >= end) return this.skip("fewer than 5 columns", data.slice(start, end));
    let c5 = data.indexOf(",", c4 + 1);
    if (c5 < 0 || c5 > end) c5 = end;
    const t = decimal(data, start, c1);
    const open = decimal(data, c1 + 1, c2);
    const high = decimal(data, c2 + 1, c3);
    const low = decimal(data, c3 + 1, c4);
    const close = decimal(data, c4 + 1, c5);
    if (!Number.isInteger(t) || t < 0) return this.skip("timestamp is not whole seconds", data.slice(start, end));
    if (t > 1e11) return this.skip("timestamp looks like milliseconds, not seconds", data.slice(start, end));
    if (!(open > 0 && high > 0 && low > 0 && close > 0) || !Number.isFinite(high)) return this.skip("price not a positive number", data.slice(start, end));
    if (high < low || high < open || high < close || low > open || low > close) return this.skip("high/low do not bound open/close", data.slice(start, end));
    if (high > MAX_PRICE) return this.skip("price above 10,000,000", data.slice(start, end));
    if (t <= this.lastT) return this.skip(t === this.lastT ? "duplicate timestamp" : "timestamp out of order", data.slice(start, end));
    let lo = this.low;
    let hi = this.high;
    if (t - this.lastT > JUMP_SECONDS && this.lastClose > 0) {
      const f = JUMP ** Math.sqrt((t - this.lastT) / JUMP_SECONDS);
      lo = this.lastClose / f;
      hi = this.lastClose * f;
    }
    if (open < lo || open > hi || close < lo || close > hi) return this.skip(jumpReason, data.slice(start, end));
    this.lastT = t;
    this.lastClose = close;
    this.low = close * (1 / JUMP); // the bounds for the next bar within the hour, computed once here
    this.high = close * JUMP;
    this.counters.bars++;
    this.onBar(t, open, high, low, close);
  }

  private skip(reason: string, text: string): void {
    const c = this.counters;
    c.skipped++;
    c.reasons[reason] = (c.reasons[reason] ?? 0) + 1;
    c.firstLines[reason] ??= this.lineNo;
    if (c.examples.length < MAX_EXAMPLES) c.examples.push(`${this.source}:${this.lineNo}: ${reason}: ${text.slice(0, 100)}`);
  }
}

/**
 * Bars parsed from one chunk, held in columns until they are replayed. Parsing a chunk and then
 * replaying it in a separate loop keeps each loop small enough to compile well: calling the
 * whole trading engine from inside the parser's inner loop is a third slower.
 */
export class BarBatch {
  n = 0;
  private t: Float64Array;
  private o: Float64Array;
  private h: Float64Array;
  private l: Float64Array;
  private c: Float64Array;
  /** Pass to BarCsvParser as its handler. */
  readonly add: BarHandler = (t, open, high, low, close) => {
    if (this.n === this.t.length) this.grow();
    const i = this.n++;
    this.t[i] = t;
    this.o[i] = open;
    this.h[i] = high;
    this.l[i] = low;
    this.c[i] = close;
  };

  constructor(capacity = 32_768) {
    this.t = new Float64Array(capacity);
    this.o = new Float64Array(capacity);
    this.h = new Float64Array(capacity);
    this.l = new Float64Array(capacity);
    this.c = new Float64Array(capacity);
  }

  /** Hands every bar held to `handler`, in order, and empties the batch. */
  replay(handler: BarHandler): void {
    const { t, o, h, l, c } = this;
    for (let i = 0; i < this.n; i++) handler(t[i]!, o[i]!, h[i]!, l[i]!, c[i]!);
    this.n = 0;
  }

  /** Sum of the closes held (the benchmark's floor consumes the batch with it). */
  sumOfCloses(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += this.c[i]!;
    this.n = 0;
    return s;
  }

  private grow(): void {
    const size = this.t.length * 2;
    const bigger = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.t = bigger(this.t);
    this.o = bigger(this.o);
    this.h = bigger(this.h);
    this.l = bigger(this.l);
    this.c = bigger(this.c);
  }
}

const MAX_EXACT = 2 ** 53;

/**
 * The number written in data[start, end). Plain decimals ("96466.11") are read from the
 * characters without making a string; the result equals Number() exactly, because the digits
 * form an exact integer and dividing it by an exact power of ten rounds once. Anything else
 * (a sign, an exponent, more than 15 digits) falls back to Number(); an empty field is NaN.
 */
export function decimal(data: string, start: number, end: number): number {
  if (start >= end) return NaN;
  let mantissa = 0;
  let scale = 1;
  let digits = 0;
  let i = start;
  for (; i < end; i++) {
    const d = data.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    digits++;
  }
  if (i < end && data.charCodeAt(i) === 46) {
    for (i++; i < end; i++) {
      const d = data.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      scale *= 10;
      digits++;
    }
  }
  if (i !== end || digits === 0 || mantissa >= MAX_EXACT) {
    const s = data.slice(start, end).trim();
    return s === "" ? NaN : Number(s);
  }
  return scale === 1 ? mantissa : mantissa / scale;
}
