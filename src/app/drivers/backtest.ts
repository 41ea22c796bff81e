import { resolve } from "node:path";
import { UserError } from "../../domain/errors.ts";
import { isoUtc } from "../../domain/window.ts";
import type { AppConfig } from "../../config/schema.ts";
import { DEFAULT_RECORDED_MARKET, RecordedMarket } from "../../engine/recorded-market.ts";
import type { MarketSource } from "../../engine/market.ts";
import { type ReplayStats, replayHistory } from "../../history/files.ts";
import { type QuoteHistory, readQuoteFiles } from "../../history/quote-files.ts";
import { exportCsv } from "../../store/export.ts";
import { seriesSpec } from "../../domain/series.ts";
import { writeJsonAtomic } from "../../store/snapshot.ts";
import { startAfresh } from "../../store/fresh-journal.ts";
import { FileJournal, journalFiles } from "../../store/trade-journal.ts";
import type { EngineEvent } from "../../domain/events.ts";
import { type MarketSpec, buildCore } from "../core/builder.ts";
import type { ArmSpec } from "../core/compare/arms.ts";
import { Comparison, compareNotes } from "../core/compare/comparison.ts";
import { writeComparison } from "../core/compare/files.ts";
import { performanceSnapshot } from "../core/performance.ts";
import { type BacktestResult, runResult } from "../core/run-result.ts";

export type { BacktestResult } from "../core/run-result.ts";

export class BacktestError extends UserError {}

export interface BacktestOptions {
  readonly files: readonly string[];
  readonly from?: number;
  readonly to?: number;
  readonly config: AppConfig;
  /** Where the journal goes; must not be the live data directory. */
  readonly outDir: string;
  /** Recorded Kalshi quotes to trade against instead of the synthetic market. */
  readonly quotes?: readonly string[];
  /** Spread assumed for quote rows that give only a mid, cents (default 2). */
  readonly assumeSpreadCents?: number;
  /** A quote row labelled L is usable from L + this many seconds (default 0). */
  readonly quoteDelaySeconds?: number;
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Delete a journal in outDir that a backtest did not make. */
  readonly force?: boolean;
  /** Bad price rows skipped (file and line), and journal problems that do not stop the run. */
  readonly onWarning?: (message: string) => void;
  /** Strategies to run side by side over the same prices, each its own paper account (--compare). */
  readonly compare?: readonly ArmSpec[];
}

/** One line on why a quotes backtest quoted no window at all: it is an error, not a result. */
function noWindowQuoted(quotes: QuoteHistory, market: RecordedMarket, stats: ReplayStats): string {
  const c = market.counters;
  const span = (a: number | null, b: number | null) => (a === null || b === null ? "nothing" : `${isoUtc(a)} → ${isoUtc(b)}`);
  const where = `quotes ${span(quotes.stats.first, quotes.stats.last)}, prices ${span(stats.firstBar, stats.lastBar)}`;
  if (c.lookups === 0) return `no window was quoted: the engine never reached a window it could trade (${where})`;
  if (c.crossed > 0 && c.crossed >= c.lookups - c.missing) return `no window was quoted: every recorded quote the engine met was crossed (YES bid at or above YES ask) (${where})`;
  const parts = [[c.missing, "no row of their market yet"], [c.stale, `only rows older than ${DEFAULT_RECORDED_MARKET.maxAgeSeconds} s`], [c.crossed, "a crossed book"], [c.empty, "an empty book"]].filter(([n]) => (n as number) > 0).map(([n, what]) => `${(n as number).toLocaleString("en-US")} ${what}`);
  return `no window was quoted: of ${c.lookups.toLocaleString("en-US")} seconds asked, ${parts.join(", ")} (${where}); do the quotes cover the prices' dates?`;
}

/** A series' recorded quotes for a backtest (null without files), refused when no row is usable. */
export async function readBacktestQuotes(files: readonly string[] | undefined, priceDigits: number, assumeSpreadCents: number | undefined, forSeries = ""): Promise<QuoteHistory | null> {
  if (!files?.length) return null;
  const quotes = await readQuoteFiles(files, { priceDigits, ...(assumeSpreadCents === undefined ? {} : { assumeSpreadCents }) });
  if (quotes.quotes.size === 0) throw new BacktestError(`no usable quote rows${forSeries ? ` for ${forSeries}` : ""} in ${files.join(", ")}${quotes.stats.examples.length ? `; first problems:\n  ${quotes.stats.examples.join("\n  ")}` : ""}`);
  return quotes;
}

/** A backtest's journal: written at the end (not each trade), predictions only when asked. */
export function backtestJournal(dir: string, predictionEverySeconds: number, onWarning: ((message: string) => void) | undefined): FileJournal {
  return new FileJournal(dir, { durable: false, predictions: predictionEverySeconds > 0, predictionBuffer: 1 << 16, onWarning, gzipLevel: 1 });
}

/** After the run: a quotes file that quoted no window at all is an error, said with why. */
export function checkSomeWindowQuoted(quotes: QuoteHistory | null, market: MarketSource, stats: ReplayStats): void {
  if (quotes !== null && market instanceof RecordedMarket && market.windowsQuoted === 0) throw new BacktestError(noWindowQuoted(quotes, market, stats));
}

/**
 * A backtest (or the demo, or a replay) never writes into the live trader's data directory, not
 * even with --force: its journal is the user's paper record.
 */
export function checkNotLiveDataDir(outDir: string, liveDataDir: string, role = "the backtest output directory", flag = "--out"): void {
  if (resolve(outDir) === resolve(liveDataDir)) {
    throw new BacktestError(`${role} ${outDir} is the live data directory (npm start's journal; --force does not change that): choose another with ${flag}`);
  }
}

