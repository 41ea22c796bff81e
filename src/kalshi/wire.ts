import { z } from "zod";
import { HUNDREDTHS_PER_CONTRACT, fromHundredths } from "../domain/contracts.ts";
import { type Money, UNITS_PER_DOLLAR, parseDollars } from "../domain/money.ts";
import type { BookLevel } from "../domain/quote.ts";
import type { Side } from "../domain/settlement.ts";
import type { BidBook } from "../domain/book.ts";
import type { PriceRange } from "../domain/ticks.ts";
import { type PriceScale, decimalsOf, priceScale, unitsOf as priceUnits } from "../domain/price-scale.ts";

/**
 * Kalshi's replies, read at the boundary into exact money. Field names follow the 2026 API
 * (fixed-point `*_dollars` strings and `*_fp` counts); the removed integer-cent fields are never read.
 */
export class KalshiParseError extends Error {
  override name = "KalshiParseError";
}

/** What a market says about itself. Prices 0 and 1 (an empty side) read as null. */
export interface KalshiMarket {
  readonly ticker: string;
  readonly status: string;
  /** "yes"/"no" once determined; null before (or for anything else). */
  readonly result: Side | null;
  /** Unix seconds. */
  readonly openTime: number;
  readonly closeTime: number;
  /**
   * Kalshi's strike (`floor_strike`) in the series' price units (cents at 2 digits, see
   * domain/price-scale.ts), or null while it is not set.
   */
  readonly strikeCents: number | null;
  /** The official settlement average (`expiration_value`) in the same units, or null. */
  readonly expirationCents: number | null;
  /**
   * The decimals Kalshi rounds this market's strike to: `custom_strike.round_digits` when given,
   * else the decimals `floor_strike` was written with (a lower bound); null when neither says.
   */
  readonly roundDigits: number | null;
  /** `roundDigits` came from `custom_strike.round_digits` (a statement), not from how `floor_strike` was written. */
  readonly roundDigitsStated: boolean;
  readonly yesBid: Money | null;
  readonly yesAsk: Money | null;
  readonly noBid: Money | null;
  readonly noAsk: Money | null;
  /** The tick structure; null when the reply lacks it. */
  readonly priceRanges: readonly PriceRange[] | null;
  /** The exchange shard the market lives on (`exchange_index`); null when the reply lacks it. */
  readonly exchangeIndex: number | null;
}

const decimal = z.union([z.string(), z.number()]).transform((v) => String(v));

const marketSchema = z.object({
  ticker: z.string().min(1),
  status: z.string(),
  open_time: z.string(),
  close_time: z.string(),
  result: z.string().nullish(),
  floor_strike: decimal.nullish(),
  expiration_value: decimal.nullish(),
  yes_bid_dollars: decimal.nullish(),
  yes_ask_dollars: decimal.nullish(),
  no_bid_dollars: decimal.nullish(),
  no_ask_dollars: decimal.nullish(),
  price_ranges: z.array(z.object({ start: decimal, end: decimal, step: decimal })).nullish(),
  // Read only for its round_digits: an odd shape is no reason to refuse the market.
  custom_strike: z.object({ round_digits: z.union([z.string(), z.number()]).nullish() }).nullish().catch(null),
  // A shard index that is not a whole number ≥ 0 reads as unknown: orders are then auto-routed.
  exchange_index: z.number().int().nonnegative().nullish().catch(null),
});

function isoSeconds(text: string, field: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new KalshiParseError(`market ${field} is not a time: ${JSON.stringify(text)}`);
  return Math.round(ms / 1000);
}

/** `custom_strike.round_digits`, a whole number from 0 to 8, or null. */
function statedRoundDigits(roundDigits: string | number | null | undefined): number | null {
  const stated = roundDigits === null || roundDigits === undefined || String(roundDigits).trim() === "" ? NaN : Number(roundDigits);
  return Number.isInteger(stated) && stated >= 0 && stated <= 8 ? stated : null;
}

