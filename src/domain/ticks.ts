import { type Money, UNITS_PER_DOLLAR } from "./money.ts";

/** One band of Kalshi's price grid: prices in [start, end] move in steps of `step`. */
export interface PriceRange {
  readonly start: Money;
  readonly end: Money;
  readonly step: Money;
}

/**
 * Used only until a market's own `price_ranges` is known: the finest documented step (0.1¢)
 * everywhere, so no real level is dropped for want of the market's grid.
 */
export const FALLBACK_GRID: readonly PriceRange[] = [{ start: 0, end: UNITS_PER_DOLLAR, step: 10 }];

/** True when `price` is strictly between 0 and 1 dollar and on the market's grid. */
export function isOnGrid(price: Money, ranges: readonly PriceRange[]): boolean {
  if (!Number.isInteger(price) || price <= 0 || price >= UNITS_PER_DOLLAR) return false;
  return ranges.some((r) => price >= r.start && price <= r.end && (price - r.start) % r.step === 0);
}

/** The highest price on the grid at or below `price` (a buy limit must never rise), or null. */
export function gridFloor(price: Money, ranges: readonly PriceRange[]): Money | null {
  let best: Money | null = null;
  for (const r of ranges) {
    if (price < r.start) continue;
    const top = Math.min(price, r.end);
    const p = r.start + Math.floor((top - r.start) / r.step) * r.step;
    if (p > 0 && p < UNITS_PER_DOLLAR && (best === null || p > best)) best = p;
  }
  return best;
}
