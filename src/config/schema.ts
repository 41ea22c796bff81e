import { z } from "zod";
import { FITTED_MODEL } from "../model/fitted.ts";
import { feedsConfigSchema } from "./feeds-schema.ts";
import { kalshiConfigSchema } from "./kalshi-schema.ts";
import { num } from "./fields.ts";
import { parseSeriesList } from "../domain/series.ts";

const m = FITTED_MODEL;

function optionalDollars(min: number, max: number) {
  return z
    .number({ error: `must be a dollar amount between ${min} and ${max}, or null` })
    .min(min, { error: `must be between ${min} and ${max}` })
    .max(max, { error: `must be between ${min} and ${max}` })
    .nullable()
    .default(null);
}

export const configSchema = z
  .object({
    /** "paper" (default) or "live": live orders also need an API key and an explicit confirmation. */
    mode: z.enum(["paper", "live"], { error: 'must be "paper" or "live"' }).default("paper"),
    /** Where quotes come from: Kalshi's real book, the synthetic market maker, or Kalshi when reachable. */
    markets: z.enum(["auto", "kalshi", "synthetic"], { error: 'must be "auto", "kalshi" or "synthetic"' }).default("auto"),
    /** Seconds to wait for a first price at start-up before giving up. */
    startupTimeoutSeconds: num(1, 600, 20, { int: true }),
    /**
     * The Kalshi series traded, one engine each (docs/series.md): a list, or one string with
     * commas ("KXBTC15M,KXETH15M"). An unknown series is refused with the list of known ones.
     */
    series: z
      .union([z.string(), z.array(z.string())], { error: "must be a series ticker like KXBTC15M, or a list of them" })
      .default(["KXBTC15M"])
      .transform((v, ctx) => {
        try {
          return parseSeriesList(v);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: (e as Error).message });
          return z.NEVER;
        }
      }),
    /** Starting paper balance, dollars. */
    balance: num(1, 10_000_000, 200),
    strategy: z
      .object({
        minEdge: num(0, 0.5, 0.015),
        minConfidence: num(0, 0.5, 0.03),
        /** Share of the Kelly stake: above 0 (0 would never trade), at most 1. */
        kellyFraction: z
          .number({ error: "must be a number above 0 and at most 1" })
          .gt(0, { error: "must be above 0 (0 would never trade) and at most 1" })
          .max(1, { error: "must be above 0 and at most 1" })
          .default(0.5),
        /** Most one trade may spend, fee included, dollars. */
        maxPosition: num(0.01, 1_000_000, 15),
        maxEntriesPerWindow: num(1, 100, 1, { int: true }),
        /** No new entry with fewer seconds than this left in the window. */
        minSecondsLeft: num(0, 899, 0, { int: true }),
        /** Taker fee rate (Kalshi: 0.07). */
        feeRate: num(0, 1, 0.07),
        /**
         * The trading rule: "edge" (trade when the forecast beats the ask by the fee and minEdge), or
         * "stale_taker": the same rule, only while Kalshi's book is stale (see docs/research.md). Off by default.
         */
        rule: z.enum(["edge", "stale_taker"], { error: 'must be "edge" or "stale_taker"' }).default("edge"),
        staleTaker: z
          .object({
            /** The book's best prices unchanged this long (N, from `btc15 research lag`)… */
            bookAgeSeconds: num(1, 600, 10, { int: true }),
            /** …while the fair value moved at least this much (probability) since they last changed. */
            minMove: num(0, 0.5, 0.02),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    model: z
      .object({
        volatility: z
          .object({
            halfLifeSeconds: num(60, 30 * 86400, m.volatility.halfLifeSeconds),
            scale: num(0.1, 10, m.volatility.scale),
            floorAnnualized: num(0, 5, m.volatility.floorAnnualized),
          })
          .strict()
          .prefault({}),
        momentum: z
          .object({
            weight: num(-10, 10, m.momentum.weight),
            lookbackSeconds: num(1, 86400, m.momentum.lookbackSeconds, { int: true }),
          })
          .strict()
          .prefault({}),
        meanReversion: z
          .object({
            weight: num(-10, 10, m.meanReversion.weight),
            halfLifeSeconds: num(1, 86400, m.meanReversion.halfLifeSeconds),
          })
          .strict()
          .prefault({}),
        warmupSeconds: num(61, 7 * 86400, m.warmupSeconds, { int: true }),
      })
      .strict()
      .prefault({}),
    synthetic: z
      .object({
        /** YES ask − YES bid of the synthetic market maker, cents. */
        spreadCents: num(0, 50, 2, { int: true }),
        /** Contracts offered at the ask on each side. */
        depth: num(1, 1_000_000, 1000, { int: true }),
        /** Random mispricing of the synthetic mid (sd, cents; 0 = quotes exactly at the fair value). The demo uses 3. */
        mispricingCents: num(0, 20, 0),
        mispricingHalfLifeSeconds: num(1, 86400, 120),
      })
      .strict()
      .prefault({}),
    engine: z
      .object({
        /** No trading after this many seconds without a fresh price. */
        maxStaleSeconds: num(1, 3600, 10, { int: true }),
        /**
         * A strike or settlement average of ours with more seconds carried forward (no live price)
         * than this is unreliable: no trade on that strike, no settlement on that average.
         */
        maxCarriedSeconds: num(0, 60, 5, { int: true }),
        /** Live runner: journal a prediction every N seconds (0: off). */
        predictionEverySeconds: num(0, 3600, 1, { int: true }),
      })
      .strict()
      .prefault({}),
    /** Where the live runner keeps its journal. */
    dataDir: z.string().min(1).default("data/trading"),
    backtest: z
      .object({
        /** Where backtests write their journal (never the live data directory). */
        outDir: z.string().min(1).default("data/backtest"),
        /** Longest silence in a history file carried forward; longer is a gap. */
        maxCarrySeconds: num(1, 86400, 300, { int: true }),
        /** Journal a prediction every N seconds during a backtest (0: off, the default). */
        predictionEverySeconds: num(0, 86400, 0, { int: true }),
      })
      .strict()
      .prefault({}),
    /**
     * Limits on every order in every mode (dollars; null = none). Paper sessions, demos, backtests
     * and replays apply them only when set; live trading also applies kalshi.live's.
     */
    risk: z
      .object({
        maxPerOrder: optionalDollars(0.01, 1_000_000),
        maxOpenExposure: optionalDollars(0.01, 10_000_000),
        maxDailyLoss: optionalDollars(0.01, 10_000_000),
        maxOrdersPerWindow: z.number({ error: "must be a whole number between 1 and 100, or null" }).int().min(1).max(100).nullable().default(null),
        /** The daily loss limit's day starts at this hour, UTC (0: the UTC day). */
        dayStartHourUtc: num(0, 23, 0, { int: true }),
        /**
         * Limits on every series together (the coins move together: two series double the
         * exposure to one move). Each series keeps the limits above as its own; these cap the sum
         * of their open cost and of their day's loss. Live trading also applies kalshi.live's
         * open-exposure and daily-loss limits to the sum.
         */
        total: z
          .object({
            maxOpenExposure: optionalDollars(0.01, 10_000_000),
            maxDailyLoss: optionalDollars(0.01, 10_000_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    feeds: feedsConfigSchema.prefault({}),
    kalshi: kalshiConfigSchema.prefault({}),
    /** Seconds between status lines in the live runner and the demo. */
    statusIntervalSeconds: num(1, 86400, 60, { int: true }),
    /**
     * The status as a detailed block (window, strike, forecast, quote, the no-trade reason in full,
     * counters) instead of one line; `--detailed` sets it. The log file has the block either way.
     */
    consoleDetail: z.boolean({ error: "must be true or false" }).default(false),
    /**
     * Live and demo sessions record every event the engine consumes (and raw ticks) under
     * `<dataDir>/sessions/`, for `btc15 replay`. `--no-record` turns it off.
     */
    recording: z
      .object({
        enabled: z.boolean().default(true),
        /** A new compressed file every hour or every day (UTC). */
        rotate: z.enum(["hour", "day"], { error: 'must be "hour" or "day"' }).default("hour"),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AppConfig = z.infer<typeof configSchema>;