/** `custom_strike.round_digits`, else the decimals `floor_strike` carries; null when neither says. */
function roundDigitsOf(roundDigits: string | number | null | undefined, floorStrike: string | null | undefined): number | null {
  const stated = statedRoundDigits(roundDigits);
  if (stated !== null) return stated;
  return floorStrike === null || floorStrike === undefined || floorStrike.trim() === "" ? null : decimalsOf(floorStrike);
}

/** Units of `scale` from a decimal text, rounded half up; null when empty (a price the engine reads). */
function unitsOf(text: string | null | undefined, scale: PriceScale): number | null {
  try {
    return priceUnits(text, scale);
  } catch {
    throw new KalshiParseError(`not a decimal price: ${JSON.stringify(text)}`);
  }
}

function quotePrice(text: string | null | undefined): Money | null {
  if (text === null || text === undefined || text === "") return null;
  const p = parseDollars(text);
  return p <= 0 || p >= UNITS_PER_DOLLAR ? null : p;
}

/**
 * Dollars with up to six decimals (averages, fees) to units, rounded to the nearest 1/10000:
 * used only where Kalshi reports a derived figure, never for a book price.
 */
export function parseDollarsNear(text: string): Money {
  const m = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new KalshiParseError(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ""] = m;
  const padded = frac.padEnd(5, "0");
  let units = Number(whole) * UNITS_PER_DOLLAR + Number(padded.slice(0, 4));
  if (Number(padded[4]) >= 5) units++;
  return sign === "-" ? -units : units;
}

/**
 * Reads `{market}` from GET /markets/{ticker} (or one element of `{markets}`); strike and
 * settlement in units of 10^-digits dollar (the series' price unit; cents by default).
 */
export function parseMarket(json: unknown, digits = 2): KalshiMarket {
  const inner = json !== null && typeof json === "object" && "market" in json ? (json as { market: unknown }).market : json;
  const r = marketSchema.safeParse(inner);
  if (!r.success) throw new KalshiParseError(`market reply: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}`);
  const m = r.data;
  const result = m.result === "yes" || m.result === "no" ? m.result : null;
  const scale = priceScale(digits);
  return {
    ticker: m.ticker,
    status: m.status,
    result,
    openTime: isoSeconds(m.open_time, "open_time"),
    closeTime: isoSeconds(m.close_time, "close_time"),
    strikeCents: unitsOf(m.floor_strike, scale),
    expirationCents: unitsOf(m.expiration_value, scale),
    roundDigits: roundDigitsOf(m.custom_strike?.round_digits, m.floor_strike),
    roundDigitsStated: statedRoundDigits(m.custom_strike?.round_digits) !== null,
    yesBid: quotePrice(m.yes_bid_dollars),
    yesAsk: quotePrice(m.yes_ask_dollars),
    noBid: quotePrice(m.no_bid_dollars),
    noAsk: quotePrice(m.no_ask_dollars),
    priceRanges: m.price_ranges ? m.price_ranges.map((p) => ({ start: parseDollars(p.start), end: parseDollars(p.end), step: parseDollars(p.step) })) : null,
    exchangeIndex: m.exchange_index ?? null,
  };
}

/**
 * A fixed-point contract count ("12.00", "80.40") as a number of contracts, exact to the
 * hundredth (see domain/contracts.ts); a finer count is not Kalshi's format and is refused.
 */
export function parseCount(text: unknown): number {
  const s = typeof text === "number" ? String(text) : text;
  const m = typeof s === "string" ? /^(\d+)(?:\.(\d+))?$/.exec(s.trim()) : null;
  if (m === null || /[1-9]/.test((m[2] ?? "").slice(2))) throw new KalshiParseError(`not a contract count: ${JSON.stringify(text)}`);
  return fromHundredths(Number(m[1]) * HUNDREDTHS_PER_CONTRACT + Number((m[2] ?? "").slice(0, 2).padEnd(2, "0")));
}