/**
 * Runs the engine over price history exactly as it runs live: one price per second into the
 * same sampler, forecaster, strategy and paper broker, against the synthetic market or against
 * recorded Kalshi quotes. Every window's forecasts at each whole minute before its close are
 * scored, beside a coin flip, the plain fair value and (with quotes) the market's own mid,
 * whether a trade was made or not.
 */
export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const started = performance.now();
  if (o.files.length === 0) throw new BacktestError("no price files given");
  checkNotLiveDataDir(o.outDir, o.config.dataDir);
  if (o.config.series.length !== 1) throw new BacktestError(`runBacktest runs one series; several go through runSeriesBacktest (backtest-series.ts): ${o.config.series.join(",")}`);
  const priceDigits = seriesSpec(o.config.series[0]!).priceDigits;
  const quotes = await readBacktestQuotes(o.quotes, priceDigits, o.assumeSpreadCents);
  const every = o.config.backtest.predictionEverySeconds;
  startAfresh(o.outDir, { madeBy: "backtest", force: o.force ?? false, flag: "--out" });
  const journal = backtestJournal(o.outDir, every, o.onWarning);
  const recorded = quotes === null ? null : { ...DEFAULT_RECORDED_MARKET, quoteDelaySeconds: o.quoteDelaySeconds ?? 0 };
  const marketSpec: MarketSpec = quotes === null ? { kind: "synthetic" } : { kind: "recorded", tape: quotes, params: recorded! };
  const comparison = o.compare?.length ? new Comparison(o.compare) : null;
  comparison?.start({ config: o.config, market: marketSpec, settlement: "proxy" });
  const core = buildCore({
    config: o.config,
    market: marketSpec,
    settlement: "proxy",
    journal,
    predictionEverySeconds: every,
    ...(comparison ? { onEvent: (e: EngineEvent) => comparison.feed(e) } : {}),
  });
  const { engine, sampler } = core;
  let stats: ReplayStats;
  try {
    stats = await replayHistory(o.files, sampler, { from: o.from, to: o.to, onProgress: o.onProgress, onWarning: o.onWarning });
    sampler.flush();
  } catch (e) {
    journal.close();
    throw e;
  }
  journal.close();
  await journal.idle();
  if (stats.parse.bars === 0 || stats.firstBar === null) {
    const why = stats.parse.examples.length ? `; first problems:\n  ${stats.parse.examples.join("\n  ")}` : "";
    throw new BacktestError(`no usable price rows in ${o.files.join(", ")}${o.from !== undefined || o.to !== undefined ? " within --from/--to" : ""}${why}`);
  }
  checkSomeWindowQuoted(quotes, core.market, stats);
  const market = quotes === null ? null : (core.market as RecordedMarket);
  const files = journalFiles(o.outDir);
  writeJsonAtomic(files.performance, performanceSnapshot(engine.account.summary(), core.lastSecond));
  await exportCsv(o.outDir);

  const assumed = quotes?.stats.assumedSpreadCents ?? null;
  const marketNote =
    quotes === null
      ? null
      : `recorded Kalshi quotes${recorded!.quoteDelaySeconds ? `, each row used from ${recorded!.quoteDelaySeconds} s after its label` : ""}; fills at the quoted ask with ${recorded!.depth} contracts assumed there (the files have no depth)` +
        (assumed === null ? "" : `; rows with only a mid got an assumed spread of ${assumed}¢ (bid = mid − ${assumed / 2}¢, ask = mid + ${assumed / 2}¢)`);
  const result: BacktestResult = {
    ...runResult(core, marketNote),
    elapsed_ms: Math.round(performance.now() - started),
    market: quotes === null ? `synthetic (spread ${o.config.synthetic.spreadCents}¢, depth ${o.config.synthetic.depth})` : `recorded Kalshi quotes (${quotes.stats.files.length} file${quotes.stats.files.length === 1 ? "" : "s"})`,
    market_data:
      quotes === null || market === null
        ? null
        : {
            files: quotes.stats.files,
            rows: quotes.stats.rows,
            skipped_rows: quotes.stats.skipped,
            skipped_reasons: quotes.stats.reasons,
            tickers: quotes.stats.tickers,
            results: quotes.stats.results,
            assumed_spread_cents: assumed,
            depth_assumed: recorded!.depth,
            quote_delay_seconds: recorded!.quoteDelaySeconds ?? 0,
            windows_quoted: market.windowsQuoted,
            windows_without_quotes: market.windowsWithoutQuotes,
          },
    data: {
      files: stats.files.map((f) => f.path),
      first_bar: stats.firstBar === null ? null : isoUtc(stats.firstBar),
      last_bar: stats.lastBar === null ? null : isoUtc(stats.lastBar),
      bar_seconds: stats.files.map((f) => f.barSeconds),
      close_only: stats.files.map((f) => f.closeOnly),
      rows: stats.parse.rows,
      skipped_rows: stats.parse.skipped,
      skipped_reasons: stats.parse.reasons,
      carried_seconds: sampler.counters.carried,
      gaps: sampler.counters.gaps,
    },
    comparison: comparison === null ? null : comparison.result(compareNotes(quotes === null ? "synthetic" : "recorded")),
    out_dir: o.outDir,
  };
  if (comparison !== null && result.comparison !== null) writeComparison(o.outDir, comparison, result.comparison);
  // The report (`btc15 report --html`) reads the scores from here: a backtest journals no predictions.
  writeJsonAtomic(`${o.outDir}/backtest.json`, result);
  return result;
}
