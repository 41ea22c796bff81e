import type { BacktestResult, ReplayResult, RunResult, SeriesBacktestResult } from "../core/run-result.ts";
import { count, plural, usdFromNumber as usd } from "./number-style.ts";

const f4 = (x: number | null) => (x === null ? "n/a" : x.toFixed(4));
const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)}%`);

/** The readable summary printed after a backtest. */
export function formatBacktest(r: BacktestResult): string {
  const head = `Backtest ${r.data.first_bar ?? "?"} → ${r.data.last_bar ?? "?"}  (${plural(r.data.files.length, "file")}, ${count(r.samples)} one-second prices)`;
  const tail: string[] = [];
  if (r.market_data) {
    const d = r.market_data;
    tail.push(`Quotes: ${plural(d.rows, "row")}, ${plural(d.tickers, "market")} (${count(d.results)} with an official result), ${plural(d.skipped_rows, "row")} skipped; ${plural(d.windows_quoted, "window")} quoted, ${count(d.windows_without_quotes)} without a quote (not traded)`);
  }
  if (r.data.skipped_rows || r.data.gaps) {
    const reasons = Object.entries(r.data.skipped_reasons).map(([why, n]) => `${count(n)} ${why}`).join(", ");
    tail.push(`Data: ${plural(r.data.skipped_rows, "bad row")} skipped${reasons ? ` (${reasons})` : ""}, ${plural(r.data.gaps, "gap")} (windows across a gap are not scored)`);
  }
  tail.push(`Journal and CSV in ${r.out_dir}/   (${(r.elapsed_ms / 1000).toFixed(1)} s)`);
  return formatRun(r, head, r.market, tail);
}

/** The readable summary printed after a backtest of several series together. */
export function formatSeriesBacktest(r: SeriesBacktestResult): string {
  const names = Object.keys(r.series);
  const parts = names.map((n) => {
    const s = r.series[n]!;
    return formatRun(s, `Backtest of ${n} ${s.first_bar ?? "?"} → ${s.last_bar ?? "?"}  (${plural(s.files.length, "file")}, ${count(s.samples)} one-second prices)`, s.baselines.market === null ? "synthetic" : "recorded Kalshi quotes", []);
  });
  parts.push(
    [
      `All ${names.length} series together, in one time order${r.refused_by_total_limits ? `; ${plural(r.refused_by_total_limits, "order")} refused by the limits on every series together` : ""}`,
      ...names.map((n) => seriesRow(n, r.series[n]!)),
      seriesRow("all together", r.total),
      `Journals and CSV in a folder per series of ${r.out_dir}/   (${(r.elapsed_ms / 1000).toFixed(1)} s)`,
    ].join("\n"),
  );
  return parts.join("\n\n");
}

/** The readable summary printed after a replay. */
export function formatReplay(r: ReplayResult): string {
  const head = `Replay of ${plural(r.sessions.length, "session")} (${plural(r.events, "event")}, ${plural(r.samples, "second")}) with ${r.config === "given" ? "the given configuration" : "each session's own configuration"}`;
  const names = Object.keys(r.series);
  const several = names.length > 1;
  const tail = [
    ...r.sessions.map((s) => `  session ${s.id}: ${plural(s.events, "event")}, ${s.market} market, ${s.mode}${several ? `, ${s.series.join(", ")}` : ""}`),
    ...(several ? ["", "Each series (its journal in its own folder)", ...names.map((n) => seriesRow(n, r.series[n]!)), seriesRow("all together", r.total)] : []),
    ...(r.recording.skipped ? [`Recording: ${plural(r.recording.skipped, "line")} skipped (${r.recording.problems.join("; ")})`] : []),
    `Journal and CSV in ${r.out_dir}/   (${(r.elapsed_ms / 1000).toFixed(1)} s, ${count(r.events_per_s)} events/s)`,
  ];
  return formatRun(r, several ? `${head}\nThe figures below are ${names[0]}'s; every series' are listed after them.` : head, r.market, tail);
}

/** "  KXETH15M   3 trades (won 2, lost 1), P&L +$1.23, fees $0.12, balance $200.00 → $201.23" */
function seriesRow(name: string, r: { trades: number; wins: number; losses: number; pnl: number; fees: number; start_balance: number; final_balance: number; open_positions: number }): string {
  return `  ${name.padEnd(13)}${plural(r.trades, "trade")} (won ${count(r.wins)}, lost ${count(r.losses)}${r.open_positions ? `, open ${count(r.open_positions)}` : ""}), P&L ${usd(r.pnl)}, fees ${usd(r.fees)}, balance ${usd(r.start_balance)} → ${usd(r.final_balance)}${atCost(r.open_positions)}`;
}

/** The final balance counts open positions at what they cost: said when there are any. */
const atCost = (open: number) => (open ? `  (${plural(open, "open position")} counted at cost)` : "");

function formatRun(r: RunResult, head: string, market: string, tail: readonly string[]): string {
  const lines: string[] = [];
  const row = (k: string, v: string) => lines.push(`  ${k.padEnd(22)}${v}`);
  lines.push(head);
  lines.push("");
  lines.push("Trading (paper, fees included)");
  row("market", market);
  row("windows settled", count(r.windows));
  row("trades", `${count(r.trades)}  (won ${count(r.wins)}, lost ${count(r.losses)}${r.open_positions ? `, open ${count(r.open_positions)}` : ""}${r.voided ? `, voided ${count(r.voided)}` : ""})`);
  row("win rate", pct(r.win_rate));
  row("P&L", `${usd(r.pnl)}  (ROI ${pct(r.roi)})`);
  row("95% interval", r.pnl_ci95 === null ? `none (${plural(r.wins + r.losses, "settled trade")}: too few)` : `${usd(r.pnl_ci95[0])} to ${usd(r.pnl_ci95[1])}  (t-interval over ${plural(r.wins + r.losses, "settled trade")})`);
  row("fees paid", usd(r.fees));
  row("max drawdown", usd(r.max_drawdown));
  row("balance", `${usd(r.start_balance)} → ${usd(r.final_balance)}${atCost(r.open_positions)}`);
  lines.push("");
  lines.push(`Forecast quality (${plural(r.forecasts_scored, "forecast")}: every window, every whole minute before the close; lower is better)`);
  lines.push(`  ${"".padEnd(22)}${"Brier".padStart(8)}${"log loss".padStart(10)}${"10 min".padStart(9)}${"5 min".padStart(9)}${"2 min".padStart(9)}`);
  const fr = (name: string, b: number | null, l: number | null, by?: Record<string, number | null>) =>
    lines.push(`  ${name.padEnd(22)}${f4(b).padStart(8)}${f4(l).padStart(10)}${(by ? f4(by["10"] ?? null) : "").padStart(9)}${(by ? f4(by["5"] ?? null) : "").padStart(9)}${(by ? f4(by["2"] ?? null) : "").padStart(9)}`);
  fr("hybrid (traded)", r.brier, r.log_loss, r.brier_by_minutes_to_close);
  fr("fair value baseline", r.baselines.fair_value.brier, r.baselines.fair_value.log_loss, r.baselines.fair_value.brier_by_minutes_to_close);
  fr("coin flip baseline", r.baselines.coin_flip.brier, r.baselines.coin_flip.log_loss);
  const m = r.baselines.market;
  if (m === null) lines.push(`  market price baseline: not available (${r.baselines.note.split(":")[0]})`);
  else {
    lines.push("");
    lines.push(`Against the market's own mid, on the ${plural(m.forecasts_scored, "checkpoint")} (${plural(m.windows, "window")}) where it quoted both sides`);
    fr("market mid", m.brier, m.log_loss, m.brier_by_minutes_to_close);
    fr("model, same checkpoints", m.model.brier, m.model.log_loss, m.model.brier_by_minutes_to_close);
    fr("fair value, same", m.fair_value.brier, m.fair_value.log_loss, m.fair_value.brier_by_minutes_to_close);
    const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(4)}`;
    const diff = (h: "all" | "10" | "5" | "2") => {
      const d = m.paired[h].model_minus_market;
      return d.brier === null ? "—" : `${signed(d.brier)}${d.ci95 ? ` [${signed(d.ci95[0])}, ${signed(d.ci95[1])}]` : ""}`;
    };
    lines.push(`  model − market, Brier with 95% interval over windows (negative: the model forecast better)`);
    lines.push(`    all ${diff("all")}   10 min ${diff("10")}`);
    lines.push(`    5 min ${diff("5")}   2 min ${diff("2")}`);
    lines.push(`  ${r.baselines.note}`);
  }
  const a = r.outcome_agreement;
  if (a !== null) {
    lines.push("");
    lines.push(`Our own up/down call matched the official result in ${a.agreed.toLocaleString("en-US")} of ${a.compared.toLocaleString("en-US")} windows (${pct(a.rate)}, 95% ${pct(a.ci95![0])}–${pct(a.ci95![1])})`);
  }
  lines.push("");
  lines.push("Calibration (hybrid): forecast bin → mean forecast, how often up, count");
  for (const b of r.calibration) lines.push(`  ${b.lo.toFixed(1)}–${b.hi.toFixed(1)}  ${b.mean_p.toFixed(3)}  ${b.freq.toFixed(3)}  ${count(b.n)}`);
  const reasons = Object.entries(r.no_trade_reasons).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (reasons.length) {
    lines.push("");
    lines.push(`Seconds without a trade, by reason: ${reasons.map(([k, n]) => `${k} ${count(n)}`).join(", ")}`);
  }
  lines.push(...tail);
  return lines.join("\n");
}
