import type { CoinProducts } from "../domain/series.ts";

export type { CoinProducts } from "../domain/series.ts";

/** The exchanges with a WebSocket adapter (each also has a REST ticker). */
export const EXCHANGES = ["coinbase", "binanceus", "kraken", "bitstamp"] as const;
export type ExchangeName = (typeof EXCHANGES)[number];

/** A place in the failover order: an exchange's WebSocket, or "rest" for the REST pollers. */
export type OrderEntry = ExchangeName | "rest";

export interface ExchangeConfig {
  enabled: boolean;
  wsUrl: string;
  /** Base URL of the REST API (ticker, candles). */
  restUrl: string;
  /** Terminate a socket that sent no message at all for this long. */
  quietTimeoutMs: number;
}

/**
 * The feeds section of the configuration. The zod schema in src/config/feeds-schema.ts produces
 * exactly this shape; the type lives here because the feeds layer may not import src/config.
 */
export interface FeedsConfig {
  mode: "composite" | "failover";
  order: OrderEntry[];
  /** A source whose last price is older than this is not used. */
  stalenessMs: number;
  /** How often the index re-evaluates sources (failover switches, REST fallback). */
  superviseIntervalMs: number;
  failover: {
    /** Switch away from a source at most this long after its last price. */
    switchDeadlineMs: number;
    /** A better source must stay live this long before we switch back to it. */
    failbackAfterMs: number;
  };
  connection: {
    handshakeTimeoutMs: number;
    pingIntervalMs: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
  };
  guard: {
    /** A price further than this fraction from the source's previous price is rejected. */
    maxJumpFraction: number;
    /** The previous price is trusted as a reference for this long. */
    jumpWindowMs: number;
  };
  rest: {
    enabled: boolean;
    sources: ExchangeName[];
    pollIntervalMs: number;
    timeoutMs: number;
  };
  coinbase: ExchangeConfig & { product: string };
  binanceus: ExchangeConfig & { symbol: string; bookTicker: boolean };
  kraken: ExchangeConfig & { symbol: string; restPair: string };
  bitstamp: ExchangeConfig & { pair: string };
  warmStart: {
    enabled: boolean;
    /** Seconds of history to rebuild (Coinbase serves at most 300 one-minute candles). */
    seconds: number;
    timeoutMs: number;
  };
}

/** Diagnostic lines; they never carry secrets (feeds have none). */
export type FeedLog = (level: "debug" | "info" | "warn", msg: string) => void;

/**
 * The coins the feeds carry, each with its product on every exchange. Bitcoin's products are the
 * configuration's own (`coinbase.product`, `kraken.symbol`…, which a config file may change); the
 * other coins' come from the series table (domain/series.ts). Without a list: Bitcoin alone.
 */
export function feedCoins(c: FeedsConfig, coins?: readonly CoinProducts[]): CoinProducts[] {
  const btc: CoinProducts = { coin: "BTC", coinbase: c.coinbase.product, binanceus: c.binanceus.symbol, kraken: c.kraken.symbol, krakenRest: c.kraken.restPair, bitstamp: c.bitstamp.pair };
  if (coins === undefined || coins.length === 0) return [btc];
  return coins.map((p) => (p.coin === "BTC" ? btc : p));
}

/** Each coin's product on one exchange, coin → product. */
export function productsOn(exchange: ExchangeName, coins: readonly CoinProducts[]): Record<string, string> {
  return Object.fromEntries(coins.map((p) => [p.coin, p[exchange]]));
}
