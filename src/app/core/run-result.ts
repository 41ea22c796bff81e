import { moneyToDollars } from "../../domain/money.ts";
import type { NoTradeCounts } from "../../engine/engine.ts";
import type { CalibrationBin } from "../../report/metrics.ts";
import { wilson } from "../../report/html/wilson.ts";
import { CHECKPOINT_MINUTES, type ForecasterScore, type MeanWithInterval, type Scorecard } from "../../report/scorecard.ts";
import type { ComparisonResult } from "./compare/comparison.ts";
import type { Core } from "./builder.ts";
import { type TradeFigures, tradeFigures } from "./trade-figures.ts";

/** Brier and log loss, with Brier by minutes before the close ("1"…"14"). */
export interface ScoreFigures {
  readonly brier: number | null;
  readonly log_loss: number | null;
  readonly brier_by_minutes_to_close: Record<string, number | null>;
}

/** A Brier score (or a difference of two) with its 95 % t-interval over windows. */
export interface BrierInterval {
  readonly brier: number | null;
  readonly ci95: [number, number] | null;
}

/** At one horizon ("all" checkpoints, or minutes "10", "5", "2" before the close), on identical checkpoints. */
export interface PairedComparison {
  readonly windows: number;
  readonly market: BrierInterval;
  readonly model: BrierInterval;
  readonly fair_value: BrierInterval;
  /** Brier(model) − Brier(market), window by window; negative: the model forecast better. */
  readonly model_minus_market: BrierInterval;
  readonly fair_value_minus_market: BrierInterval;
}

/** The horizons the paired comparison reports. */
export const PAIRED_HORIZONS = ["all", "10", "5", "2"] as const;

/** The market's own mid scored on the checkpoints where it quoted, beside ours on the same ones. */
export interface MarketBaseline extends ScoreFigures {
  readonly forecasts_scored: number;
  readonly windows: number;
  readonly model: ScoreFigures;
  readonly fair_value: ScoreFigures;
  readonly coin_flip: ScoreFigures;
  /** Brier with intervals and the paired differences, by horizon (see PAIRED_HORIZONS). */
  readonly paired: Record<(typeof PAIRED_HORIZONS)[number], PairedComparison>;
}

/** How often our own up/down call of a window (from our strike and settlement averages) matched the official result. */
export interface OutcomeAgreement {
  readonly compared: number;
  readonly agreed: number;
  readonly rate: number | null;
  /** Wilson 95 % interval of the rate. */
  readonly ci95: [number, number] | null;
}

