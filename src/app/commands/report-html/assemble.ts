import type { TradeJournalRecord } from "../../../domain/records.ts";
import { WINDOW_SECONDS } from "../../../domain/window.ts";
import type { Absent, ComparisonView, ForecastScores, LagView, ForecasterKey, ForecasterScores, NoTradeCounts, ReportData, SeriesRow, WindowView } from "../../../report/html/report-data.ts";
import { CHECKPOINT_MINUTES, Scorecard } from "../../../report/scorecard.ts";
import { tearSheet } from "../../../report/tear-sheet.ts";
import { accountView } from "../../core/account-view.ts";
import type { BacktestScores, WindowRecord } from "./journal-input.ts";
import type { PredictionDigest } from "./prediction-digest.ts";

/** How many of the last windows the report draws. */
export const LAST_WINDOWS = 8;

const LABELS = { model: "btc15's forecaster", fair_value: "fair value baseline", coin_flip: "coin flip baseline", market: "market price (mid)" } as const;

const f4 = (x: number | null) => (x === null ? "n/a" : x.toFixed(4));

function fromBacktest(b: BacktestScores): ForecastScores {
  // A coin flip's every forecast scores (0.5 − outcome)² = 0.25, so its score at each minute is its overall score.
  const coinBy = (by: Record<string, number | null>) => Object.fromEntries(Object.entries(by).map(([m, v]) => [m, v === null ? null : b.baselines.coin_flip.brier]));
  const coin = (n: number, by: Record<string, number | null>): ForecasterScores => ({ key: "coin_flip", label: LABELS.coin_flip, n, brier: b.baselines.coin_flip.brier, brierByMinutes: coinBy(by) });
  const m = b.baselines.market;
  if (m !== null && m.model !== undefined && m.fair_value !== undefined) {
    // Side by side only on identical checkpoints: the ones where the market quoted both sides.
    const n = m.forecasts_scored ?? m.n ?? null;
    return {
      source: b.source ?? "backtest.json",
      windows: m.windows ?? b.windows,
      forecasters: [
        { key: "model", label: LABELS.model, n, brier: m.model.brier, brierByMinutes: m.model.brier_by_minutes_to_close },
        { key: "fair_value", label: LABELS.fair_value, n, brier: m.fair_value.brier, brierByMinutes: m.fair_value.brier_by_minutes_to_close },
        coin(n ?? 0, m.model.brier_by_minutes_to_close),
        { key: "market", label: LABELS.market, n, brier: m.brier, brierByMinutes: m.brier_by_minutes_to_close },
      ],
      calibration: b.calibration,
      notes: [
        sameCheckpointsNote(n ?? "?", m.windows ?? "?", b.forecasts_scored, b.windows, b.brier),
      ],
    };
  }
  const model: ForecasterScores = { key: "model", label: LABELS.model, n: b.forecasts_scored, brier: b.brier, brierByMinutes: b.brier_by_minutes_to_close };
  const fair: ForecasterScores = { key: "fair_value", label: LABELS.fair_value, n: b.forecasts_scored, brier: b.baselines.fair_value.brier, brierByMinutes: b.baselines.fair_value.brier_by_minutes_to_close };
  if (m !== null) {
    // An older backtest.json without the market's checkpoints for our forecasts: the two cannot be put side by side.
    return {
      source: b.source ?? "backtest.json",
      windows: b.windows,
      forecasters: [model, fair, coin(b.forecasts_scored, b.brier_by_minutes_to_close)],
      calibration: b.calibration,
      notes: [`The market's mid (Brier ${f4(m.brier)}) is not drawn beside them: this backtest.json does not hold our forecasts' scores on the market's own checkpoints, and scores on different checkpoints do not compare. Rerun the backtest to get them.`],
    };
  }
  return {
    source: b.source ?? "backtest.json",
    windows: b.windows,
    forecasters: [model, fair, coin(b.forecasts_scored, b.brier_by_minutes_to_close)],
    calibration: b.calibration,
    notes: b.baselines.note ? [`Market baseline not scored: ${b.baselines.note}.`] : [],
  };
}

const nullIfNaN = (x: number) => (Number.isFinite(x) ? x : null);

function byMinutes(r: Record<string, number>): Record<string, number | null> {
  return Object.fromEntries(CHECKPOINT_MINUTES.map((m) => [String(m), nullIfNaN(r[String(m)] ?? NaN)]));
}

/**
 * Scores the journaled forecasts at each window's checkpoints against the windows' results,
 * with the same Scorecard the backtest uses. The market's mid is scored on its own card because
 * it exists only where there was a two-sided quote.
 */
