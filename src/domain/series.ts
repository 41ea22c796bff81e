import { UserError } from "./errors.ts";

/**
 * Kalshi's 15-minute crypto up/down series that btc15 trades: one row per series, every value
 * with where it came from (docs/series.md gives the sources in full). All four share the rules of
 * KXBTC15M (kalshi-reference.md §1): a window every quarter-hour, its ticker naming the close in
 * US Eastern time, strike and settlement the simple average of the 60 one-second values of the
 * coin's CF Benchmarks Real-Time Index before the open and before the close, YES iff settlement ≥
 * strike. What differs is the coin, its index, each exchange's product and the strike's rounding.
 *
 * Sources, as keyed in docs/series.md:
 *   [FIX]  kalshi-reference.md §1: verbatim GET /markets/{ticker} and /series/KXBTC15M replies.
 *   [K10]  kalshi-reference.md §10: the index ids ETHUSD_RTI, SOLUSD_RTI, XRPUSD_RTI, and "strike
 *          decimals differ: read custom_strike.round_digits".
 *   [S1]   an unattributed public settlement-mechanics audit (2026-08-01) quoting each series'
 *          rules from Kalshi's API: rounding BTC/ETH 2 dp, SOL/XRP 4 dp.
 *   [RH]   an unattributed public project citing Robinhood's event pages for the same contracts:
 *          precision BTC 2, SOL 4, XRP 4 stated; ETH not stated (its target shows 2 decimals).
 *   [TS]   an unattributed public TypeScript table: BTC 2, ETH 2, SOL 2 (!), XRP 4, "the
 *          market's own value wins": it disagrees on SOL.
 * No verbatim ETH, SOL or XRP market payload was found, so their rounding is UNCONFIRMED: the
 * live runner reads `custom_strike.round_digits` (or the decimals of `floor_strike`) from each
 * series' current market at start and uses the market's when it differs (and says so).
 */
export interface SeriesSpec {
  /** The series ticker and the prefix of its markets' tickers. */
  readonly ticker: string;
  /** The coin, as people and the console name it. */
  readonly coin: string;
  /** The index Kalshi settles on, as its WebSocket names it (`cfbenchmarks_value` index_id). */
  readonly index: string;
  /** The same index as the market's rules text spells it ("ETHUSDRTI"). */
  readonly indexInRules: string;
  /** Decimal places the strike and the settlement value are rounded to: the engine's price unit is 10^-digits dollar. */
  readonly priceDigits: number;
  /** Where the rounding comes from; "UNCONFIRMED …" when no verbatim market payload says it. */
  readonly priceDigitsSource: string;
  /** Each exchange's product for the coin against the US dollar (Binance.US: against USDT). */
  readonly products: CoinProducts;
}

/** One coin's product on each exchange btc15 reads (feeds-reference.md; docs/series.md). */
export interface CoinProducts {
  readonly coin: string;
  /** Coinbase Exchange product id, WebSocket and REST: "BTC-USD". */
  readonly coinbase: string;
  /** Binance.US symbol, lower case (streams) — a USDT pair: "btcusdt". */
  readonly binanceus: string;
  /** Kraken WebSocket v2 symbol: "BTC/USD". */
  readonly kraken: string;
  /** Kraken REST pair (Ticker, OHLC): "XBTUSD"; the reply is keyed by the canonical name (XXBTZUSD). */
  readonly krakenRest: string;
  /** Bitstamp pair (live_trades_<pair>, /api/v2/ticker/<pair>/): "btcusd". */
  readonly bitstamp: string;
}

export const SERIES: readonly SeriesSpec[] = [
  {
    ticker: "KXBTC15M",
    coin: "BTC",
    index: "BRTI",
    indexInRules: "BRTI",
    priceDigits: 2,
    priceDigitsSource: "confirmed: custom_strike.round_digits \"2\" and rules_secondary \"rounded to the nearest 2 decimal places\" [FIX]",
    products: { coin: "BTC", coinbase: "BTC-USD", binanceus: "btcusdt", kraken: "BTC/USD", krakenRest: "XBTUSD", bitstamp: "btcusd" },
  },
  {
    ticker: "KXETH15M",
    coin: "ETH",
    index: "ETHUSD_RTI",
    indexInRules: "ETHUSDRTI",
    priceDigits: 2,
    priceDigitsSource: "UNCONFIRMED: 2 dp per [S1] and [TS]; [RH] shows a 2-decimal target without stating it; no verbatim market payload seen",
    products: { coin: "ETH", coinbase: "ETH-USD", binanceus: "ethusdt", kraken: "ETH/USD", krakenRest: "ETHUSD", bitstamp: "ethusd" },
  },
  {
    ticker: "KXSOL15M",
    coin: "SOL",
    index: "SOLUSD_RTI",
    indexInRules: "SOLUSDRTI",
    priceDigits: 4,
    priceDigitsSource: "UNCONFIRMED: 4 dp per [S1] and [RH] (a target of 73.4302), 2 dp per [TS]; no verbatim market payload seen",
    products: { coin: "SOL", coinbase: "SOL-USD", binanceus: "solusdt", kraken: "SOL/USD", krakenRest: "SOLUSD", bitstamp: "solusd" },
  },
  {
    ticker: "KXXRP15M",
    coin: "XRP",
    index: "XRPUSD_RTI",
    indexInRules: "XRPUSDRTI",
    priceDigits: 4,
    priceDigitsSource: "UNCONFIRMED: 4 dp per [S1], [RH] and [TS]; no verbatim market payload seen (a coin near $2: cents would be 0.5% steps)",
    products: { coin: "XRP", coinbase: "XRP-USD", binanceus: "xrpusdt", kraken: "XRP/USD", krakenRest: "XRPUSD", bitstamp: "xrpusd" },
  },
];

const BY_TICKER = new Map(SERIES.map((s) => [s.ticker, s]));
/** The series btc15 knows, as an error names them. */
const KNOWN = SERIES.map((s) => s.ticker).join(", ");

export class UnknownSeriesError extends UserError {
  override name = "UnknownSeriesError";
}

/** The row of a series, or a UserError naming the series btc15 knows. */
export function seriesSpec(ticker: string): SeriesSpec {
  const s = BY_TICKER.get(ticker.trim().toUpperCase());
  if (s === undefined) throw new UnknownSeriesError(`unknown series ${JSON.stringify(ticker)}: btc15 knows ${KNOWN}`);
  return s;
}

export function isKnownSeries(ticker: string): boolean {
  return BY_TICKER.has(ticker);
}

/** The series a market ticker belongs to ("KXETH15M-26APR271445-45" → KXETH15M), or null. */
export function seriesOfTicker(ticker: string): SeriesSpec | null {
  const prefix = ticker.split("-", 1)[0] ?? "";
  return BY_TICKER.get(prefix) ?? null;
}

/**
 * A list of series as a user gives it ("KXBTC15M,KXETH15M", or an array), upper-cased, without
 * repeats, each known; throws naming the unknown ones and the known ones.
 */
export function parseSeriesList(input: string | readonly string[]): string[] {
  const items = (typeof input === "string" ? input.split(",") : [...input]).map((s) => s.trim().toUpperCase()).filter((s) => s !== "");
  if (items.length === 0) throw new UnknownSeriesError(`no series given: btc15 knows ${KNOWN}`);
  const unknown = items.filter((s) => !BY_TICKER.has(s));
  if (unknown.length) throw new UnknownSeriesError(`unknown series ${unknown.join(", ")}: btc15 knows ${KNOWN}`);
  return [...new Set(items)];
}
