import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Money, formatDecimal } from "../../../domain/money.ts";
import type { Side } from "../../../domain/settlement.ts";
import { type CsvValue, writeCsv } from "../../../store/csv.ts";
import { priceScale, priceText } from "../../../domain/price-scale.ts";

/** One minute of one market: the quote known at `minuteTs` (a candle's close at its end). */
export interface QuoteDayRow {
  readonly minuteTs: number;
  readonly ticker: string;
  readonly yesBid: Money | null;
  readonly yesAsk: Money | null;
  readonly openTs: number;
  readonly closeTs: number;
  /** Strike and settlement in the series' price units (cents for BTC). */
  readonly strikeCents: number | null;
  readonly result: Side | null;
  readonly settlementCents: number | null;
  readonly volume: number | null;
}

/** The columns the quote reader (history/quotes-csv.ts) reads by name. */
export const QUOTE_COLUMNS = ["minute_ts", "ticker", "yes_bid", "yes_ask", "open_ts", "close_ts", "floor_strike", "result", "expiration_value", "volume"] as const;

/** The backtest's price format. */
export const BAR_COLUMNS = ["timestamp_unix_seconds", "open", "high", "low", "close", "volume"] as const;

/** A one-minute BTC/USD bar: open time and prices as the exchange wrote them. */
export interface MinuteBar {
  readonly t: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

/** A strike or settlement value in the series' units, as decimal dollars at its decimals. */
const price = (c: number | null, digits: number): string => (c === null ? "" : priceText(c, priceScale(digits)));
const dollars = (m: Money | null): string => (m === null ? "" : formatDecimal(m));

export function writeQuoteDay(path: string, rows: readonly QuoteDayRow[], digits = 2): number {
  mkdirSync(dirname(path), { recursive: true });
  return writeCsv(path, QUOTE_COLUMNS, rows.map((r): CsvValue[] => [r.minuteTs, r.ticker, dollars(r.yesBid), dollars(r.yesAsk), r.openTs, r.closeTs, price(r.strikeCents, digits), r.result ?? "", price(r.settlementCents, digits), r.volume ?? ""]));
}

export function writeBtcDay(path: string, bars: readonly MinuteBar[]): number {
  mkdirSync(dirname(path), { recursive: true });
  return writeCsv(path, BAR_COLUMNS, bars.map((b) => [b.t, b.open, b.high, b.low, b.close, b.volume]));
}
