import type { ExchangeName, FeedsConfig } from "../config.ts";
import type { ExchangeAdapter } from "../frame.ts";
import { BinanceUsAdapter } from "./binanceus.ts";
import { BitstampAdapter } from "./bitstamp.ts";
import { CoinbaseAdapter } from "./coinbase.ts";
import { KrakenAdapter } from "./kraken.ts";

export function exchangeAdapter(name: ExchangeName, c: FeedsConfig): ExchangeAdapter {
  switch (name) {
    case "coinbase":
      return new CoinbaseAdapter(c.coinbase.wsUrl, c.coinbase.product);
    case "binanceus":
      return new BinanceUsAdapter(c.binanceus.wsUrl, c.binanceus.symbol, c.binanceus.bookTicker);
    case "kraken":
      return new KrakenAdapter(c.kraken.wsUrl, c.kraken.symbol);
    case "bitstamp":
      return new BitstampAdapter(c.bitstamp.wsUrl, c.bitstamp.pair);
  }
}
