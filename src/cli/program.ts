import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { type Io, PROCESS_IO } from "../app/commands/io.ts";
import { VERSION } from "../app/core/version.ts";
import { UserError } from "../domain/errors.ts";
import { DEFAULT_COMPARE } from "../app/core/compare/arms.ts";
import { parseIsoTime, seriesArg, seriesListArg, windowTimeArg } from "./args.ts";
import { type DashboardFlags, type LiveFlags, type TradingFlags, addDashboardOptions, addTradingOptions, kalshiEnvOption, liveFlagsToConfig, numberArg, positiveIntArg, tradingFlagsToConfig } from "./trading-flags.ts";

/** The demo's length unless --minutes says otherwise: 6 hours of market, 6 real minutes at the default 60×. */
export const DEMO_MINUTES = 360;

/**
 * The command line: options parsed and checked, then handed to the app's commands. Nothing
 * here reads files, opens connections or writes anything but commander's own usage messages.
 * Each action stores its exit code in `exit`.
 */
export function buildProgram(io: Io = PROCESS_IO, exit: { code: number } = { code: 0 }): Command {
  const program = new Command();
  program
    .name("btc15")
    .description("Paper-trades Kalshi's 15-minute Bitcoin up/down markets (KXBTC15M) and backtests the same engine on recorded prices.")
    .version(`btc15 ${VERSION}`, "-V, --version", "print btc15's version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s), outputError: (str, write) => write(str) })
    .exitOverride(); // before the commands are added, so they inherit it and main() sets the exit code

  program
    .command("window")
    .description("show the 15-minute window containing a time (default: now): ticker, open and close in UTC and US Eastern, seconds left")
    .option("--at <iso-time>", "the time to look up (UTC unless a zone is given; years 2000–2099)", windowTimeArg)
    .option("--series <ticker>", "market series", seriesArg, "KXBTC15M")
    .option("--json", "print JSON: ticker, open, close (ISO UTC), open_et, close_et, seconds_left")
    .action(async (opts: { at?: number; series: string; json?: boolean }) => (await import("../app/commands/window.ts")).windowCommand(opts, io));

  program
    .command("backtest")
    .description("run the trading engine over recorded prices and report P&L after fees and forecast quality beside baselines")
    .option("--data <file...>", "price history CSV files (timestamp_unix_seconds,open,high,low,close,volume); default: the bundled sample")
    .option("--from <iso-time>", "only prices from this time (UTC unless a zone is given)", parseIsoTime)
    .option("--to <iso-time>", "only prices before this time", parseIsoTime)
    .option("--json <path>", "write the result as JSON to a file, or - for standard output (the summary then goes to standard error)")
    .option("--config <file>", "JSON configuration file (see docs/configuration.md)")
    .addOption(new Option("--series <list>", "the series the prices are of (default KXBTC15M): its tickers, its strike rounding (docs/series.md); several run together, each with --data SERIES=FILE").argParser(seriesListArg))
    .option("--out <dir>", "directory for the backtest's journal and CSV (default: data/backtest); its journal is replaced only if a backtest made it")
    .option("--force", "replace the journal in --out even if a backtest did not make it")
    .option("--quotes <file...>", "recorded Kalshi quotes to trade against instead of the synthetic market (CSV: minute_ts,ticker,yes_bid,yes_ask or yes_mid[,result,...]; or files btc15 fetch wrote)")
    .addOption(new Option("--assume-spread <cents>", "spread assumed for quote rows that give only yes_mid (default 2)").argParser(numberArg))
    .addOption(
      new Option("--quote-delay <seconds>", "a quote row labelled L is usable from L + SECONDS (default 0, right for files btc15 fetch wrote)").argParser(quoteDelayArg),
    )
    .option("--compare [list]", `run strategies side by side, each its own paper account over the same events: comma-separated from model, fair_value, coin_flip, market, stale_taker[:N] (default ${DEFAULT_COMPARE})`)
    .option("--html [file]", "write the HTML report when the run ends (default file: <dir>/report.html); without it, the command that would is printed")
    .addOption(
      new Option("--predictions <seconds>", "also journal a prediction every N seconds (large: 2.6M lines a month at 1)").argParser(predictionsArg),
    )
    .action(async (opts) => (await import("../app/commands/backtest.ts")).backtestCommand(opts, io));

  addDashboardOptions(
    addTradingOptions(
      program
        .command("live")
        .description("the live trader (npm start): exchange feeds, the current window's market, a forecast and a decision every second, paper by default")
        .addOption(new Option("--mode <mode>", "paper, or live (real orders: also needs the Kalshi key and a confirmation)").choices(["paper", "live"]))
        .option("--confirm-live", "confirm live trading without the prompt (unattended runs)")
        .addOption(new Option("--markets <source>", "kalshi, synthetic, or auto (Kalshi when reachable)").choices(["auto", "kalshi", "synthetic"]))
        .addOption(kalshiEnvOption())
        .option("--feeds <list>", "price sources in order, comma-separated: coinbase,binanceus,kraken,bitstamp,rest")
        .addOption(new Option("--feed-mode <mode>", "composite (median of fresh sources) or failover (first live source)").choices(["composite", "failover"]))
        .option("--verbose", "show debug lines (feed events, HTTP errors) on the console too")
        .option("--html [file]", "write the HTML report when the run ends (default file: <dir>/report.html); without it, the command that would is printed"),
    ),
  ).action(async (opts: TradingFlags & LiveFlags & DashboardFlags & { html?: string | true }) => {
    const [{ liveCommand }, { deepMerge }] = await Promise.all([import("../app/commands/live.ts"), import("../config/load.ts")]);
    exit.code = await liveCommand({ ...opts, flags: deepMerge(tradingFlagsToConfig(opts), liveFlagsToConfig(opts)) }, io);
  });

  addDashboardOptions(
    addTradingOptions(
      program
        .command("demo")
        .description("the live runner's console and journal, fed by recorded prices at N× speed against the synthetic market (no network needed)")
        .addOption(new Option("--speed <n>", "simulated seconds per real second").argParser(numberArg).default(60))
        .option("--data <file...>", "price history to replay: FILE for the first series (default: the bundled Bitcoin sample), SERIES=FILE for another (e.g. KXETH15M=eth.csv)")
        .addOption(new Option("--minutes <n>", "stop after this many simulated minutes; the default, 6 hours of market, takes 6 real minutes at 60×").argParser(numberArg).default(DEMO_MINUTES))
        .option("--force", "replace the journal in --data-dir even if the demo did not make it")
        .option("--html [file]", "write the HTML report when the run ends (default file: <dir>/report.html); without it, the command that would is printed"),
    ),
  ).action(async (opts: TradingFlags & DashboardFlags & { speed: number; data?: string[]; minutes: number; force?: boolean; html?: string | true }) => {
    const { demoCommand } = await import("../app/commands/live.ts");
    exit.code = await demoCommand({ ...opts, flags: tradingFlagsToConfig(opts) }, io);
  });

  program
    .command("report")
    .description("the performance summary of a journal (any past session, the demo, a backtest)")
    .option("--data-dir <dir>", "journal directory", "data/trading")
    .addOption(new Option("--last <n>", "how many recent journal events to list").argParser(positiveIntArg).default(10))
    .option("--html [file]", "write a self-contained HTML report with charts instead (default file: <data-dir>/report.html)")
    .action(async (opts: { dataDir: string; last: number; html?: string | true }) => (await import("../app/commands/report.ts")).reportCommand(opts, io));

  program
    .command("export")
    .description("write trades.csv, and the CSV of each day of predictions not yet archived, from a journal")
    .option("--data-dir <dir>", "journal directory", "data/trading")
    .action(async (opts: { dataDir: string }) => (await import("../app/commands/report.ts")).exportCommand(opts, io));

  addTradingOptions(
    program
      .command("config")
      .description("print the effective configuration and where each value came from (default, file, environment, flag)")
      .option("--json", "print the configuration as JSON"),
  ).action(async (opts: TradingFlags & { json?: boolean }) =>
    (await import("../app/commands/config.ts")).configCommand({ file: opts.config, json: opts.json, flags: tradingFlagsToConfig(opts) }, io),
  );

  addDashboardOptions(
    program
      .command("replay")
      .description("feed recorded live sessions back through the engine: reproduce a session's journal, or try another strategy on the real recorded books")
      .argument("<path...>", "session recordings: a .jsonl.gz file, a session's folder, or a sessions directory (e.g. data/trading/sessions)")
      .option("--config <file>", "another configuration to replay with (default: each session's own, recorded in it)")
      .option("--json <path>", "write the result as JSON to a file, or - for standard output (the summary then goes to standard error)")
      .option("--out <dir>", "directory for the replay's journal and CSV (a folder per series)", "data/replay")
      .addOption(new Option("--series <list>", "replay only these of the recorded series (default: every one recorded)").argParser(seriesListArg))
      .option("--force", "replace the journal in --out even if a replay did not make it")
      .addOption(new Option("--speed <n>", "replay at N× real time (to watch it); as fast as possible without").argParser(numberArg))
      .addOption(
        new Option("--predictions <seconds>", "also journal a prediction every N seconds (default: none; at 1 it costs more than the rest of the replay)").argParser(predictionsArg),
      )
      .option("--compare [list]", `run strategies side by side, each its own paper account over the same events: comma-separated from model, fair_value, coin_flip, market, stale_taker[:N] (default ${DEFAULT_COMPARE})`)
      .option("--html [file]", "write the HTML report when the run ends (default file: <dir>/report.html); without it, the command that would is printed"),
  ).action(async (paths: string[], opts: DashboardFlags & { config?: string; json?: string; out: string; force?: boolean; speed?: number; html?: string | true; compare?: string | true; predictions?: number; series?: string }) =>
    (await import("../app/commands/replay.ts")).replayCommand({ paths, ...opts }, io),
  );

  const research = program.command("research").description("the research lab: measurements from recordings and history (see docs/research.md)");
  research
    .command("lag")
    .description("how far Kalshi's mid trails our fair value from spot: the delay that fits best (1-s resolution, −120…+30 s), its 95% interval, the curve, and what it cannot say")
    .argument("[path...]", "session recordings: a .jsonl.gz file, a session's folder, or a sessions directory (e.g. data/trading/sessions)")
    .option("--data <file...>", "minute data instead: price history CSV files (with --quotes)")
    .option("--quotes <file...>", "minute data instead: Kalshi quote files (with --data; as btc15 backtest --quotes reads them)")
    .addOption(
      new Option("--quote-delay <seconds>", "minute data: a quote row labelled L is usable from L + SECONDS (default 0)").argParser(quoteDelayArg),
    )
    .addOption(new Option("--assume-spread <cents>", "minute data: spread assumed for quote rows that give only yes_mid (default 2)").argParser(numberArg))
    .option("--config <file>", "configuration for the fair value (default: each session's own; for minute data the defaults)")
    .addOption(new Option("--min-lag <seconds>", "the earliest delay tried (default −120)").argParser(lagArg))
    .addOption(new Option("--max-lag <seconds>", "the latest delay tried (default +30)").argParser(lagArg))
    .addOption(new Option("--resamples <n>", "bootstrap resamples of windows for the interval (default 1000)").argParser(positiveIntArg))
    .option("--json <path>", "write the result as JSON to a file, or - for standard output (the summary then goes to standard error); name it DIR/lag.json to have btc15 report --html --data-dir DIR draw it too")
    .option("--html [file]", "write the chart as a self-contained HTML page (default file: lag.html)")
    .action(async (paths: string[], opts: { data?: string[]; quotes?: string[]; quoteDelay?: number; assumeSpread?: number; config?: string; minLag?: number; maxLag?: number; resamples?: number; json?: string; html?: string | true }) => {
      const { researchLagCommand } = await import("../app/research/lag/command.ts");
      await researchLagCommand({ paths, ...opts }, io);
    });

  program
    .command("feeds")
    .description("connect to every configured price source, show each one's price, spread to the index, message rate and state, then a summary")
    .option("--seconds <n>", "how long to watch", wholeSeconds, 10)
    .option("--json", "print the summary as JSON instead of the live table")
    .option("--config <file>", "JSON configuration file (see docs/configuration.md)")
    .addOption(new Option("--series <list>", "the series whose coins to watch (default: the configuration's)").argParser(seriesListArg))
    .action(async (opts: { seconds: number; json?: boolean; config?: string; series?: string }) => {
      exit.code = await (await import("../app/commands/feeds.ts")).feedsCommand(opts, io);
    });

  program
    .command("markets")
    .description("show each series' current and next window's Kalshi market: ticker, strike, shard, times, status, best bid/ask and depth on both sides (the book signed when a key is set)")
    .option("--json", "print JSON: an array of {window, ticker, listed, status, open, close, strike, yes, no}")
    .option("--config <file>", "JSON configuration file (kalshi.baseUrl and timeouts)")
    .addOption(new Option("--series <list>", "the series to show, comma-separated (default: the configuration's, KXBTC15M)").argParser(seriesListArg))
    .addOption(kalshiEnvOption())
    .action(async (opts: { json?: boolean; config?: string; kalshiEnv?: "production" | "demo"; series?: string }) => (await import("../app/commands/markets.ts")).marketsCommand(opts, io));

  // btc15 fetch: historical Kalshi quotes and BTC minutes for the backtest. Dates are checked
  // here so that a bad or missing one is a user error (exit 2) like every other.
  program
    .command("fetch")
    .description("download each window's Kalshi market (ticker, strike, result) with one-minute quotes, and one-minute BTC/USD candles (Coinbase, Kraken if Coinbase fails), one file per UTC day; resumable")
    .option("--from <iso-time>", "first UTC day to fetch (required; whole days: the day containing this time)")
    .option("--to <iso-time>", "fetch the days before this time (required)")
    .option("--series <list>", "the series to fetch, comma-separated (default: the configuration's, KXBTC15M); each coin's minutes go in DIR/<coin>/", seriesListArg)
    .option("--out <dir>", "where the files go: DIR/kalshi/ and DIR/btc/", "data/history")
    .option("--config <file>", "JSON configuration file (kalshi.baseUrl and rate limits, feeds.coinbase.restUrl, feeds.kraken.restUrl)")
    .option("--json", "print the summary as JSON")
    .action(async (opts: { from?: string; to?: string; series?: string; out: string; config?: string; json?: boolean }) => {
      const from = requiredTime(opts.from, "--from");
      const to = requiredTime(opts.to, "--to");
      const { fetchCommand } = await import("../app/commands/fetch/command.ts");
      exit.code = await fetchCommand({ from, to, series: opts.series, outDir: opts.out, configFile: opts.config, json: opts.json }, io);
    });

  return program;
}

function lagArg(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isInteger(n) || Math.abs(n) > 600) throw new InvalidArgumentError("must be a whole number of seconds from −600 to 600");
  return n;
}

/** --quote-delay: whole seconds from 0 to an hour. */
function quoteDelayArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 3600) throw new InvalidArgumentError("must be a whole number of seconds from 0 to 3600");
  return n;
}

/** --predictions: every N whole seconds, 0 for none. */
function predictionsArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number of seconds ≥ 0");
  return n;
}

function wholeSeconds(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 86_400) throw new InvalidArgumentError("must be a whole number of seconds between 1 and 86400");
  return n;
}

function requiredTime(text: string | undefined, flag: string): number {
  if (text === undefined) throw new UserError(`${flag} is required, e.g. ${flag} 2026-03-11`);
  try {
    return parseIsoTime(text);
  } catch (e) {
    throw new UserError(`${flag}: ${(e as Error).message}`);
  }
}

/**
 * Runs the command line and returns the exit code. Errors a user can fix (usage, input, files)
 * get one clear line and exit code 2; anything else is a bug and shows its stack.
 */
export async function main(argv: string[], io: Io = PROCESS_IO): Promise<number> {
  const exit = { code: 0 };
  const program = buildProgram(io, exit);
  try {
    await program.parseAsync(argv);
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2; // commander has printed the message; a usage error is exit 2
    if (e instanceof UserError) {
      io.err.write(`btc15: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