function fromPredictions(digest: PredictionDigest, windows: readonly WindowRecord[], quotesFrom: string | null): ForecastScores | Absent {
  if (digest.checkpoints.size === 0) return { absent: "No forecasts at the whole minutes before a close were journaled (a backtest journals predictions only with --predictions N)." };
  const results = new Map(windows.map((w) => [w.window_close, w.result]));
  const card = new Scorecard(["model", "fair_value", "coin_flip"]);
  // The market exists only where there was a two-sided quote: it and ours are scored there, together.
  const paired = new Scorecard(["model", "fair_value", "coin_flip", "market"]);
  let noRecord = 0;
  let unsettled = 0;
  let marketN = 0;
  for (const [close, byMinute] of digest.checkpoints) {
    const result = results.get(close);
    if (result === undefined) noRecord++;
    else if (result === null) unsettled++;
    if (result == null) continue;
    for (const f of byMinute.values()) {
      card.record(close, f.minutes, [f.model, f.fairValue, 0.5]);
      if (f.market !== null) {
        paired.record(close, f.minutes, [f.model, f.fairValue, 0.5, f.market]);
        marketN++;
      }
    }
    card.resolve(close, result === "yes");
    paired.resolve(close, result === "yes");
  }
  const model = card.score("model");
  if (model.n === 0) {
    return { absent: `Forecasts were journaled for ${digest.checkpoints.size} windows, but none of them has a known outcome in windows.jsonl, so none could be scored.` };
  }
  const series = (from: Scorecard, key: ForecasterKey): ForecasterScores => {
    const s = from.score(key);
    return { key, label: LABELS[key], n: s.n, brier: nullIfNaN(s.brier), brierByMinutes: byMinutes(s.brier_by_minutes_to_close) };
  };
  const notes: string[] = [];
  let forecasters: ForecasterScores[];
  let windowsScored = model.windows;
  if (marketN > 0) {
    forecasters = (["model", "fair_value", "coin_flip", "market"] as const).map((k) => series(paired, k));
    windowsScored = paired.score("market").windows;
    notes.push(sameCheckpointsNote(marketN, windowsScored, model.n, model.windows, nullIfNaN(model.brier)));
    if (quotesFrom !== null) notes.push(`The market's quotes came from: ${quotesFrom}${quotesFrom.includes("synthetic") ? " (the fair value plus noise, not Kalshi: its score says nothing about the real market)" : ""}.`);
    else notes.push("The predictions do not say which market quoted: in a backtest or the demo it is the synthetic market (the fair value plus noise, so its score says nothing about Kalshi), live it is Kalshi's book.");
  } else {
    forecasters = (["model", "fair_value", "coin_flip"] as const).map((k) => series(card, k));
    notes.push("Market baseline not scored: no two-sided quote at any checkpoint.");
  }
  if (noRecord > 0) notes.push(`${noRecord} window${noRecord === 1 ? "" : "s"} with forecasts but no record in windows.jsonl (still open, or closed after the journal stopped): not scored.`);
  if (unsettled > 0) notes.push(`${unsettled} window${unsettled === 1 ? "" : "s"} without a known result: not scored.`);
  return { source: "predictions.jsonl and windows.jsonl", windows: windowsScored, forecasters, calibration: model.calibration, notes };
}

export function forecastScores(backtest: BacktestScores | null, digest: PredictionDigest, windows: readonly WindowRecord[] | null, quotesFrom: string | null): ForecastScores | Absent {
  if (backtest !== null) return fromBacktest(backtest);
  if (windows === null) {
    return digest.checkpoints.size === 0
      ? { absent: "No forecasts to score: this journal has no predictions and no backtest.json." }
      : { absent: "No outcomes to score the forecasts against: this journal has no windows.jsonl (journals from before it existed) and no backtest.json." };
  }
  return fromPredictions(digest, windows, quotesFrom);
}

export function noTradeCounts(backtest: BacktestScores | null, digest: PredictionDigest): NoTradeCounts | Absent {
  const sorted = (entries: Iterable<[string, number]>) => [...entries].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([reason, n]) => ({ reason, n }));
  if (backtest !== null) return { unit: "seconds", source: backtest.source ?? "backtest.json", counts: sorted(Object.entries(backtest.no_trade_reasons)) };
  if (digest.count === 0) return { absent: "No predictions in this journal, so no record of why trades were not made (a backtest journals them only with --predictions N, and writes its counts to backtest.json)." };
  return { unit: "predictions", source: "predictions.jsonl", counts: sorted(digest.reasons) };
}

const dollars = (s: string | null | undefined): number | null => (s == null ? null : Number(s));

