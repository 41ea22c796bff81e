import { type Money, UNITS_PER_DOLLAR } from "../domain/money.ts";

/**
 * A YES bid and ask made from a recorded mid when the spread was not recorded. KXBTC15M's price
 * grid ("tapered_deci_cent") steps 0.1¢ below 10¢ and above 90¢ and 1¢ between; the bid is
 * rounded down and the ask up to that grid, so the assumed spread is never narrower than asked,
 * and both stay inside (0, 1): at least 0.1¢, at most 99.9¢.
 */
const FINE = 10;
const COARSE = 100;
const LOW_BAND = 1_000;
const HIGH_BAND = 9_000;
const MIN_PRICE = FINE;
const MAX_PRICE = UNITS_PER_DOLLAR - FINE;

/** The highest grid price at or below `x` (units, possibly fractional). */
export function gridDown(x: number): Money {
  const step = x >= HIGH_BAND || x < LOW_BAND ? FINE : COARSE;
  return Math.floor(x / step) * step;
}

/** The lowest grid price at or above `x`. */
export function gridUp(x: number): Money {
  const step = x > HIGH_BAND || x <= LOW_BAND ? FINE : COARSE;
  return Math.ceil(x / step) * step;
}

/** bid = mid − spread/2 rounded down, ask = mid + spread/2 rounded up, both clamped inside (0, 1). */
export function quoteAroundMid(mid: Money, spread: Money): { bid: Money; ask: Money } {
  const bid = Math.max(MIN_PRICE, gridDown(mid - spread / 2));
  const ask = Math.min(MAX_PRICE, gridUp(mid + spread / 2));
  return { bid, ask };
}