/** What every run of the engine reports (backtest, replay); money in dollars. */
export interface RunResult extends TradeFigures {
  readonly windows: number;
  readonly roi: number;
  readonly start_balance: number;
  readonly samples: number;
  readonly forecasts_scored: number;
  readonly brier: number | null;
  readonly log_loss: number | null;
  readonly brier_by_minutes_to_close: Record<string, number | null>;
  readonly calibration: CalibrationBin[];
  readonly baselines: {
    readonly coin_flip: { readonly brier: number | null; readonly log_loss: number | null };
    readonly fair_value: ScoreFigures;
    /** Null when the run traded no real market (the synthetic maker quotes the fair value). */
    readonly market: MarketBaseline | null;
    readonly note: string;
  };
  readonly no_trade_reasons: NoTradeCounts;
  /** Null when no official result was known to compare with. */
  readonly outcome_agreement: OutcomeAgreement | null;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

function figures(s: ForecasterScore): ScoreFigures {
  return {
    brier: num(s.brier),
    log_loss: num(s.log_loss),
    brier_by_minutes_to_close: Object.fromEntries(CHECKPOINT_MINUTES.map((m) => [String(m), num(s.brier_by_minutes_to_close[String(m)] ?? NaN)])),
  };
}

function interval(m: MeanWithInterval): BrierInterval {
  return { brier: num(m.mean), ci95: m.ci95 === null ? null : [m.ci95[0], m.ci95[1]] };
}

function pairedAt(card: Scorecard, minutes: number | undefined): PairedComparison {
  const market = card.brierInterval("market", minutes);
  return {
    windows: market.n,
    market: interval(market),
    model: interval(card.brierInterval("model", minutes)),
    fair_value: interval(card.brierInterval("fair_value", minutes)),
    model_minus_market: interval(card.brierDifference("model", "market", minutes)),
    fair_value_minus_market: interval(card.brierDifference("fair_value", "market", minutes)),
  };
}

/** Our outcome against the official one, over the windows where both were known. */
export function outcomeAgreement(compared: number, disagreed: number): OutcomeAgreement | null {
  if (compared === 0) return null;
  const w = wilson(compared - disagreed, compared)!;
  return { compared, agreed: compared - disagreed, rate: w.rate, ci95: [w.lo, w.hi] };
}

/** The shared part of a run's answer, from the core after its last event. */
/** The engine counters a run reports: one engine's, or several sessions' taken together (a replay). */
export interface RunCounters {
  readonly samples: number;
  readonly noTrade: NoTradeCounts;
  /** Windows whose official result was compared with our proxy's, and those that disagreed. */
  readonly proxyCompared: number;
  readonly proxyDisagreements: number;
}

export function runResult(core: Core, marketNote: string | null, counters: RunCounters = core.engine.counters): RunResult {
  const summary = core.engine.account.summary();
  const model = core.scorecard.score("model");
  const fair = core.scorecard.score("fair_value");
  const coin = core.scorecard.score("coin_flip");
  const paired = core.marketScorecard.score("market");
  return {
    windows: model.windows,
    ...tradeFigures(summary, core.settledPnl),
    roi: summary.pnl / summary.startBalance,
    start_balance: moneyToDollars(summary.startBalance),
    samples: counters.samples,
    forecasts_scored: model.n,
    ...figures(model),
    calibration: model.calibration,
    baselines: {
      coin_flip: { brier: num(coin.brier), log_loss: num(coin.log_loss) },
      fair_value: figures(fair),
      market:
        marketNote === null
          ? null
          : {
              ...figures(paired),
              forecasts_scored: paired.n,
              windows: paired.windows,
              model: figures(core.marketScorecard.score("model")),
              fair_value: figures(core.marketScorecard.score("fair_value")),
              coin_flip: figures(core.marketScorecard.score("coin_flip")),
              paired: Object.fromEntries(PAIRED_HORIZONS.map((h) => [h, pairedAt(core.marketScorecard, h === "all" ? undefined : Number(h))])) as MarketBaseline["paired"],
            },
      note:
        marketNote ??
        "no Kalshi prices for these dates: the market-price baseline cannot be scored here, and trades are against synthetic quotes around the fair value",
    },
    no_trade_reasons: counters.noTrade,
    outcome_agreement: outcomeAgreement(counters.proxyCompared, counters.proxyDisagreements),
  };
}

/** The backtest's answer; `--json` prints exactly this. Money in dollars. */
export interface BacktestResult extends RunResult {
  readonly elapsed_ms: number;
  readonly market: string;
  /** The quotes traded against, when --quotes was given. */
  readonly market_data: {
    readonly files: readonly string[];
    readonly rows: number;
    readonly skipped_rows: number;
    readonly skipped_reasons: Record<string, number>;
    readonly tickers: number;
    readonly results: number;
    /** The spread assumed for mid-only rows, cents; null when every row had a bid and an ask. */
    readonly assumed_spread_cents: number | null;
    readonly depth_assumed: number;
    /** Seconds after its label from which a quote row was used. */
    readonly quote_delay_seconds: number;
    readonly windows_quoted: number;
    readonly windows_without_quotes: number;
  } | null;
  readonly data: {
    readonly files: readonly string[];
    readonly first_bar: string | null;
    readonly last_bar: string | null;
    readonly bar_seconds: readonly number[];
    /** Per file: it held closes only (open = high = low = close), so no bar's open was used. */
    readonly close_only: readonly boolean[];
    readonly rows: number;
    readonly skipped_rows: number;
    readonly skipped_reasons: Record<string, number>;
    readonly carried_seconds: number;
    readonly gaps: number;
  };
  /** The strategies run side by side (--compare), or null. */
  readonly comparison: ComparisonResult | null;
  readonly out_dir: string;
}

export interface ReplayedSession {
  readonly id: string;
  readonly started: string;
  readonly files: number;
  readonly events: number;
  readonly market: string;
  readonly settlement: string;
  readonly mode: string;
  readonly btc15_version: string;
  /** The series replayed from it. */
  readonly series: readonly string[];
}

/** A multi-series backtest's answer: each series' figures (as a backtest of it alone reports them) and all of them together. */
export interface SeriesBacktestResult {
  readonly series: Readonly<Record<string, RunResult & { readonly first_bar: string | null; readonly last_bar: string | null; readonly files: readonly string[] }>>;
  readonly total: TotalFigures;
  /** Orders refused by the limits on every series together. */
  readonly refused_by_total_limits: number;
  readonly elapsed_ms: number;
  readonly out_dir: string;
}

/** Every series of a run added up (money in dollars). */
export interface TotalFigures {
  readonly series: readonly string[];
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly pnl: number;
  readonly fees: number;
  readonly start_balance: number;
  readonly final_balance: number;
  readonly open_positions: number;
}

export function totalFigures(by: Readonly<Record<string, RunResult>>): TotalFigures {
  const list = Object.values(by);
  const sum = (f: (r: RunResult) => number) => Math.round(list.reduce((n, r) => n + f(r), 0) * 10_000) / 10_000;
  return {
    series: Object.keys(by),
    trades: sum((r) => r.trades),
    wins: sum((r) => r.wins),
    losses: sum((r) => r.losses),
    pnl: sum((r) => r.pnl),
    fees: sum((r) => r.fees),
    start_balance: sum((r) => r.start_balance),
    final_balance: sum((r) => r.final_balance),
    open_positions: sum((r) => r.open_positions),
  };
}

/**
 * The replay's answer: the backtest's figures on the real recorded books, plus what was replayed.
 * The top-level figures are the first series'; `series` holds each one's, `total` all of them.
 */
export interface ReplayResult extends RunResult {
  readonly series: Readonly<Record<string, RunResult>>;
  readonly total: TotalFigures;
  readonly sessions: readonly ReplayedSession[];
  /** "recorded": each session's own configuration; "given": the --config file. */
  readonly config: "recorded" | "given";
  readonly events: number;
  readonly ticks_skipped: number;
  readonly elapsed_ms: number;
  readonly events_per_s: number;
  readonly market: string;
  readonly recording: { readonly lines: number; readonly skipped: number; readonly problems: readonly string[] };
  /** The strategies run side by side (--compare), or null. */
  readonly comparison: ComparisonResult | null;
  readonly out_dir: string;
}
