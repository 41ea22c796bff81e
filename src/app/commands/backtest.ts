import { writeFileSync } from "node:fs";
import { defaultConfig, loadConfigFile } from "../../config/load.ts";
import { consoleColumns, fitLines } from "../console/fit.ts";
import { ProgressBar } from "../console/progress.ts";
import { formatComparison } from "../console/compare-table.ts";
import { formatBacktest } from "../console/run-summary.ts";
import { DEFAULT_COMPARE, parseCompareList } from "../core/compare/arms.ts";
import { BUNDLED_SAMPLE } from "../core/sample.ts";
import type { AppConfig } from "../../config/schema.ts";
import { formatSeriesBacktest } from "../console/run-summary.ts";
import { runSeriesBacktest } from "../drivers/backtest-series.ts";
import { filesBySeries } from "./series-files.ts";
import { parseSeriesList, seriesSpec } from "../../domain/series.ts";
import { BacktestError, runBacktest } from "../drivers/backtest.ts";
import { type Io, PROCESS_IO } from "./io.ts";
import { preflightBacktest } from "./preflight.ts";
import { reportAfterRun } from "./report-html/command.ts";

export interface BacktestCommandOptions {
  readonly data?: readonly string[];
  readonly from?: number;
  readonly to?: number;
  readonly json?: string;
  readonly config?: string;
  readonly out?: string;
  readonly predictions?: number;
  readonly force?: boolean;
  readonly quotes?: readonly string[];
  readonly assumeSpread?: number;
  readonly quoteDelay?: number;
  /** Write the HTML report after the run (true: <out>/report.html). */
  readonly html?: string | true;
  /** --compare [list]: strategies side by side (true: the default list). */
  readonly compare?: string | true;
  /** The series the prices are of ("KXETH15M"): one. */
  readonly series?: string;
}

/** `btc15 backtest`: checks first, runs with a progress bar, prints the summary (and the JSON where asked). */
export async function backtestCommand(opts: BacktestCommandOptions, io: Io = PROCESS_IO): Promise<void> {
  const loaded = opts.config ? loadConfigFile(opts.config) : defaultConfig();
  const base = opts.series === undefined ? loaded : { ...loaded, series: parseSeriesList(opts.series) };
  const config = opts.predictions === undefined ? base : { ...base, backtest: { ...base.backtest, predictionEverySeconds: opts.predictions } };
  if (config.series.length > 1) {
    if (opts.compare !== undefined) throw new BacktestError("--compare runs one series at a time: give --series one of them");
    return seriesBacktestCommand(opts, config, io);
  }
  const series = config.series[0]!;
  if (series !== "KXBTC15M" && !(opts.data && opts.data.length)) throw new BacktestError(`btc15 bundles only Bitcoin's prices: give ${series}'s (${seriesSpec(series).coin}/USD one-minute or one-second bars) with --data FILE`);
  const files = opts.data && opts.data.length ? opts.data : [BUNDLED_SAMPLE];
  const outDir = opts.out ?? config.backtest.outDir;
  const force = Boolean(opts.force);
  if (!opts.quotes?.length) {
    const without = [opts.assumeSpread !== undefined ? "--assume-spread" : "", opts.quoteDelay !== undefined ? "--quote-delay" : ""].filter(Boolean);
    if (without.length) throw new BacktestError(`${without.join(" and ")} only appl${without.length === 1 ? "ies" : "y"} with --quotes`);
  }
  preflightBacktest({ files, from: opts.from, to: opts.to, outDir, liveDataDir: config.dataDir, json: opts.json, html: opts.html, force });
  const compare = opts.compare === undefined ? undefined : parseCompareList(opts.compare === true ? DEFAULT_COMPARE : opts.compare);
  const bar = new ProgressBar("backtest", io.err);
  const result = await runBacktest({
    files,
    from: opts.from,
    to: opts.to,
    config,
    outDir,
    force,
    ...(opts.quotes ? { quotes: opts.quotes } : {}),
    ...(opts.assumeSpread !== undefined ? { assumeSpreadCents: opts.assumeSpread } : {}),
    ...(opts.quoteDelay !== undefined ? { quoteDelaySeconds: opts.quoteDelay } : {}),
    ...(compare ? { compare } : {}),
    onProgress: (d, t) => bar.update(d, t),
    onWarning: (w) => io.err.write(`warning: ${w}\n`),
  });
  bar.done();
  const table = result.comparison ? "\n\n" + formatComparison(result.comparison) : "";
  const text = formatBacktest(result) + table + "\n" + (await reportAfterRun(outDir, opts.html));
  writeSummary(text, result, opts.json, io);
}

/**
 * `btc15 backtest --series A,B --data A=FILE --data B=FILE`: the series backtested together, in
 * one time order and under the limits on all of them together; each one's summary, then the total.
 * Bitcoin's prices default to the bundled sample; every other series needs its own.
 */
async function seriesBacktestCommand(opts: BacktestCommandOptions, config: AppConfig, io: Io): Promise<void> {
  const data = filesBySeries("--data", opts.data, config.series);
  if (config.series.includes("KXBTC15M") && !data.KXBTC15M) data.KXBTC15M = [BUNDLED_SAMPLE];
  const missing = config.series.filter((s) => !data[s]?.length);
  if (missing.length) throw new BacktestError(`btc15 bundles only Bitcoin's prices: give ${missing.join(", ")} price files with --data ${missing[0]}=FILE`);
  const quotes = filesBySeries("--quotes", opts.quotes, config.series);
  const outDir = opts.out ?? config.backtest.outDir;
  const force = Boolean(opts.force);
  preflightBacktest({ files: Object.values(data).flat(), from: opts.from, to: opts.to, outDir, liveDataDir: config.dataDir, json: opts.json, html: opts.html, force });
  const bar = new ProgressBar("backtest", io.err);
  const result = await runSeriesBacktest({
    config,
    data,
    quotes,
    from: opts.from,
    to: opts.to,
    outDir,
    force,
    ...(opts.assumeSpread !== undefined ? { assumeSpreadCents: opts.assumeSpread } : {}),
    ...(opts.quoteDelay !== undefined ? { quoteDelaySeconds: opts.quoteDelay } : {}),
    onProgress: (d, t) => bar.update(d, t),
    onWarning: (w) => io.err.write(`warning: ${w}\n`),
  });
  bar.done();
  const text = formatSeriesBacktest(result) + "\n" + (await reportAfterRun(outDir, opts.html));
  writeSummary(text, result, opts.json, io);
}

/** The summary on the console (on stderr when the JSON goes to stdout), and the JSON where --json says. */
function writeSummary(text: string, result: unknown, json: string | undefined, io: Io): void {
  const summary = fitLines(text, consoleColumns(json === "-" ? io.err : io.out, io.env)) + "\n";
  if (json === "-") {
    io.err.write(summary);
    io.out.write(JSON.stringify(result, null, 2) + "\n");
  } else {
    io.out.write(summary);
    if (json) writeFileSync(json, JSON.stringify(result, null, 2) + "\n");
  }
}
