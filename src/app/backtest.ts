import { resolve } from "node:path";
import { UserError } from "../domain/errors.ts";
import { moneyToDollars } from "../domain/money.ts";
import { isoUtc } from "../domain/window.ts";
import { engineConfig, syntheticMarketParams } from "../config/engine-config.ts";
import type { AppConfig } from "../config/schema.ts";
import { Engine, type NoTradeCounts } from "../engine/engine.ts";
import type { JournalPort } from "../engine/journal.ts";
import { Sampler } from "../engine/sampler.ts";
import { SyntheticMarket } from "../engine/synthetic-market.ts";
import { type ReplayStats, replayHistory } from "../history/files.ts";
import type { CalibrationBin } from "../report/metrics.ts";
import { CHECKPOINT_MINUTES, Scorecard, checkpointMinutes } from "../report/scorecard.ts";
import { exportCsv } from "../store/export.ts";
import { writeJsonAtomic } from "../store/snapshot.ts";
import { FileJournal, clearJournal, journalFiles } from "../store/trade-journal.ts";
import { performanceSnapshot } from "./performance.ts";

export class BacktestError extends UserError {}

export interface BacktestOptions {
  readonly files: readonly string[];
  readonly from?: number;
  readonly to?: number;
  readonly config: AppConfig;
  /** Where the journal goes; must not be the live data directory. */
  readonly outDir: string;
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

/** The backtest's answer; `--json` prints exactly this. Money in dollars. */
export interface BacktestResult {
  readonly windows: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly win_rate: number | null;
  readonly pnl: number;
  readonly fees: number;
  readonly roi: number;
  readonly max_drawdown: number;
  readonly start_balance: number;
  readonly final_balance: number;
  readonly open_positions: number;
  readonly voided: number;
  readonly samples: number;
  readonly elapsed_ms: number;
  readonly forecasts_scored: number;
  readonly brier: number | null;
  readonly log_loss: number | null;
  readonly brier_by_minutes_to_close: Record<string, number | null>;
  readonly calibration: CalibrationBin[];
  readonly baselines: {
    readonly coin_flip: { readonly brier: number | null; readonly log_loss: number | null };
    readonly fair_value: { readonly brier: number | null; readonly log_loss: number | null; readonly brier_by_minutes_to_close: Record<string, number | null> };
    readonly market: null;
    readonly note: string;
  };
  readonly market: string;
  readonly no_trade_reasons: NoTradeCounts;
  readonly data: {
    readonly files: readonly string[];
    readonly first_bar: string | null;
    readonly last_bar: string | null;
    readonly bar_seconds: readonly number[];
    readonly rows: number;
    readonly skipped_rows: number;
    readonly skipped_reasons: Record<string, number>;
    readonly carried_seconds: number;
    readonly gaps: number;
  };
  readonly out_dir: string;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

function mapNum(r: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v)]));
}

/**
 * The backtest's engine: synthetic market, proxy settlement, and a scorecard that scores the
 * forecaster, the plain fair value and a coin flip at every checkpoint of every window.
 */
export function scoredEngine(config: AppConfig, journal: JournalPort, predictionEverySeconds: number): { engine: Engine; scorecard: Scorecard } {
  const scorecard = new Scorecard(["hybrid", "fair_value", "coin_flip"]);
  const engine = new Engine(engineConfig(config, { settlement: "proxy", predictionEverySeconds }), {
    market: new SyntheticMarket(syntheticMarketParams(config)),
    journal,
    listener: {
      onForecast(e) {
        const minutes = checkpointMinutes(e.window.close, e.t);
        if (minutes !== null) scorecard.record(e.window.close, minutes, [e.forecast.pUp, e.forecast.fairValue, 0.5]);
      },
      onWindowClosed(w) {
        scorecard.resolve(w.window.close, w.result === null ? null : w.result === "yes");
      },
    },
  });
  return { engine, scorecard };
}

/**
 * Runs the engine over price history exactly as it runs live: one price per second into the
 * same sampler, forecaster, strategy and paper broker, against the synthetic market (no Kalshi
 * prices exist for these dates). Every window's forecasts at each whole minute before its close
 * are scored, beside a coin flip and the plain fair value, whether a trade was made or not.
 */
