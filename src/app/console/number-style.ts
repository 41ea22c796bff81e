import { type Money, MoneyError, UNITS_PER_CENT, formatPriceCents, parseDollars } from "../../domain/money.ts";

// One number style for everything a person reads: dollars as $63,999.60, contract prices as
// 45¢, counts as 1,742, and a noun that agrees with its count ("1 trade", "2 trades").

const TWO_DECIMALS = { minimumFractionDigits: 2, maximumFractionDigits: 2 } as const;

/** Whole cents of an exact amount, halves away from zero: what a person reads is always to the cent. */
function centsOf(m: Money): number {
  return Math.sign(m) * Math.round(Math.abs(m) / UNITS_PER_CENT);
}

function centsText(cents: number): string {
  const abs = Math.abs(cents);
  return `$${Math.floor(abs / 100).toLocaleString("en-US")}.${String(abs % 100).padStart(2, "0")}`;
}

/** An exact amount to the cent: "$1,234.56" ($185.2450 shows as $185.25; the journal keeps the exact figure). */
export function usd(m: Money): string {
  const c = centsOf(m);
  return (c < 0 ? "-" : "") + centsText(c);
}

/** "+$4.52", "-$6.19"; an amount that rounds to nothing is "+$0.00". */
export function signedUsd(m: Money): string {
  const c = centsOf(m);
  return (c < 0 ? "-" : "+") + centsText(c);
}

/** A journal's decimal dollar string ("64839.2600") in the same style; a value finer than the journal's precision is shown rounded, never refused. */
export function dollars(text: string): string {
  try {
    return usd(parseDollars(text));
  } catch (e) {
    if (!(e instanceof MoneyError)) throw e;
    return usdFromNumber(Number(text));
  }
}

/** A BTC price or any other dollar figure held as a float: "$63,999.60". */
export function usdFromNumber(x: number): string {
  if (!Number.isFinite(x)) return "—";
  return `${x < 0 ? "-" : ""}$${Math.abs(x).toLocaleString("en-US", TWO_DECIMALS)}`;
}

/** A BTC price held in cents: 6399960 → "$63,999.60". */
export function usdFromCents(cents: number): string {
  return usdFromNumber(cents / 100);
}

/**
 * A coin's price held in its series' units (10^-digits dollar): 6399960 at 2 → "$63,999.60",
 * 21234 at 4 → "$2.1234". Exact: the digits are the series' own, never rounded away.
 */
export function usdFromUnits(units: number, digits = 2): string {
  if (!Number.isFinite(units)) return "—";
  const per = 10 ** digits;
  const abs = Math.abs(Math.round(units));
  const frac = digits === 0 ? "" : `.${String(abs % per).padStart(digits, "0")}`;
  return `${units < 0 ? "-" : ""}$${Math.floor(abs / per).toLocaleString("en-US")}${frac}`;
}

/** A coin's price held as dollars, at its series' decimals: 2.12345 at 4 → "$2.1235". */
export function usdAtDigits(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return "—";
  return usdFromUnits(Math.round(x * 10 ** digits), digits);
}

/**
 * A journal's price string ("64839.26", "2.1234") as written, with thousands separators:
 * a strike or settlement keeps the decimals Kalshi rounds the series to.
 */
export function priceText(text: string): string {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return dollars(text);
  const frac = (m[3] ?? "").padEnd(2, "0");
  return `${m[1] ?? ""}$${Number(m[2]).toLocaleString("en-US")}.${frac}`;
}

/** A contract price: 4500 → "45¢", 4550 → "45.5¢"; "—" for none. */
export function contractPrice(p: Money | null): string {
  return p === null ? "—" : formatPriceCents(p);
}

/** A contract price from the journal's decimal string ("0.5500" → "55¢"). */
export function contractPriceText(text: string): string {
  try {
    return formatPriceCents(parseDollars(text));
  } catch (e) {
    if (!(e instanceof MoneyError)) throw e;
    return `${Number((Number(text) * 100).toFixed(2))}¢`;
  }
}

/** 1742 → "1,742". */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 trade", "2 trades", "1 entry", "3 entries" (pass the plural when it is not word + s). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}

/** 0.4327 → "43.3%" (digits after the point). */
export function pct(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

/** 0.4327 → "+43.27%" (2 digits), -0.0132 → "-1.32%". */
export function signedPct(x: number, digits = 1): string {
  return `${x >= 0 ? "+" : "-"}${(Math.abs(x) * 100).toFixed(digits)}%`;
}

/** 500 → "8m 20s". */
export function mmss(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds % 60);
  return `${m}m ${String(s).padStart(2, "0")}s`;
}

/** A length of time at a sensible grain: "45s", "8m 20s", "6h 00m". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return mmss(s);
  const h = Math.floor(s / 3600);
  return `${h}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
