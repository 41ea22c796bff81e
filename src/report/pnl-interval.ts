import { type Money, UNITS_PER_DOLLAR, formatUsd } from "../domain/money.ts";
import { studentTQuantile } from "./student-t.ts";

/**
 * A 95% interval for the total P&L of n trades, from the per-trade P&L: n × (mean ± t·s/√n),
 * the Student t-interval of the mean per trade scaled to the number of trades. It answers
 * "what total could this strategy's true edge give over this many trades", so a handful of
 * lucky trades shows a wide interval around zero. It assumes the trades are independent; it is
 * deterministic (no resampling). Fewer than two trades give no interval, and trades that all
 * came out alike (three wins at one price) give a zero-width one: the n beside it is the warning.
 */
export interface PnlInterval {
  readonly n: number;
  /** Total P&L, dollars. */
  readonly total: number;
  /** Bounds in dollars (to 1/10000), or null with fewer than two trades. */
  readonly low: number | null;
  readonly high: number | null;
  readonly method: "t-interval";
}

export function pnlInterval95(perTrade: readonly Money[]): PnlInterval {
  const n = perTrade.length;
  let sum = 0;
  for (const x of perTrade) sum += x;
  const total = sum / UNITS_PER_DOLLAR;
  if (n < 2) return { n, total, low: null, high: null, method: "t-interval" };
  const mean = sum / n;
  let ss = 0;
  for (const x of perTrade) ss += (x - mean) * (x - mean);
  const sd = Math.sqrt(ss / (n - 1));
  const half = studentTQuantile(0.975, n - 1) * sd * Math.sqrt(n);
  const dollars = (units: number) => Math.round(units) / UNITS_PER_DOLLAR;
  return { n, total, low: dollars(sum - half), high: dollars(sum + half), method: "t-interval" };
}

/** "95% interval −$4.99 to +$8.99 (n = 5 trades)", n always beside it. */
export function formatPnlInterval(ci: PnlInterval): string {
  const trades = `n = ${ci.n} trade${ci.n === 1 ? "" : "s"}`;
  if (ci.low === null || ci.high === null) return `95% interval: none (${trades}, too few for one)`;
  const usd = (d: number) => (d > 0 ? "+" : d < 0 ? "−" : "") + formatUsd(Math.abs(Math.round(d * 100)) * 100);
  return `95% interval ${usd(ci.low)} to ${usd(ci.high)} (${trades})`;
}
