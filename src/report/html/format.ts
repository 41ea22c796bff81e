import { type Money, formatUsd } from "../../domain/money.ts";

/** Text forms of numbers as the report prints them (tables, labels, captions). */

export const usd = (m: Money): string => formatUsd(m);

export const signedUsd = (m: Money): string => (m > 0 ? "+" : m < 0 ? "−" : "") + formatUsd(Math.abs(m));

/** Whole dollars for axis labels (the tables carry the exact amounts). */
export const axisUsd = (dollars: number): string => `${dollars < 0 ? "−" : ""}$${Math.abs(dollars).toLocaleString("en-US", { maximumFractionDigits: 2 })}`;

export const pct = (x: number | null, digits = 1): string => (x === null || !Number.isFinite(x) ? "—" : `${(x * 100).toFixed(digits)}%`);

export const dec = (x: number | null, digits = 4): string => (x === null || !Number.isFinite(x) ? "—" : x.toFixed(digits));

export const count = (n: number): string => n.toLocaleString("en-US");

/** BTC prices and strikes: dollars with cents. */
export const btcUsd = (dollars: number | null): string =>
  dollars === null ? "—" : `$${dollars.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A share of a total; small shares keep two significant digits instead of showing "0.0%". */
export const share = (part: number, total: number): string => {
  if (total <= 0) return "—";
  const x = part / total;
  return x > 0 && x < 0.01 ? `${Number((x * 100).toPrecision(2))}%` : pct(x);
};

/** A length of time at a readable grain: "45s", "34m 59s", "2h 05m", "3d 04h". */
export const duration = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${two(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${two(Math.floor((s % 86_400) / 3600))}h`;
};

/** A money figure that may hold a fraction of a unit (a mean), signed and to the cent: "+$1.12", "−$0.35". */
export const signedCents = (units: number): string => {
  const cents = Math.round(Math.abs(units) / 100);
  const sign = cents === 0 ? "" : units > 0 ? "+" : "−";
  return `${sign}$${Math.floor(cents / 100).toLocaleString("en-US")}.${String(cents % 100).padStart(2, "0")}`;
};
