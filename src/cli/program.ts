import { writeFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { BUNDLED_SAMPLE } from "../app/sample.ts";
import { runBacktest } from "../app/backtest.ts";
import { formatBacktest } from "../app/backtest-report.ts";
import { feedsCommand } from "../app/feeds-command.ts";
import { marketsCommand } from "../app/markets-command.ts";
import { ProgressBar } from "../app/progress.ts";
import { configReport, formatConfigReport } from "../app/config-report.ts";
import { COLOUR, PLAIN } from "../app/console-format.ts";
import { runDemo } from "../app/demo.ts";
import { runLive } from "../app/live.ts";
import { LOGS_DIR, preflightBacktest, preflightDemo, preflightExport, preflightLive, preflightReport } from "../app/preflight.ts";
import { exportJournal, journalReport } from "../app/report-command.ts";
import { writeHtmlReport } from "../app/report-html/command.ts";
import { replayCommand } from "../app/replay-command.ts";
import { type DashboardServer, dashboardBanner, openDashboard } from "../app/dashboard/server.ts";
import { RunLog, logFileName } from "../app/run-log.ts";
import { onShutdown } from "../app/shutdown.ts";
import { VERSION } from "../app/version.ts";
import { deepMerge, resolveConfig } from "../config/load.ts";
import { type DashboardFlags, type LiveFlags, type TradingFlags, addDashboardOptions, addTradingOptions, askYes, liveFlagsToConfig, numberArg, positiveIntArg, tradingFlagsToConfig } from "./trading-flags.ts";
import { formatWindowInfo, windowInfo } from "../app/window-info.ts";
import { defaultConfig, loadConfigFile } from "../config/load.ts";
import { UserError } from "../domain/errors.ts";
import { parseIsoTime } from "./args.ts";
import { fetchCommand } from "../app/fetch/command.ts";

/** The demo's length unless --minutes says otherwise: 6 hours of market, 6 real minutes at the default 60×. */
const DEMO_MINUTES = 360;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("btc15")
    .description("Paper-trades Kalshi's 15-minute Bitcoin up/down markets (KXBTC15M) and backtests the same engine on recorded prices.")
    .version(`btc15 ${VERSION}`, "-V, --version", "print btc15's version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride(); // before the commands are added, so they inherit it and main() sets the exit code

  program
    .command("window")
    .description("show the 15-minute window containing a time (default: now): ticker, open and close in UTC and US Eastern, seconds left")
    .option("--at <iso-time>", "the time to look up (UTC unless a zone is given)", parseIsoTime)
    .option("--series <ticker>", "market series", "KXBTC15M")
    .option("--json", "print JSON: ticker, open, close (ISO UTC), open_et, close_et, seconds_left")
    .action((opts: { at?: number; series: string; json?: boolean }) => {
      const at = opts.at ?? Date.now() / 1000;
      const info = windowInfo(Math.floor(at), opts.series);
      process.stdout.write(opts.json ? JSON.stringify(info) + "\n" : formatWindowInfo(info) + "\n");
    });

  program
    .command("backtest")
    .description("run the trading engine over recorded prices and report P&L after fees and forecast quality beside baselines")
    .option("--data <file...>", "price history CSV files (timestamp_unix_seconds,open,high,low,close,volume); default: the bundled sample")
    .option("--from <iso-time>", "only prices from this time (UTC unless a zone is given)", parseIsoTime)
    .option("--to <iso-time>", "only prices before this time", parseIsoTime)
    .option("--json <path>", "write the result as JSON to a file, or - for standard output (the summary then goes to standard error)")
    .option("--config <file>", "JSON configuration file (see README)")
    .option("--out <dir>", "directory for the backtest's journal and CSV (default: data/backtest); its journal is replaced only if a backtest made it")
    .option("--force", "replace the journal in --out even if a backtest did not make it")
    .option("--quotes <file...>", "recorded Kalshi quotes to trade against instead of the synthetic market (CSV: minute_ts,ticker,yes_bid,yes_ask or yes_mid[,result,...]; or files btc15 fetch wrote)")
    .addOption(new Option("--assume-spread <cents>", "spread assumed for quote rows that give only yes_mid (default 2)").argParser(numberArg))
    .addOption(new Option("--predictions <seconds>", "also journal a prediction every N seconds (large: 2.6M lines a month at 1)").argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number of seconds ≥ 0");
      return n;
    }))
    .action(async (opts: { data?: string[]; from?: number; to?: number; json?: string; config?: string; out?: string; predictions?: number; force?: boolean; quotes?: string[]; assumeSpread?: number }) => {
      const base = opts.config ? loadConfigFile(opts.config) : defaultConfig();
      const config = opts.predictions === undefined ? base : { ...base, backtest: { ...base.backtest, predictionEverySeconds: opts.predictions } };
      const files = opts.data && opts.data.length ? opts.data : [BUNDLED_SAMPLE];
      const outDir = opts.out ?? config.backtest.outDir;
      const force = Boolean(opts.force);
      preflightBacktest({ files, from: opts.from, to: opts.to, outDir, liveDataDir: config.dataDir, json: opts.json, force });
      const bar = new ProgressBar("backtest", process.stderr);
      const result = await runBacktest({
        files,
        from: opts.from,
        to: opts.to,
        config,
        outDir,
        force,
        ...(opts.quotes ? { quotes: opts.quotes } : {}),
        ...(opts.assumeSpread !== undefined ? { assumeSpreadCents: opts.assumeSpread } : {}),
        onProgress: (d, t) => bar.update(d, t),
        onWarning: (w) => process.stderr.write(`warning: ${w}\n`),
      });
      bar.done();
      const summary = formatBacktest(result) + "\n";
      if (opts.json === "-") {
        process.stderr.write(summary);
        process.stdout.write(JSON.stringify(result, null, 2) + "\n");
      } else {
        process.stdout.write(summary);
        if (opts.json) writeFileSync(opts.json, JSON.stringify(result, null, 2) + "\n");
      }
    });

  addDashboardOptions(addTradingOptions(
    program
      .command("live")
      .description("the live trader (npm start): exchange feeds, the current window's market, a forecast and a decision every second, paper by default")
      .addOption(new Option("--mode <mode>", "paper, or live (real orders: also needs the Kalshi key and a confirmation)").choices(["paper", "live"]))
      .option("--confirm-live", "confirm live trading without the prompt (unattended runs)")
      .addOption(new Option("--markets <source>", "kalshi, synthetic, or auto (Kalshi when reachable)").choices(["auto", "kalshi", "synthetic"]))
      .option("--feeds <list>", "price sources in order, comma-separated: coinbase,binanceus,kraken,bitstamp,rest")
      .addOption(new Option("--feed-mode <mode>", "composite (median of fresh sources) or failover (first live source)").choices(["composite", "failover"]))
      .option("--verbose", "show debug lines (feed events, HTTP errors) on the console too"),
  )).action(async (opts: TradingFlags & LiveFlags & DashboardFlags) => {
    const config = resolveConfig({ file: opts.config, env: process.env, flags: deepMerge(tradingFlagsToConfig(opts), liveFlagsToConfig(opts)) });
    preflightLive({ dataDir: config.dataDir, logsDir: LOGS_DIR });
    const dashboard = await openDashboard(opts);
    const log = new RunLog({ file: logFileName(LOGS_DIR, "live_trading", Date.now()), out: process.stdout, colour: Boolean(process.stdout.isTTY), now: Date.now, verbose: Boolean(opts.verbose) });
    announceDashboard(dashboard, log);
    let stop: () => void = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    const off = onShutdown(() => stop(), { warn: (s) => log.warn(s) });
    try {
      process.exitCode = await runLive({
        config,
        log,
        env: process.env,
        confirmLive: Boolean(opts.confirmLive),
        ...(process.stdin.isTTY ? { ask: askYes } : {}),
        stop: stopped,
        ...(dashboard ? { dashboard } : {}),
      });
      log.info(`log file ${log.file}`);
    } finally {
      off();
      await dashboard?.close();
      log.close();
    }
  });

  addDashboardOptions(addTradingOptions(
    program
      .command("demo")
      .description("the live runner's console and journal, fed by recorded prices at N× speed against the synthetic market (no network needed)")
      .addOption(new Option("--speed <n>", "simulated seconds per real second").argParser(numberArg).default(60))
      .option("--data <file>", "price history to replay (default: the bundled sample)")
      .addOption(new Option("--minutes <n>", "stop after this many simulated minutes; the default, 6 hours of market, takes 6 real minutes at 60×").argParser(numberArg).default(DEMO_MINUTES))
      .option("--force", "replace the journal in --data-dir even if the demo did not make it"),
  )).action(async (opts: TradingFlags & DashboardFlags & { speed: number; data?: string; minutes: number; force?: boolean }) => {
    // The demo's own defaults: its own data directory, a status every 5 simulated minutes, and a
    // randomly mispriced synthetic market so there is something to trade.
    const config = resolveConfig({
      file: opts.config,
      env: process.env,
      flags: deepMerge({ dataDir: "data/demo", statusIntervalSeconds: 300, synthetic: { mispricingCents: 3 } }, tradingFlagsToConfig(opts)),
    });
    if (!(opts.speed > 0)) throw new UserError("--speed must be positive");
    if (!(opts.minutes > 0)) throw new UserError("--minutes must be positive");
    const file = opts.data ?? BUNDLED_SAMPLE;
    const force = Boolean(opts.force);
    preflightDemo({ dataDir: config.dataDir, logsDir: LOGS_DIR, file, force });
    const dashboard = await openDashboard(opts);
    const log = new RunLog({ file: logFileName(LOGS_DIR, "demo", Date.now()), out: process.stdout, colour: Boolean(process.stdout.isTTY), now: Date.now });
    announceDashboard(dashboard, log);
    let stop: () => void = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    const off = onShutdown(() => stop(), { warn: (s) => log.warn(s) });
    try {
      await runDemo({
        config,
        file,
        dataDir: config.dataDir,
        force,
        speed: opts.speed,
        statusIntervalSeconds: config.statusIntervalSeconds,
        log,
        stop: stopped,
        maxSeconds: Math.round(opts.minutes * 60),
        ...(dashboard ? { dashboard } : {}),
      });
      log.info(`log file ${log.file}`);
    } finally {
      off();
      await dashboard?.close();
      log.close();
    }
  });

  program
    .command("report")
    .description("the performance summary of a journal (any past session, the demo, a backtest)")
    .option("--data-dir <dir>", "journal directory", "data/trading")
    .addOption(new Option("--last <n>", "how many recent journal events to list").argParser(positiveIntArg).default(10))
    .option("--html [file]", "write a self-contained HTML report with charts instead (default file: <data-dir>/report.html)")
    .action(async (opts: { dataDir: string; last: number; html?: string | true }) => {
      preflightReport(opts.dataDir);
      if (opts.html !== undefined) {
        process.stdout.write((await writeHtmlReport(opts.dataDir, opts.html === true ? undefined : opts.html, new Date().toISOString())) + "\n");
        return;
      }
      process.stdout.write(journalReport(opts.dataDir, process.stdout.isTTY ? COLOUR : PLAIN, opts.last) + "\n");
    });

  program
    .command("export")
    .description("write trades.csv, and the CSV of each day of predictions not yet archived, from a journal")
    .option("--data-dir <dir>", "journal directory", "data/trading")
    .action(async (opts: { dataDir: string }) => {
      preflightExport(opts.dataDir);
      process.stdout.write((await exportJournal(opts.dataDir)) + "\n");
    });

  addTradingOptions(
    program
      .command("config")
      .description("print the effective configuration and where each value came from (default, file, environment, flag)")
      .option("--json", "print the configuration as JSON"),
  ).action((opts: TradingFlags & { json?: boolean }) => {
    const { config, lines } = configReport({ file: opts.config, env: process.env, flags: tradingFlagsToConfig(opts) });
    process.stdout.write((opts.json ? JSON.stringify(config, null, 2) : formatConfigReport(lines)) + "\n");
  });

  addDashboardOptions(program
    .command("replay")
    .description("feed recorded live sessions back through the engine: reproduce a session's journal, or try another strategy on the real recorded books")
    .argument("<path...>", "session recordings: a .jsonl.gz file, a session's folder, or a sessions directory (e.g. data/trading/sessions)")
    .option("--config <file>", "another configuration to replay with (default: each session's own, recorded in it)")
    .option("--json <path>", "write the result as JSON to a file, or - for standard output (the summary then goes to standard error)")
    .option("--out <dir>", "directory for the replay's journal and CSV", "data/replay")
    .option("--force", "replace the journal in --out even if a replay did not make it")
    .addOption(new Option("--speed <n>", "replay at N× real time (to watch it); as fast as possible without").argParser(numberArg)))
    .action(async (paths: string[], opts: DashboardFlags & { config?: string; json?: string; out: string; force?: boolean; speed?: number }) => {
      await replayCommand({ paths, ...opts });
    });

  program.addCommand(feedsCommand());
  program.addCommand(marketsCommand());

  // btc15 fetch: historical Kalshi quotes and BTC minutes for the backtest. Dates are checked
  // here so that a bad or missing one is a user error (exit 2) like every other.
  program
    .command("fetch")
    .description("download each window's Kalshi market (ticker, strike, result) with one-minute quotes, and one-minute BTC/USD candles (Coinbase, Kraken if Coinbase fails), one file per UTC day; resumable")
    .option("--from <iso-time>", "first UTC day to fetch (required; whole days: the day containing this time)")
    .option("--to <iso-time>", "fetch the days before this time (required)")
    .option("--series <ticker>", "market series (default: the configuration's, KXBTC15M)")
    .option("--out <dir>", "where the files go: DIR/kalshi/ and DIR/btc/", "data/history")
    .option("--config <file>", "JSON configuration file (kalshi.baseUrl and rate limits, feeds.coinbase.restUrl, feeds.kraken.restUrl)")
    .option("--json", "print the summary as JSON")
    .action(async (opts: { from?: string; to?: string; series?: string; out: string; config?: string; json?: boolean }) => {
      const time = (text: string | undefined, flag: string): number => {
        if (text === undefined) throw new UserError(`${flag} is required, e.g. ${flag} 2026-03-11`);
        try {
          return parseIsoTime(text);
        } catch (e) {
          throw new UserError(`${flag}: ${(e as Error).message}`);
        }
      };
      process.exitCode = await fetchCommand({ from: time(opts.from, "--from"), to: time(opts.to, "--to"), series: opts.series, outDir: opts.out, configFile: opts.config, json: opts.json });
    });

  return program;
}

/** The dashboard's address at start, and a warning when other machines may reach it. */
function announceDashboard(dashboard: DashboardServer | null, log: RunLog): void {
  if (dashboard === null) return;
  const banner = dashboardBanner(dashboard);
  log.info(banner.info);
  if (banner.warning) log.warn(banner.warning);
  dashboard.onError = (m) => log.warn(m);
}

/** Errors a user can fix (usage, input, files) get one clear line and exit code 2; anything else is a bug and shows its stack. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2; // commander has printed the message; a usage error is exit 2
      return;
    }
    if (e instanceof UserError) {
      process.stderr.write(`btc15: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}
