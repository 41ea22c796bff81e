import { type CoinProducts, type ExchangeName, type FeedsConfig, feedCoins } from "./config.ts";
import { isObject, midOr, num } from "./frame.ts";

/** One exchange's REST ticker: where to ask, and how to read the reply into a price. */
export interface RestTicker {
  readonly exchange: ExchangeName;
  readonly coin: string;
  readonly usd: boolean;
  readonly url: string;
  read(body: unknown): number;
}

/** The REST tickers of feeds-reference.md §5; each read returns NaN (refused) when the reply lacks a price. */
export function restTicker(exchange: ExchangeName, c: FeedsConfig, products: CoinProducts = feedCoins(c)[0]!): RestTicker {
  const coin = products.coin;
  switch (exchange) {
    case "coinbase":
      return {
        exchange,
        coin,
        usd: true,
        url: `${trim(c.coinbase.restUrl)}/products/${products.coinbase}/ticker`,
        read: (b) => (isObject(b) ? midOr(num(b.bid), num(b.ask), num(b.price)) : NaN),
      };
    case "binanceus":
      return {
        exchange,
        coin,
        usd: false,
        url: `${trim(c.binanceus.restUrl)}/api/v3/ticker/price?symbol=${products.binanceus.toUpperCase()}`,
        read: (b) => (isObject(b) ? num(b.price) : NaN),
      };
    case "kraken":
      return {
        exchange,
        coin,
        usd: true,
        url: `${trim(c.kraken.restUrl)}/0/public/Ticker?pair=${products.krakenRest}`,
        read: readKrakenTicker,
      };
    case "bitstamp":
      return {
        exchange,
        coin,
        usd: true,
        url: `${trim(c.bitstamp.restUrl)}/api/v2/ticker/${products.bitstamp}/`,
        read: (b) => (isObject(b) ? midOr(num(b.bid), num(b.ask), num(b.last)) : NaN),
      };
  }
}

/** Kraken keys the result by its canonical pair name (XXBTZUSD for XBTUSD): take the first key. */
function readKrakenTicker(b: unknown): number {
  if (!isObject(b)) return NaN;
  if (Array.isArray(b.error) && b.error.length > 0) throw new Error(`kraken: ${b.error.join(", ")}`);
  const result = b.result;
  if (!isObject(result)) return NaN;
  const t = Object.values(result)[0];
  if (!isObject(t)) return NaN;
  const first = (v: unknown) => (Array.isArray(v) ? num(v[0]) : NaN);
  return midOr(first(t.b), first(t.a), first(t.c));
}

export function trim(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}