/** The last windows seen in any of the journal's files, with their prices, strike, result and entries. */
export function lastWindows(records: readonly TradeJournalRecord[], windows: readonly WindowRecord[] | null, digest: PredictionDigest, journalEnd: number | null, n = LAST_WINDOWS): WindowView[] {
  const byClose = new Map((windows ?? []).map((w) => [w.window_close, w]));
  const paths = digest.pricePaths();
  const tradesIn = new Map<number, { t: number; side: "yes" | "no"; contracts: number; btcPrice: number; ticker: string; strike: string; id: string }[]>();
  const settlements = new Map<string, { settlement: string; result: "yes" | "no" }>();
  for (const r of records) {
    if (r.type === "trade") {
      const list = tradesIn.get(r.window_close) ?? [];
      list.push({ t: r.t, side: r.side, contracts: r.contracts, btcPrice: Number(r.btc_price), ticker: r.ticker, strike: r.strike, id: r.id });
      tradesIn.set(r.window_close, list);
    } else if (r.type === "settlement") settlements.set(r.trade_id, { settlement: r.settlement_value, result: r.result });
  }
  const closes = [...new Set([...byClose.keys(), ...paths.keys(), ...tradesIn.keys()])].sort((a, b) => a - b).slice(-n);
  return closes.map((close) => {
    const w = byClose.get(close);
    const path = paths.get(close);
    const trades = tradesIn.get(close) ?? [];
    const settled = trades.map((t) => settlements.get(t.id)).find((s) => s !== undefined);
    return {
      ticker: w?.ticker ?? path?.ticker ?? trades[0]?.ticker ?? "",
      open: close - WINDOW_SECONDS,
      close,
      strike: dollars(w?.strike ?? w?.proxy_strike) ?? path?.strike ?? dollars(trades[0]?.strike),
      settlement: dollars(w?.settlement_value ?? w?.proxy_settlement_value) ?? dollars(settled?.settlement),
      result: w !== undefined ? (w.result ?? "unknown") : (settled?.result ?? (journalEnd !== null && close <= journalEnd ? "unknown" : "open")),
      prices: path?.prices ?? [],
      trades: trades.map(({ t, side, contracts, btcPrice }) => ({ t, side, contracts, btcPrice })),
    };
  });
}

export interface AssembleInput {
  readonly title: string;
  readonly generatedAt: string;
  readonly sources: readonly string[];
  readonly warnings: string[];
  readonly records: readonly TradeJournalRecord[];
  readonly windows: readonly WindowRecord[] | null;
  readonly backtest: BacktestScores | null;
  readonly digest: PredictionDigest;
  readonly comparison?: ComparisonView | null;
  readonly lag?: LagView | null;
  /** The series each journal is of, and with several, each one's row (see ReportData.series). */
  readonly seriesNames?: readonly string[];
  readonly series?: readonly SeriesRow[];
  /** Why the forecast sections are absent (a total of several series is not scored as one). */
  readonly absentScores?: string;
}

/** The renderer's input from what was read of a journal directory. */
export function assembleReport(i: AssembleInput): ReportData {
  const otherTimes = [...(i.windows ?? []).flatMap((w) => [w.window_open, w.t]), ...[i.digest.first, i.digest.last].filter((t): t is number => t !== null)];
  const { summary, equity, trades } = accountView(i.records, i.warnings, otherTimes);
  const settled = trades.flatMap((t) => ((t.status === "won" || t.status === "lost") && t.pnl !== null && t.settledAt !== null ? [{ settledAt: t.settledAt, pnl: t.pnl }] : []));
  const markets = [...new Set(i.records.flatMap((r) => (r.type === "trade" ? [r.market] : [])))];
  const windows = lastWindows(i.records, i.windows, i.digest, summary.lastRecord);
  return {
    title: i.title,
    generatedAt: i.generatedAt,
    sources: i.sources,
    warnings: i.warnings,
    summary,
    equity,
    trades,
    tearSheet: tearSheet(equity, settled, summary.lastRecord),
    scores: i.absentScores ? { absent: i.absentScores } : forecastScores(i.backtest, i.digest, i.windows, markets.length ? markets.join(", ") : null),
    noTrade: i.absentScores ? { absent: i.absentScores } : noTradeCounts(i.backtest, i.digest),
    windows,
    windowPrices: windows.some((w) => w.prices.length > 0) ? "seconds" : "none",
    ...(i.comparison ? { comparison: i.comparison } : {}),
    ...(i.lag ? { lag: i.lag } : {}),
    seriesNames: i.seriesNames ?? seriesNamesOf(i.records),
    ...(i.series ? { series: i.series } : {}),
  };
}

/** The series a journal's trades are of, in the order first seen; KXBTC15M when it has none. */
function seriesNamesOf(records: readonly TradeJournalRecord[]): string[] {
  const names = new Set<string>();
  for (const r of records) if (r.type === "trade") names.add(r.ticker.split("-", 1)[0]!);
  return names.size ? [...names] : ["KXBTC15M"];
}

/** What the side-by-side scores cover, beside btc15's own score over every window and checkpoint. */
function sameCheckpointsNote(checkpoints: number | string, windows: number | string, allForecasts: number, allWindows: number, brier: number | null): string {
  return `Every forecaster here is scored on the same ${checkpoints} checkpoints (${windows} windows): those where the market quoted both sides. Over every window and checkpoint (${allForecasts} forecasts, ${allWindows} windows) btc15's forecaster scored Brier ${f4(brier)}; the calibration below is over all of them.`;
}
