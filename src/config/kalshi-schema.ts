import { z } from "zod";
import { int } from "./fields.ts";

function dollars(min: number, max: number, def: number) {
  return z
    .number({ error: `must be a dollar amount between ${min} and ${max}` })
    .min(min, { error: `must be between ${min} and ${max}` })
    .max(max, { error: `must be between ${min} and ${max}` })
    .default(def);
}


/** Kalshi's two exchanges: real money, and the demo exchange's play money (its own keys and URLs). */
export const KALSHI_ENVIRONMENTS = {
  production: { baseUrl: "https://external-api.kalshi.com/trade-api/v2", wsUrl: "wss://external-api-ws.kalshi.com/trade-api/ws/v2" },
  demo: { baseUrl: "https://external-api.demo.kalshi.co/trade-api/v2", wsUrl: "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2" },
} as const;

export type KalshiEnvironment = keyof typeof KALSHI_ENVIRONMENTS;

/**
 * Kalshi: where to reach it, how often to ask, how gently, and the hard limits on live orders.
 * Secrets (the API key id and private key path) are not settings: they come from the environment.
 */
export const kalshiConfigSchema = z
  .object({
    /** "production" (real money) or "demo" (Kalshi's demo exchange, play money): picks the URLs and the key variables. */
    env: z.enum(["production", "demo"], { error: "must be production or demo" }).default("production"),
    /** REST base URL with /trade-api/v2; default: the environment's. */
    baseUrl: z.string().regex(/^https?:\/\/[^/]/, { error: "must be a URL starting with http:// or https://" }).optional(),
    /** WebSocket URL; default: the environment's. */
    wsUrl: z.string().regex(/^wss?:\/\/[^/]/, { error: "must be a URL starting with ws:// or wss://" }).optional(),
    /**
     * The order-book channel's `use_yes_price`: NO levels in YES-leg prices. Kalshi's docs ask
     * integrations to move to it before it becomes the default and the flag is removed; false keeps
     * the legacy NO-leg prices while that is still offered.
     */
    bookUseYesPrice: z.boolean({ error: "must be true or false" }).default(true),
    /** With a key: the settlement index itself (CF Benchmarks via Kalshi's WebSocket) prices each second while it is fresh. */
    index: z
      .object({
        enabled: z.boolean({ error: "must be true or false" }).default(true),
        /** The index is stale (the exchange median takes over) when no value arrived, or the last one is older than this, ms. */
        staleMs: int(500, 60_000, 3_000),
      })
      .strict()
      .prefault({}),
    /** Every request gives up after this many ms. */
    requestTimeoutMs: int(100, 120_000, 5_000),
    /** REST order book poll while a window is open. */
    bookPollMs: int(100, 60_000, 1_000),
    /** A book older than this (ms) gives no quote: the engine records no_quote. */
    bookFreshnessMs: int(100, 60_000, 2_000),
    /** Market facts (status, strike, ticks) are fetched again after this many ms. */
    marketRefreshMs: int(1_000, 3_600_000, 30_000),
    /** Official result poll after a close. */
    resultPollMs: int(100, 600_000, 5_000),
    /** Stop polling for a result this long after the close (positions stay pending). */
    resultGiveUpMs: int(60_000, 7 * 86_400_000, 6 * 3_600_000),
    /** A WebSocket silent this long is reopened (Kalshi pings every 10 s). */
    wsStaleMs: int(1_000, 600_000, 30_000),
    rateLimit: z
      .object({
        /** Below Kalshi's Basic tier (200 read, 100 write tokens a second) to leave room. */
        readTokensPerSecond: int(10, 100_000, 100),
        writeTokensPerSecond: int(10, 100_000, 50),
        tokensPerRequest: int(1, 1_000, 10),
      })
      .strict()
      .prefault({}),
    backoff: z
      .object({
        baseMs: int(10, 60_000, 250),
        maxMs: int(100, 600_000, 8_000),
        maxRetries: int(0, 20, 4),
      })
      .strict()
      .prefault({}),
    /** Hard limits on live orders (dollars), checked on every order. */
    live: z
      .object({
        maxPerOrder: dollars(0.01, 100_000, 15),
        maxOpenExposure: dollars(0.01, 1_000_000, 30),
        maxDailyLoss: dollars(0.01, 1_000_000, 30),
        maxOrdersPerWindow: int(1, 100, 1),
        /** While this file exists, no new live order is sent. */
        killSwitchFile: z.string().min(1).default("data/trading/KILL"),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .transform((k) => ({ ...k, baseUrl: k.baseUrl ?? KALSHI_ENVIRONMENTS[k.env].baseUrl, wsUrl: k.wsUrl ?? KALSHI_ENVIRONMENTS[k.env].wsUrl }));


/** Environment variables that set a value of this section: name → path inside the section. */
export const KALSHI_ENV: Readonly<Record<string, string>> = {
  KALSHI_ENV: "env",
  KALSHI_API_BASE_URL: "baseUrl",
  KALSHI_WS_URL: "wsUrl",
  KALSHI_KILL_SWITCH_FILE: "live.killSwitchFile",
};
