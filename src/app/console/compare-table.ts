import type { ComparisonResult } from "../core/compare/comparison.ts";
import { count, plural, usdFromNumber } from "./number-style.ts";

/** To the cent below $100, whole dollars up to $10k, then thousands: a column stays narrow. */
const short = (x: number) => {
  const a = Math.abs(x);
  const sign = x < 0 ? "-" : "";
  if (a < 100) return usdFromNumber(x);
  if (a < 10_000) return `${sign}$${Math.round(a).toLocaleString("en-US")}`;
  return `${sign}$${(a / 1000).toFixed(1)}k`;
};
const signedShort = (x: number) => (x > 0 ? "+" : x < 0 ? "-" : "") + short(Math.abs(x)).replace("-", "");

/**
 * The strategies side by side, one row each, in 80 columns: trades, win rate, P&L with its 95 %
 * interval, fees, max drawdown, Brier on the checkpoints every strategy forecast at.
 */
export function formatComparison(c: ComparisonResult): string {
  const lines: string[] = [];
  lines.push(`Strategies side by side (each its own ${usdFromNumber(c.start_balance)} paper account; same events, limits, fees)`);
  const head = `  ${"strategy".padEnd(14)}${"trades".padStart(6)}${"win".padStart(6)}${"P&L".padStart(9)}  ${"95% interval".padEnd(19)}${"fees".padStart(7)}${"max DD".padStart(8)}${"Brier".padStart(7)}`;
  lines.push(head);
  for (const s of c.strategies) {
    const win = s.win_rate === null ? "—" : `${Math.round(s.win_rate * 100)}%`;
    const ci = s.pnl_ci95 === null ? "too few trades" : `${signedShort(s.pnl_ci95[0])} to ${signedShort(s.pnl_ci95[1])}`;
    const brier = s.brier === null ? "—" : s.brier.toFixed(4).replace(/^0/, "");
    lines.push(`  ${s.strategy.padEnd(14).slice(0, 14)}${count(s.trades).padStart(6)}${win.padStart(6)}${signedShort(s.pnl).padStart(9)}  ${ci.padEnd(19)}${short(s.fees).padStart(7)}${short(s.max_drawdown).padStart(8)}${brier.padStart(7)}`);
  }
  lines.push(`  Brier on the same ${plural(c.checkpoints, "checkpoint")} (${plural(c.windows, "window")}) for every strategy; lower is better`);
  lines.push(`  ${c.fairness.ok === false ? "WARNING: " : "check: "}${c.fairness.note}`);
  for (const n of c.notes) lines.push(`  ${n}`);
  return lines.join("\n");
}
