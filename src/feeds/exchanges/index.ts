import { type CoinProducts, type ExchangeName, type FeedsConfig, productsOn } from "../config.ts";
import type { ExchangeAdapter } from "../frame.ts";
import { BinanceUsAdapter } from "./binanceus.ts";
import { BitstampAdapter } from "./bitstamp.ts";
import { CoinbaseAdapter } from "./coinbase.ts";
import { KrakenAdapter } from "./kraken.ts";

/** One exchange's adapter, its one connection carrying every coin of `coins`. */
export function exchangeAdapter(name: ExchangeName, c: FeedsConfig, coins: readonly CoinProducts[]): ExchangeAdapter {
  const products = productsOn(name, coins);
  switch (name) {
    case "coinbase":
      return new CoinbaseAdapter(c.coinbase.wsUrl, products);
    case "binanceus":
      return new BinanceUsAdapter(c.binanceus.wsUrl, products, c.binanceus.bookTicker);
    case "kraken":
      return new KrakenAdapter(c.kraken.wsUrl, products);
    case "bitstamp":
      return new BitstampAdapter(c.bitstamp.wsUrl, products);
  }
}
