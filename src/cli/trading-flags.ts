import { type Command, InvalidArgumentError, Option } from "commander";
import { UserError } from "../domain/errors.ts";
import { seriesListArg } from "./args.ts";

/** Parses a number flag; the config schema checks the range and names the setting. */
export function numberArg(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`not a number: ${v}`);
  return n;
}

/** Parses a count: a whole number ≥ 1. */
export function positiveIntArg(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a whole number ≥ 1: ${v}`);
  return n;
}

export interface TradingFlags {
  config?: string;
  /** "KXBTC15M,KXETH15M": checked by seriesListArg. */
  series?: string;
  balance?: number;
  minEdge?: number;
  minConfidence?: number;
  maxPosition?: number;
  kellyFraction?: number;
  dataDir?: string;
  statusInterval?: number;
  detailed?: boolean;
  /** commander's --no-record: false when given. */
  record?: boolean;
}

/** The flags every trading command shares; each overrides one configuration setting. */
export function addTradingOptions(cmd: Command): Command {
  return cmd
    .option("--config <file>", "JSON configuration file")
    .addOption(new Option("--series <list>", "the Kalshi series to trade, one engine each, comma-separated: KXBTC15M (default), KXETH15M, KXSOL15M, KXXRP15M (docs/series.md)").argParser(seriesListArg))
    .addOption(new Option("--balance <dollars>", "starting paper balance of each series' journal (a new journal only)").argParser(numberArg))
    .addOption(new Option("--min-edge <fraction>", "smallest edge after fees to trade, e.g. 0.015").argParser(numberArg))
    .addOption(new Option("--min-confidence <fraction>", "smallest |P(up) − 0.5| to trade, e.g. 0.03").argParser(numberArg))
    .addOption(new Option("--max-position <dollars>", "most one trade may spend, fee included").argParser(numberArg))
    .addOption(new Option("--kelly-fraction <fraction>", "share of the Kelly stake, e.g. 0.5").argParser(numberArg))
    .option("--data-dir <dir>", "journal directory")
    .addOption(new Option("--status-interval <seconds>", "seconds between status lines").argParser(numberArg))
    .option("--detailed", "print the detailed status block (window, strike, forecast, quote, why no trade) instead of one line")
    .option("--no-record", "do not record the session under <data-dir>/sessions/ (recording is on by default; see btc15 replay)");
}

/** The flags given, as a partial configuration (only what the user set). */
export function tradingFlagsToConfig(f: TradingFlags): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const strategy: Record<string, unknown> = {};
  if (f.series !== undefined) out.series = f.series;
  if (f.balance !== undefined) out.balance = f.balance;
  if (f.minEdge !== undefined) strategy.minEdge = f.minEdge;
  if (f.minConfidence !== undefined) strategy.minConfidence = f.minConfidence;
  if (f.maxPosition !== undefined) strategy.maxPosition = f.maxPosition;
  if (f.kellyFraction !== undefined) strategy.kellyFraction = f.kellyFraction;
  if (Object.keys(strategy).length) out.strategy = strategy;
  if (f.dataDir !== undefined) out.dataDir = f.dataDir;
  if (f.statusInterval !== undefined) out.statusIntervalSeconds = f.statusInterval;
  if (f.detailed) out.consoleDetail = true;
  if (f.record === false) out.recording = { enabled: false };
  return out;
}

/** Parses a TCP port: a whole number 0–65535 (0: any free port). */
export function portArg(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`not a port (0–65535): ${v}`);
  return n;
}

export interface DashboardFlags {
  dashboard?: boolean;
  port?: number;
  dashboardHost?: string;
}

/** The live dashboard's flags (live, demo, replay). */
export function addDashboardOptions(cmd: Command): Command {
  return cmd
    .option("--dashboard", "serve a live dashboard in the browser: the price, the window, P(up) against the market, trades, P&L (http://127.0.0.1:8015/)")
    .addOption(new Option("--port <n>", "the dashboard's port (default 8015; 0 picks a free one)").argParser(portArg))
    .option("--dashboard-host <host>", "serve the dashboard on this address instead of 127.0.0.1 (other machines may reach it: a warning is printed)");
}

/** --kalshi-env: Kalshi's real exchange, or its demo exchange (play money, its own keys and URLs). */
export function kalshiEnvOption(): Option {
  return new Option("--kalshi-env <env>", "production, or demo: Kalshi's demo exchange with play money (keys from KALSHI_DEMO_API_KEY_ID and KALSHI_DEMO_PRIVATE_KEY_PATH)").choices(["production", "demo"]);
}

export interface LiveFlags {
  mode?: "paper" | "live";
  confirmLive?: boolean;
  markets?: "auto" | "kalshi" | "synthetic";
  kalshiEnv?: "production" | "demo";
  feeds?: string;
  feedMode?: "composite" | "failover";
  verbose?: boolean;
}

const SOURCES = ["coinbase", "binanceus", "kraken", "bitstamp"];

/** The live command's own flags as a partial configuration. --feeds sets the order and turns off unlisted exchanges. */
export function liveFlagsToConfig(f: LiveFlags): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (f.mode !== undefined) out.mode = f.mode;
  if (f.markets !== undefined) out.markets = f.markets;
  if (f.kalshiEnv !== undefined) out.kalshi = { env: f.kalshiEnv };
  const feeds: Record<string, unknown> = {};
  if (f.feedMode !== undefined) feeds.mode = f.feedMode;
  if (f.feeds !== undefined) {
    const list = f.feeds.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = list.filter((s) => s !== "rest" && !SOURCES.includes(s));
    if (unknown.length) throw new UserError(`--feeds: unknown source ${unknown.join(", ")} (known: ${[...SOURCES, "rest"].join(", ")})`);
    feeds.order = list;
    for (const s of SOURCES) if (!list.includes(s)) feeds[s] = { enabled: false };
    if (!list.includes("rest")) feeds.rest = { enabled: false };
  }
  if (Object.keys(feeds).length) out.feeds = feeds;
  return out;
}

