import { MINUTE_MEAN_ESTIMATORS, type MinuteMeanEstimator } from "../../../domain/bar-placement.ts";
import { WINDOW_SECONDS } from "../../../domain/window.ts";
import { wilson } from "../../../report/html/wilson.ts";

/** A one-minute bar by its stamp (its open): [open, high, low, close]. */
export type MinuteBars = ReadonlyMap<number, readonly [number, number, number, number]>;

export interface EstimatorAgreement {
  readonly estimator: MinuteMeanEstimator;
  /** Windows whose strike and settlement minutes both have a bar (the same windows for every estimator). */
  readonly windows: number;
  readonly agreed: number;
  readonly rate: number;
  /** Wilson 95 % interval of the rate. */
  readonly ci95: readonly [number, number];
}

/**
 * How often each way of estimating a minute's 60-s mean from its bar calls a window the way
 * Kalshi's official result did: strike = the estimate from the bar of the minute before the open,
 * settlement = the estimate from the bar of the minute before the close, both rounded to cents,
 * up when settlement ≥ strike. The backtest takes its estimator from this comparison.
 *
 * @param shiftSeconds read each bar as if stamped this much later (a file stamped by its close: −60)
 */
export function estimatorAgreement(bars: MinuteBars, results: ReadonlyMap<number, boolean>, shiftSeconds = 0): EstimatorAgreement[] {
  const names = Object.keys(MINUTE_MEAN_ESTIMATORS) as MinuteMeanEstimator[];
  const agreed = names.map(() => 0);
  let windows = 0;
  for (const [close, up] of results) {
    const strikeBar = bars.get(close - WINDOW_SECONDS - 60 - shiftSeconds);
    const settleBar = bars.get(close - 60 - shiftSeconds);
    if (strikeBar === undefined || settleBar === undefined) continue;
    windows++;
    names.forEach((name, i) => {
      const cents = (b: readonly [number, number, number, number]) => Math.round(MINUTE_MEAN_ESTIMATORS[name](...b) * 100);
      if ((cents(settleBar) >= cents(strikeBar)) === up) agreed[i]!++;
    });
  }
  return names.map((estimator, i) => {
    const w = wilson(agreed[i]!, windows);
    return { estimator, windows, agreed: agreed[i]!, rate: w?.rate ?? NaN, ci95: w ? [w.lo, w.hi] : [NaN, NaN] };
  });
}
