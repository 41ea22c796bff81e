import { join } from "node:path";
import { totalLimits } from "../../config/engine-config.ts";
import type { AppConfig } from "../../config/schema.ts";
import { seriesSpec } from "../../domain/series.ts";
import { isoUtc } from "../../domain/window.ts";
import { Portfolio } from "../../engine/portfolio.ts";
import { DEFAULT_RECORDED_MARKET } from "../../engine/recorded-market.ts";
import { Sampler } from "../../engine/sampler.ts";
import { type ReplayStats, replayHistory } from "../../history/files.ts";
import type { QuoteHistory } from "../../history/quote-files.ts";
import { exportCsv } from "../../store/export.ts";
import { startAfresh } from "../../store/fresh-journal.ts";
import { seriesDir } from "../../store/series-layout.ts";
import { writeJsonAtomic } from "../../store/snapshot.ts";
import { type FileJournal, journalFiles } from "../../store/trade-journal.ts";
import { type Core, buildCore } from "../core/builder.ts";
import { performanceSnapshot } from "../core/performance.ts";
import { type SeriesBacktestResult, runResult, totalFigures } from "../core/run-result.ts";

export type { SeriesBacktestResult } from "../core/run-result.ts";
import { BacktestError, backtestJournal, checkNotLiveDataDir, checkSomeWindowQuoted, readBacktestQuotes } from "./backtest.ts";
import { Interleave } from "./interleave.ts";

export interface SeriesBacktestOptions {
  /** Its `series` names the series, in order; each needs its price files. */
  readonly config: AppConfig;
  /** Each series' price files (the coin's). */
  readonly data: Readonly<Record<string, readonly string[]>>;
  /** Each series' recorded Kalshi quotes, where given (the synthetic market otherwise). */
  readonly quotes?: Readonly<Record<string, readonly string[]>>;
  readonly from?: number;
  readonly to?: number;
  /** Journals go in a folder per series under it. */
  readonly outDir: string;
  readonly force?: boolean;
  readonly assumeSpreadCents?: number;
  readonly quoteDelaySeconds?: number;
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
  readonly onWarning?: (message: string) => void;
}

/**
 * Several series backtested together, as a live process runs them: each series' prices read from
 * its own files into its own engine, the engines taking their seconds in one time order
 * (Interleave), all of them seen by one portfolio (the limits on every series together). Each
 * series journals in its own folder of `outDir`.
 */
export async function runSeriesBacktest(o: SeriesBacktestOptions): Promise<SeriesBacktestResult> {
  const started = performance.now();
  const series = o.config.series;
  for (const s of series) if (!o.data[s]?.length) throw new BacktestError(`no price files for ${s}: give them with --data ${s}=FILE`);
  checkNotLiveDataDir(o.outDir, o.config.dataDir);
  startAfresh(o.outDir, { madeBy: "backtest", force: o.force ?? false, flag: "--out" });
  const every = o.config.backtest.predictionEverySeconds;
  const portfolio = new Portfolio(totalLimits(o.config, false));
  const runs: { s: string; core: Core; journal: FileJournal; quotes: QuoteHistory | null }[] = [];
  for (const s of series) {
    const quotes = await readBacktestQuotes(o.quotes?.[s], seriesSpec(s).priceDigits, o.assumeSpreadCents, s);
    const journal = backtestJournal(seriesDir(o.outDir, s), every, o.onWarning);
    const core = buildCore({
      config: o.config,
      series: s,
      portfolio,
      market: quotes === null ? { kind: "synthetic" } : { kind: "recorded", tape: quotes, params: { ...DEFAULT_RECORDED_MARKET, quoteDelaySeconds: o.quoteDelaySeconds ?? 0 } },
      settlement: "proxy",
      journal,
      predictionEverySeconds: every,
    });
    runs.push({ s, core, journal, quotes });
  }
  // Each series' own sampler, whose seconds wait in the interleave for the others'.
  const merge = new Interleave(runs.map((r) => (e) => r.core.feed(e)));
  const samplers = runs.map((r, i) => new Sampler((e) => merge.push(i, e), { maxCarrySeconds: o.config.backtest.maxCarrySeconds, unitsPerDollar: r.core.engine.scale.perDollar }));
  const done = runs.map(() => 0);
  const total = runs.map(() => 0);
  let stats: ReplayStats[];
  try {
    stats = await Promise.all(
      runs.map(async (r, i) => {
        const st = await replayHistory(o.data[r.s]!, samplers[i]!, {
          from: o.from,
          to: o.to,
          onWarning: o.onWarning,
          afterChunk: () => merge.afterChunk(i),
          onProgress: (d, t) => {
            done[i] = d;
            total[i] = t;
            o.onProgress?.(done.reduce((a, b) => a + b, 0), total.reduce((a, b) => a + b, 0));
          },
        });
        samplers[i]!.flush();
        merge.finish(i);
        return st;
      }),
    );
  } finally {
    for (const r of runs) r.journal.close();
  }
  const bySeries: Record<string, SeriesBacktestResult["series"][string]> = {};
  for (const [i, r] of runs.entries()) {
    await r.journal.idle();
    const st = stats[i]!;
    if (st.parse.bars === 0 || st.firstBar === null) throw new BacktestError(`no usable price rows for ${r.s} in ${o.data[r.s]!.join(", ")}`);
    checkSomeWindowQuoted(r.quotes, r.core.market, st);
    const dir = seriesDir(o.outDir, r.s);
    writeJsonAtomic(journalFiles(dir).performance, performanceSnapshot(r.core.engine.account.summary(), r.core.lastSecond));
    await exportCsv(dir);
    const result = {
      ...runResult(r.core, r.quotes === null ? null : "recorded Kalshi quotes"),
      first_bar: isoUtc(st.firstBar),
      last_bar: st.lastBar === null ? null : isoUtc(st.lastBar),
      files: st.files.map((f) => f.path),
    };
    // The report reads each series' scores from its own folder, as after a backtest of it alone.
    writeJsonAtomic(join(dir, "backtest.json"), result);
    bySeries[r.s] = result;
  }
  const out: SeriesBacktestResult = {
    series: bySeries,
    total: totalFigures(bySeries),
    refused_by_total_limits: runs.reduce((n, r) => n + r.core.engine.counters.refused.max_total_exposure + r.core.engine.counters.refused.max_total_daily_loss, 0),
    elapsed_ms: Math.round(performance.now() - started),
    out_dir: o.outDir,
  };
  writeJsonAtomic(join(o.outDir, "backtest.json"), out);
  return out;
}