/** Reads each item of a list on its own: one that throws is skipped and counted, one read as null is left out. */
function readEach<T>(raw: readonly unknown[], read: (item: unknown) => T | null): { items: T[]; skipped: number } {
  const items: T[] = [];
  let skipped = 0;
  for (const item of raw) {
    try {
      const v = read(item);
      if (v !== null) items.push(v);
    } catch {
      skipped++;
    }
  }
  return { items, skipped };
}

/** Levels `[price, count]` read one by one: a bad level is skipped and counted, never fatal. */
function parseLevels(raw: unknown): { levels: BookLevel[]; skipped: number } {
  if (raw === undefined || raw === null) return { levels: [], skipped: 0 };
  if (!Array.isArray(raw)) return { levels: [], skipped: 1 };
  const { items: levels, skipped } = readEach(raw, (level) => {
    if (!Array.isArray(level) || level.length < 2) throw new KalshiParseError("not a [price, count] pair");
    const price = parseDollars(String(level[0]));
    const size = parseCount(level[1]);
    if (price <= 0 || price >= UNITS_PER_DOLLAR) throw new KalshiParseError("price outside (0, 1)");
    return size > 0 ? { price, size } : null;
  });
  // The documentation says best-to-worst, live captures show ascending: sort rather than trust either.
  levels.sort((a, b) => a.price - b.price);
  return { levels, skipped };
}

/** Reads `{orderbook_fp: {yes_dollars, no_dollars}}` from GET /markets/{ticker}/orderbook. */
export function parseOrderbook(json: unknown): { book: BidBook; skipped: number } {
  const fp = json !== null && typeof json === "object" ? (json as Record<string, unknown>).orderbook_fp : undefined;
  if (fp === null || typeof fp !== "object") throw new KalshiParseError("order book reply has no orderbook_fp object");
  const o = fp as Record<string, unknown>;
  const yes = parseLevels(o.yes_dollars);
  const no = parseLevels(o.no_dollars);
  return { book: { yes: yes.levels, no: no.levels }, skipped: yes.skipped + no.skipped };
}

export interface KalshiPosition {
  readonly ticker: string;
  /** Positive: YES contracts; negative: NO contracts. */
  readonly contracts: number;
  readonly exposure: Money;
}

export interface KalshiPortfolio {
  /** The whole account, every shard together (`balance_dollars`). */
  readonly balance: Money;
  /** Each exchange shard's own balance (`balance_breakdown`); empty when Kalshi gave none. */
  readonly shards: ReadonlyMap<number, Money>;
  readonly positions: readonly KalshiPosition[];
}

export interface KalshiBalance {
  readonly balance: Money;
  readonly shards: ReadonlyMap<number, Money>;
}

const balanceSchema = z.object({
  balance: z.number().int().optional(),
  balance_dollars: z.union([z.string(), z.number()]).optional(),
  balance_breakdown: z.array(z.unknown()).nullish(),
});
const shardBalance = z.object({ exchange_index: z.number().int().nonnegative(), balance: z.union([z.string(), z.number()]) });

/**
 * GET /portfolio/balance: the total (`balance_dollars`, else `balance` in integer cents) and,
 * since collateral is held per exchange shard (2026-08), each shard's balance from
 * `balance_breakdown: [{exchange_index, balance}]` (fixed-point dollars). An unreadable shard
 * entry is left out: that shard then reads as holding nothing, which refuses orders there.
 */
export function parseBalance(json: unknown): KalshiBalance {
  const r = balanceSchema.safeParse(json);
  if (!r.success) throw new KalshiParseError("balance reply is not an object with balance fields");
  let balance: Money;
  if (r.data.balance_dollars !== undefined) balance = parseDollarsNear(String(r.data.balance_dollars));
  else if (r.data.balance !== undefined) balance = r.data.balance * 100;
  else throw new KalshiParseError("balance reply has neither balance_dollars nor balance");
  const shards = new Map<number, Money>();
  for (const entry of readEach(r.data.balance_breakdown ?? [], (e) => shardBalance.parse(e)).items) {
    shards.set(entry.exchange_index, (shards.get(entry.exchange_index) ?? 0) + parseDollarsNear(String(entry.balance)));
  }
  return { balance, shards };
}