export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const started = performance.now();
  if (o.files.length === 0) throw new BacktestError("no price files given");
  if (resolve(o.outDir) === resolve(o.config.dataDir)) {
    throw new BacktestError(`the backtest output directory ${o.outDir} is the live data directory: choose another with --out`);
  }
  const every = o.config.backtest.predictionEverySeconds;
  clearJournal(o.outDir);
  const journal = new FileJournal(o.outDir, { durable: false, predictions: every > 0, predictionBuffer: 1 << 16 });
  const { engine, scorecard } = scoredEngine(o.config, journal, every);
  let lastSecond: number | null = null;
  const sampler = new Sampler(
    {
      onSecond(second, cents, carried, exact) {
        lastSecond = second;
        engine.onSecond(second, cents, carried, exact);
      },
      onGap(from, to) {
        scorecard.dropPending();
        engine.onGap(from, to);
      },
    },
    { maxCarrySeconds: o.config.backtest.maxCarrySeconds },
  );
  let stats: ReplayStats;
  try {
    stats = await replayHistory(o.files, sampler, { from: o.from, to: o.to, onProgress: o.onProgress });
    sampler.flush();
  } catch (e) {
    journal.close();
    throw e;
  }
  journal.close();
  if (stats.parse.bars === 0) {
    const why = stats.parse.examples.length ? `; first problems:\n  ${stats.parse.examples.join("\n  ")}` : "";
    throw new BacktestError(`no usable price rows in ${o.files.join(", ")}${o.from !== undefined || o.to !== undefined ? " within --from/--to" : ""}${why}`);
  }
  const summary = engine.account.summary();
  const files = journalFiles(o.outDir);
  writeJsonAtomic(files.performance, performanceSnapshot(summary, lastSecond));
  exportCsv(o.outDir);

  const hybrid = scorecard.score("hybrid");
  const fair = scorecard.score("fair_value");
  const coin = scorecard.score("coin_flip");
  const minutes = (r: Record<string, number>) => mapNum(Object.fromEntries(CHECKPOINT_MINUTES.map((m) => [String(m), r[String(m)] ?? NaN])));
  return {
    windows: hybrid.windows,
    trades: summary.trades,
    wins: summary.wins,
    losses: summary.losses,
    win_rate: summary.settled === 0 ? null : summary.wins / summary.settled,
    pnl: moneyToDollars(summary.pnl),
    fees: moneyToDollars(summary.fees),
    roi: summary.pnl / summary.startBalance,
    max_drawdown: moneyToDollars(summary.maxDrawdown),
    start_balance: moneyToDollars(summary.startBalance),
    final_balance: moneyToDollars(summary.balance + summary.openCost),
    open_positions: summary.openPositions,
    voided: summary.voided,
    samples: engine.counters.samples,
    elapsed_ms: Math.round(performance.now() - started),
    forecasts_scored: hybrid.n,
    brier: num(hybrid.brier),
    log_loss: num(hybrid.log_loss),
    brier_by_minutes_to_close: minutes(hybrid.brier_by_minutes_to_close),
    calibration: hybrid.calibration,
    baselines: {
      coin_flip: { brier: num(coin.brier), log_loss: num(coin.log_loss) },
      fair_value: { brier: num(fair.brier), log_loss: num(fair.log_loss), brier_by_minutes_to_close: minutes(fair.brier_by_minutes_to_close) },
      market: null,
      note: "no Kalshi prices exist for these dates: the market-price baseline cannot be scored here, and trades are against synthetic quotes around the fair value",
    },
    market: `synthetic (spread ${o.config.synthetic.spreadCents}¢, depth ${o.config.synthetic.depth})`,
    no_trade_reasons: engine.counters.noTrade,
    data: {
      files: stats.files.map((f) => f.path),
      first_bar: stats.firstBar === null ? null : isoUtc(stats.firstBar),
      last_bar: stats.lastBar === null ? null : isoUtc(stats.lastBar),
      bar_seconds: stats.files.map((f) => f.barSeconds),
      rows: stats.parse.rows,
      skipped_rows: stats.parse.skipped,
      skipped_reasons: stats.parse.reasons,
      carried_seconds: sampler.counters.carried,
      gaps: sampler.counters.gaps,
    },
    out_dir: o.outDir,
  };
}
