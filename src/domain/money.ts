/**
 * Exact money. Every amount and every contract price is an integer number of units of
 * 1/10,000 dollar, the finest step Kalshi quotes ("0.5600", tail ticks of 0.1 cent), so
 * balances never drift the way float dollars do.
 */
export type Money = number;

export const UNITS_PER_DOLLAR = 10_000;
export const UNITS_PER_CENT = 100;
/** One contract pays this at settlement when it wins. */
export const CONTRACT_PAYOUT: Money = UNITS_PER_DOLLAR;

export class MoneyError extends Error {}

/** Checks a computed amount is still an exact integer of units. */
export function assertMoney(m: number, what = "amount"): Money {
  if (!Number.isSafeInteger(m)) throw new MoneyError(`${what} is not an exact money amount: ${m}`);
  return m;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal dollar string ("0.5600", "15", "-2.5") exactly. Digits past the fourth
 * decimal place are accepted only when they are zeros (Kalshi allows six places).
 */
export function parseDollars(text: string): Money {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new MoneyError(`not a decimal dollar amount: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ""] = m;
  if (/[1-9]/.test(frac.slice(4))) throw new MoneyError(`more precision than 1/10000 dollar: ${text}`);
  const units = Number(whole) * UNITS_PER_DOLLAR + Number(frac.slice(0, 4).padEnd(4, "0"));
  if (!Number.isSafeInteger(units)) throw new MoneyError(`amount out of range: ${text}`);
  return sign === "-" ? -units : units;
}

/**
 * Converts a dollar number from configuration or a JSON reply to units. It must already be a
 * multiple of 1/10000 (to float precision); anything finer is an error, never silently rounded.
 */
export function dollarsToMoney(dollars: number): Money {
  if (!Number.isFinite(dollars)) throw new MoneyError(`not a finite dollar amount: ${dollars}`);
  const units = Math.round(dollars * UNITS_PER_DOLLAR);
  if (Math.abs(units - dollars * UNITS_PER_DOLLAR) > 1e-6 * Math.max(1, Math.abs(units))) {
    throw new MoneyError(`more precision than 1/10000 dollar: ${dollars}`);
  }
  return assertMoney(units);
}

/** Dollars as a number, for JSON reports and display only (never for arithmetic). */
export function moneyToDollars(m: Money): number {
  return m / UNITS_PER_DOLLAR;
}

/** "12.3400" style exact string, the journal's and Kalshi's format. */
export function formatDecimal(m: Money): string {
  const sign = m < 0 ? "-" : "";
  const abs = Math.abs(m);
  const whole = Math.floor(abs / UNITS_PER_DOLLAR);
  const frac = String(abs % UNITS_PER_DOLLAR).padStart(4, "0");
  return `${sign}${whole}.${frac}`;
}

/** "$12.34" for people; shows the fourth place only when it is not zero. */
export function formatUsd(m: Money): string {
  const sign = m < 0 ? "-" : "";
  const abs = Math.abs(m);
  const whole = Math.floor(abs / UNITS_PER_DOLLAR);
  const frac4 = String(abs % UNITS_PER_DOLLAR).padStart(4, "0");
  const frac = frac4.endsWith("00") ? frac4.slice(0, 2) : frac4;
  return `${sign}$${whole.toLocaleString("en-US")}.${frac}`;
}

/** A contract price in cents for display: 5600 → "56¢", 5650 → "56.5¢". */
export function formatPriceCents(p: Money): string {
  return `${Number((p / UNITS_PER_CENT).toFixed(2))}¢`;
}

/** Rounds a non-negative amount up to a whole cent. */
export function ceilToCent(m: Money): Money {
  return Math.ceil(m / UNITS_PER_CENT) * UNITS_PER_CENT;
}