const positionsSchema = z.object({
  market_positions: z.array(z.object({ ticker: z.string(), position_fp: decimal, market_exposure_dollars: decimal.nullish() })).nullish(),
  cursor: z.string().nullish(),
});

export function parsePositions(json: unknown): { positions: KalshiPosition[]; cursor: string | null } {
  const r = positionsSchema.safeParse(json);
  if (!r.success) throw new KalshiParseError(`positions reply: ${r.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  const positions = (r.data.market_positions ?? []).map((p) => ({
    ticker: p.ticker,
    contracts: parseSignedCount(p.position_fp),
    exposure: p.market_exposure_dollars ? parseDollarsNear(p.market_exposure_dollars) : 0,
  }));
  return { positions, cursor: r.data.cursor ? r.data.cursor : null };
}

/** One execution of our order, from GET /portfolio/fills or the `fill` channel. */
export interface KalshiFill {
  readonly orderId: string;
  readonly ticker: string;
  readonly side: Side;
  /** Price paid for the side bought (YES price for YES, NO price for NO). */
  readonly price: Money;
  readonly contracts: number;
  readonly fee: Money;
}

const fillSchema = z.object({
  order_id: z.string(),
  ticker: z.string().optional(),
  market_ticker: z.string().optional(),
  count_fp: decimal,
  yes_price_dollars: decimal,
  no_price_dollars: decimal.optional(),
  fee_cost: decimal.optional(),
  outcome_side: z.enum(["yes", "no"]),
});

function parseFill(json: unknown): KalshiFill {
  const r = fillSchema.safeParse(json);
  if (!r.success) throw new KalshiParseError(`fill: ${r.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  const f = r.data;
  const yesPrice = parseDollars(f.yes_price_dollars);
  const price = f.outcome_side === "yes" ? yesPrice : f.no_price_dollars ? parseDollars(f.no_price_dollars) : UNITS_PER_DOLLAR - yesPrice;
  return {
    orderId: f.order_id,
    ticker: f.ticker ?? f.market_ticker ?? "",
    side: f.outcome_side,
    price,
    contracts: parseCount(f.count_fp),
    fee: f.fee_cost ? parseDollarsNear(f.fee_cost) : 0,
  };
}

export function parseFills(json: unknown): KalshiFill[] {
  const fills = json !== null && typeof json === "object" ? (json as Record<string, unknown>).fills : undefined;
  if (!Array.isArray(fills)) throw new KalshiParseError("fills reply has no fills array");
  return fills.map(parseFill);
}

// ---- WebSocket frames (orderbook_delta, market_lifecycle_v2, fill channels) ----

/** One frame from Kalshi's WebSocket, read into exact money; anything unreadable says why. */
export type KalshiSocketFrame =
  | { readonly type: "subscribed"; readonly id: number | null; readonly channel: string; readonly sid: number }
  | { readonly type: "orderbook_snapshot"; readonly sid: number; readonly seq: number; readonly ticker: string; readonly book: BidBook; readonly skipped: number }
  | { readonly type: "orderbook_delta"; readonly sid: number; readonly seq: number; readonly ticker: string; readonly side: Side; readonly price: Money; readonly delta: number; readonly venueMs: number | null }
  | { readonly type: "market_lifecycle_v2"; readonly ticker: string; readonly eventType: string; readonly result: string | null }
  | { readonly type: "fill"; readonly fill: KalshiFill }
  | { readonly type: "error"; readonly code: string; readonly message: string }
  /** A well-formed frame of a type we do not act on (acknowledgements of other commands). */
  | { readonly type: "other" }
  /** A frame that failed validation; `ticker` when it named a market (a lost book message). */
  | { readonly type: "unreadable"; readonly frameType: string; readonly ticker: string | null; readonly reason: string };

const int = z.number().int();

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ");
}

/** A frame type's schema and how to read what passed it; the reader throws on what the schema cannot say. */
function frameReader<S extends z.ZodType>(schema: S, read: (f: z.output<S>) => KalshiSocketFrame): (json: unknown) => KalshiSocketFrame {
  return (json) => {
    const r = schema.safeParse(json);
    if (!r.success) throw new KalshiParseError(issues(r.error));
    return read(r.data);
  };
}

/** A signed fixed-point count ("-6.00", "3.00") as a number of contracts. */
function parseSignedCount(text: string): number {
  return (text.startsWith("-") ? -1 : 1) * parseCount(text.replace(/^[+-]/, ""));
}

const socketFrames: Readonly<Record<string, (json: unknown) => KalshiSocketFrame>> = {
  subscribed: frameReader(z.object({ id: int.nullish(), msg: z.object({ channel: z.string(), sid: int }) }), (f) => ({ type: "subscribed", id: f.id ?? null, channel: f.msg.channel, sid: f.msg.sid })),
  // Levels are read one by one (parseLevels), so one bad level does not lose the book.
  orderbook_snapshot: frameReader(z.object({ sid: int, seq: int, msg: z.object({ market_ticker: z.string().min(1), yes_dollars_fp: z.unknown().optional(), no_dollars_fp: z.unknown().optional() }) }), (f) => {
    const yes = parseLevels(f.msg.yes_dollars_fp);
    const no = parseLevels(f.msg.no_dollars_fp);
    return { type: "orderbook_snapshot", sid: f.sid, seq: f.seq, ticker: f.msg.market_ticker, book: { yes: yes.levels, no: no.levels }, skipped: yes.skipped + no.skipped };
  }),
  orderbook_delta: frameReader(
    z.object({
      sid: int,
      seq: int,
      msg: z.object({
        market_ticker: z.string().min(1),
        price_dollars: decimal,
        delta_fp: decimal,
        side: z.enum(["yes", "no"]),
        // The venue's own time is a nicety: a missing or odd one falls back to our receive time.
        ts_ms: z.union([z.number(), z.string()]).optional().catch(undefined),
      }),
    }),
    (f) => {
      const price = parseDollars(f.msg.price_dollars);
      if (price <= 0 || price >= UNITS_PER_DOLLAR) throw new KalshiParseError(`delta price outside (0, 1): ${f.msg.price_dollars}`);
      const venueMs = Number(f.msg.ts_ms);
      return { type: "orderbook_delta", sid: f.sid, seq: f.seq, ticker: f.msg.market_ticker, side: f.msg.side, price, delta: parseSignedCount(f.msg.delta_fp), venueMs: Number.isFinite(venueMs) && venueMs > 0 ? venueMs : null };
    },
  ),
  market_lifecycle_v2: frameReader(z.object({ msg: z.object({ market_ticker: z.string(), event_type: z.string(), result: z.string().nullish().catch(null) }) }), (f) => ({
    type: "market_lifecycle_v2",
    ticker: f.msg.market_ticker,
    eventType: f.msg.event_type,
    result: f.msg.result ?? null,
  })),
  fill: frameReader(z.object({ msg: z.unknown() }), (f) => ({ type: "fill", fill: parseFill(f.msg) })),
  error: frameReader(z.object({ msg: z.object({ code: z.union([z.number(), z.string()]).optional(), msg: z.string().optional() }) }), (f) => ({
    type: "error",
    code: String(f.msg.code ?? "?"),
    message: f.msg.msg ?? "",
  })),
};

const namedMarket = z.object({ msg: z.object({ market_ticker: z.string().min(1) }) });

/** Reads one parsed WebSocket frame; never throws. */
export function parseSocketFrame(json: unknown): KalshiSocketFrame {
  const type = json !== null && typeof json === "object" && !Array.isArray(json) ? (json as { type?: unknown }).type : undefined;
  if (typeof type !== "string") return { type: "unreadable", frameType: "(untyped)", ticker: null, reason: "not an object with a type" };
  const read = Object.hasOwn(socketFrames, type) ? socketFrames[type] : undefined;
  if (read === undefined) return { type: "other" };
  try {
    return read(json);
  } catch (e) {
    const named = namedMarket.safeParse(json);
    return { type: "unreadable", frameType: type, ticker: named.success ? named.data.msg.market_ticker : null, reason: (e as Error).message };
  }
}

// ---- Historical data for `btc15 fetch`: market lists, the live/historical cutoff, candlesticks ----

/** One page of GET /markets or GET /historical/markets: `{markets, cursor}`; a bad market is skipped and counted. */
export function parseMarketList(json: unknown, digits = 2): { markets: KalshiMarket[]; cursor: string | null; skipped: number } {
  const o = json !== null && typeof json === "object" ? (json as Record<string, unknown>) : {};
  if (!Array.isArray(o.markets)) throw new KalshiParseError("market list reply has no markets array");
  const { items: markets, skipped } = readEach(o.markets, (m) => parseMarket(m, digits));
  const cursor = typeof o.cursor === "string" && o.cursor !== "" ? o.cursor : null;
  return { markets, cursor, skipped };
}

/**
 * GET /historical/cutoff: markets settled before `market_settled_ts` live only under
 * /historical. The reference does not pin the field; Kalshi's OpenAPI names it
 * `market_settled_ts` (an ISO time). Read defensively: an ISO string or unix (milli)seconds;
 * null when absent or unreadable.
 */
export function parseHistoricalCutoff(json: unknown): number | null {
  const v = json !== null && typeof json === "object" ? (json as Record<string, unknown>).market_settled_ts : undefined;
  if (typeof v === "number" && Number.isFinite(v) && v > 0) return Math.floor(v > 1e11 ? v / 1000 : v);
  if (typeof v === "string" && v.trim() !== "") {
    if (/^\d+$/.test(v.trim())) return parseHistoricalCutoff({ market_settled_ts: Number(v) });
    const ms = Date.parse(v);
    return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
  }
  return null;
}

/** One one-minute candle: its end and the YES bid and ask at that end (the close). */
export interface KalshiCandle {
  /** Unix seconds: the inclusive end of the period; the close is the quote at that second. */
  readonly endTs: number;
  /** Close of the YES bid and ask as Kalshi gave them (0 and 1 mean an empty side); null when absent. */
  readonly yesBid: Money | null;
  readonly yesAsk: Money | null;
  /** Contracts traded in the period, when given. */
  readonly volume: number | null;
}

/**
 * GET /series/{s}/markets/{t}/candlesticks (`close_dollars`, `volume_fp`) or
 * /historical/markets/{t}/candlesticks (`close`, `volume`): `{ticker, candlesticks}`. A candle
 * without a readable end or with a price outside [0, 1] is skipped and counted.
 */
export function parseCandlesticks(json: unknown): { candles: KalshiCandle[]; skipped: number } {
  const o = json !== null && typeof json === "object" ? (json as Record<string, unknown>) : {};
  if (!Array.isArray(o.candlesticks)) throw new KalshiParseError("candlestick reply has no candlesticks array");
  const { items: candles, skipped } = readEach(o.candlesticks, (c): KalshiCandle => {
    if (c === null || typeof c !== "object") throw new KalshiParseError("not an object");
    const r = c as Record<string, unknown>;
    const endTs = Number(r.end_period_ts);
    if (!Number.isInteger(endTs) || endTs <= 0) throw new KalshiParseError("no end_period_ts");
    const volume = r.volume_fp ?? r.volume;
    return { endTs, yesBid: candleClose(r.yes_bid), yesAsk: candleClose(r.yes_ask), volume: volume === undefined || volume === null ? null : parseCount(volume) };
  });
  return { candles, skipped };
}

function candleClose(side: unknown): Money | null {
  if (side === null || typeof side !== "object") return null;
  const s = side as Record<string, unknown>;
  const v = s.close_dollars ?? s.close;
  if (v === undefined || v === null || v === "") return null;
  const p = parseDollars(String(v));
  if (p < 0 || p > UNITS_PER_DOLLAR) throw new KalshiParseError(`candle price outside [0, 1]: ${String(v)}`);
  return p;
}
