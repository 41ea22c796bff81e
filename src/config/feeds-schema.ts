import { z } from "zod";
import { int } from "./fields.ts";
import { EXCHANGES, type FeedsConfig as FeedsConfigShape } from "../feeds/config.ts";

const wsUrl = (def: string) => z.string().regex(/^wss?:\/\/\S+$/, { error: "must be a ws:// or wss:// URL" }).default(def);
const restUrl = (def: string) => z.string().regex(/^https?:\/\/\S+$/, { error: "must be an http:// or https:// URL" }).default(def);
const exchange = z.enum(EXCHANGES, { error: `must be one of ${EXCHANGES.join(", ")}` });

/** The settings every exchange has; each section adds its symbol. */
function exchangeBase(ws: string, rest: string, quietMs: number) {
  return {
    enabled: z.boolean().default(true),
    wsUrl: wsUrl(ws),
    restUrl: restUrl(rest),
    /** Terminate a socket that sent nothing at all for this long (heartbeats count). */
    quietTimeoutMs: int(100, 600_000, quietMs),
  };
}

/** Live price feeds: sources, order, mode, staleness, URLs (../shared/docs/feeds-reference.md). */
export const feedsConfigSchema = z
  .object({
    /** composite: median of the fresh sources; failover: the first live source in `order`. */
    mode: z.enum(["composite", "failover"], { error: "must be composite or failover" }).default("composite"),
    order: z
      .array(z.enum([...EXCHANGES, "rest"], { error: `must list sources among ${EXCHANGES.join(", ")}, rest` }))
      .min(1)
      .refine((a) => new Set(a).size === a.length, { error: "must not name a source twice" })
      .default(["coinbase", "binanceus", "kraken", "bitstamp", "rest"]),
    stalenessMs: int(100, 60_000, 2000),
    superviseIntervalMs: int(20, 1000, 250),
    failover: z
      .object({
        /** The specification: switch within 3 s of the current source going stale or dropping. */
        switchDeadlineMs: int(200, 3000, 3000),
        failbackAfterMs: int(0, 600_000, 5000),
      })
      .strict()
      .prefault({}),
    connection: z
      .object({
        handshakeTimeoutMs: int(100, 60_000, 5000),
        pingIntervalMs: int(50, 600_000, 5000),
        backoffBaseMs: int(10, 60_000, 1000),
        backoffMaxMs: int(10, 600_000, 16_000),
      })
      .strict()
      .prefault({}),
    guard: z
      .object({
        maxJumpFraction: z.number().gt(0).max(1).default(0.05),
        jumpWindowMs: int(0, 3_600_000, 10_000),
      })
      .strict()
      .prefault({}),
    rest: z
      .object({
        enabled: z.boolean().default(true),
        sources: z.array(exchange).default(["coinbase", "kraken", "binanceus"]),
        pollIntervalMs: int(100, 60_000, 1000),
        timeoutMs: int(100, 60_000, 2000),
      })
      .strict()
      .prefault({}),
    coinbase: z
      .object({
        ...exchangeBase("wss://ws-feed.exchange.coinbase.com", "https://api.exchange.coinbase.com", 10_000),
        product: z.string().min(1).default("BTC-USD"),
      })
      .strict()
      .prefault({}),
    binanceus: z
      .object({
        ...exchangeBase("wss://stream.binance.us:9443/ws/btcusdt@trade", "https://api.binance.us", 30_000),
        symbol: z.string().min(1).default("btcusdt"),
        bookTicker: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    kraken: z
      .object({
        ...exchangeBase("wss://ws.kraken.com/v2", "https://api.kraken.com", 10_000),
        symbol: z.string().min(1).default("BTC/USD"),
        restPair: z.string().min(1).default("XBTUSD"),
      })
      .strict()
      .prefault({}),
    bitstamp: z
      .object({
        ...exchangeBase("wss://ws.bitstamp.net", "https://www.bitstamp.net", 30_000),
        pair: z.string().min(1).default("btcusd"),
      })
      .strict()
      .prefault({}),
    warmStart: z
      .object({
        enabled: z.boolean().default(true),
        seconds: int(60, 18_000, 1800),
        timeoutMs: int(100, 60_000, 5000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((c) => c.connection.backoffBaseMs <= c.connection.backoffMaxMs, { error: "connection.backoffBaseMs must not exceed connection.backoffMaxMs", path: ["connection", "backoffBaseMs"] })
  .refine((c) => c.superviseIntervalMs < c.failover.switchDeadlineMs, { error: "must be below failover.switchDeadlineMs", path: ["superviseIntervalMs"] });

/** The validated feeds section; the same shape the feeds layer declares for itself. */
export type FeedsConfig = FeedsConfigShape;
// Compile-time proof that the schema produces the feeds layer's shape.
const _shape: (c: z.infer<typeof feedsConfigSchema>) => FeedsConfigShape = (c) => c;

/** Environment variables that set a value of this section: name → path inside the section. */
export const FEEDS_ENV: Readonly<Record<string, string>> = {
  BTC15_FEEDS_MODE: "mode",
  BTC15_FEEDS_ORDER: "order",
  BTC15_FEEDS_STALENESS_MS: "stalenessMs",
  BTC15_FEEDS_REST_ENABLED: "rest.enabled",
  BTC15_FEEDS_WARM_START: "warmStart.enabled",
  BTC15_COINBASE_ENABLED: "coinbase.enabled",
  BTC15_COINBASE_WS_URL: "coinbase.wsUrl",
  BTC15_COINBASE_REST_URL: "coinbase.restUrl",
  BTC15_BINANCEUS_ENABLED: "binanceus.enabled",
  BTC15_BINANCEUS_WS_URL: "binanceus.wsUrl",
  BTC15_BINANCEUS_REST_URL: "binanceus.restUrl",
  BTC15_KRAKEN_ENABLED: "kraken.enabled",
  BTC15_KRAKEN_WS_URL: "kraken.wsUrl",
  BTC15_KRAKEN_REST_URL: "kraken.restUrl",
  BTC15_BITSTAMP_ENABLED: "bitstamp.enabled",
  BTC15_BITSTAMP_WS_URL: "bitstamp.wsUrl",
  BTC15_BITSTAMP_REST_URL: "bitstamp.restUrl",
};
