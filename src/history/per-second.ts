import type { BarHandler } from "./bars-csv.ts";

/** Takes one price seen during a given second (the Sampler does). */
export interface PriceObserver {
  /** `exact` is false for a price drawn on a line inside a bar rather than seen (default true). */
  observe(second: number, price: number, exact?: boolean): void;
}

/**
 * Turns bars of `barSeconds` into one price per second without using any price before it
 * could have been known. A bar covering [t, t + B) is complete only at the instant t + B, so its
 * prices are released over the seconds t + B − 1 … t + 2B − 2, walking in a straight line from
 * its open to its close. For one-second bars (B = 1) that is simply: second t's price is the
 * bar's close. For one-minute bars the per-second series is the real minute path delayed by
 * 59 seconds, with the wiggles inside each minute lost; strike, settlement, forecasts and
 * synthetic quotes all use this same series, so nothing is priced from the future. Only the
 * bar's close (its last second) is an exact price; the seconds drawn on the line are marked
 * inexact, because 60-s returns through them understate volatility (see VolatilityEstimator).
 */
export function perSecondFromBars(barSeconds: number, observer: PriceObserver): BarHandler {
  if (!Number.isInteger(barSeconds) || barSeconds < 1) throw new RangeError(`bar length must be whole seconds ≥ 1: ${barSeconds}`);
  if (barSeconds === 1) return (t, _o, _h, _l, close) => observer.observe(t, close);
  const B = barSeconds;
  return (t, open, _h, _l, close) => {
    const first = t + B - 1;
    const step = (close - open) / B;
    for (let k = 0; k < B - 1; k++) observer.observe(first + k, open + step * (k + 1), false);
    observer.observe(first + B - 1, close, true);
  };
}
