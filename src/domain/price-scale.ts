/**
 * A series' prices (spot, strike, settlement) as integers of 10^-digits dollar: cents for
 * KXBTC15M and KXETH15M, whose strikes Kalshi rounds to 2 decimals; 1/10,000 dollar for KXSOL15M
 * and KXXRP15M (4 decimals; at $2 a cent would be a 0.5% step). The engine's events and fields
 * still say "cents", as Bitcoin's did first: read them as this unit.
 */
export interface PriceScale {
  readonly digits: number;
  /** Units in one dollar: 10^digits. */
  readonly perDollar: number;
}

export function priceScale(digits: number): PriceScale {
  if (!Number.isInteger(digits) || digits < 0 || digits > 8) throw new RangeError(`price digits must be a whole number from 0 to 8: ${digits}`);
  return { digits, perDollar: 10 ** digits };
}

export const CENTS: PriceScale = priceScale(2);

/** A price in units as the journal writes it: 6483926 → "64839.26" (cents), 21234 → "2.1234" (4 digits). */
export function priceText(units: number, scale: PriceScale = CENTS): string {
  const sign = units < 0 ? "-" : "";
  const abs = Math.abs(Math.round(units));
  if (scale.digits === 0) return `${sign}${abs}`;
  const whole = Math.floor(abs / scale.perDollar);
  return `${sign}${whole}.${String(abs % scale.perDollar).padStart(scale.digits, "0")}`;
}

/**
 * A decimal price string ("64839.26", "2.12345") in units, rounded half up to the scale; null
 * for an empty one. Exact on the string's digits (no float), so "0.1" is exactly 10 cents.
 */
export function unitsOf(text: string | number | null | undefined, scale: PriceScale = CENTS): number | null {
  if (text === null || text === undefined) return null;
  const s = typeof text === "number" ? numberText(text) : text.trim();
  if (s === "") return null;
  const m = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new RangeError(`not a decimal price: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ""] = m;
  const padded = frac.padEnd(scale.digits + 1, "0");
  let units = Number(whole) * scale.perDollar + (scale.digits ? Number(padded.slice(0, scale.digits)) : 0);
  if (Number(padded[scale.digits]) >= 5) units++;
  return sign === "-" ? -units : units;
}

/** Decimal places a price string carries beyond trailing zeros: "64839.26" → 2, "2.1000" → 1. */
export function decimalsOf(text: string | number): number {
  const s = typeof text === "number" ? numberText(text) : text.trim();
  const frac = /\.(\d+)$/.exec(s)?.[1] ?? "";
  return frac.replace(/0+$/, "").length;
}

/** A JSON number as its shortest decimal text, never in exponent form. */
function numberText(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite price: ${x}`);
  const s = String(x);
  return /e/i.test(s) ? x.toFixed(12).replace(/0+$/, "").replace(/\.$/, "") : s;
}
