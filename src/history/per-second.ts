import { MINUTE_MEAN, MINUTE_MEAN_ESTIMATORS, placeBar } from "../domain/bar-placement.ts";
import { WINDOW_SECONDS } from "../domain/window.ts";
import type { BarHandler } from "./bars-csv.ts";

/** Takes one price seen during a given second (the Sampler does). */
export interface PriceObserver {
  /** `exact` is false for a price held inside a bar rather than seen that second (default true). */
  observe(second: number, price: number, exact?: boolean): void;
  /**
   * The mean price over the 60 seconds [end − 60, end), estimated from the one-minute bar that
   * covers them: without one-second prices, the strike and settlement averages come from here.
   */
  mean?(end: number, price: number): void;
}


export interface PerSecondOptions {
  /**
   * The file holds closes only (open = high = low = close): a bar's "open" is its close, not a
   * price seen when it opened, so the seconds inside a bar hold the previous bar's close instead
   * (when that bar came just before; otherwise nothing, and the sampler carries).
   */
  readonly closeOnly?: boolean;
}

/**
 * Turns bars of `barSeconds` into one price per second, each at the instant it was known
 * (placeBar): a bar's close at its last second, the seconds before it holding its open. One-minute
 * bars that end on a quarter-hour also give the estimate of their minute's mean (a strike or a
 * settlement minute) to `observer.mean`, just before their close is observed.
 */
export function perSecondFromBars(barSeconds: number, observer: PriceObserver, options: PerSecondOptions = {}): BarHandler {
  if (!Number.isInteger(barSeconds) || barSeconds < 1) throw new RangeError(`bar length must be whole seconds ≥ 1: ${barSeconds}`);
  const emit = (s: number, p: number, exact: boolean) => observer.observe(s, p, exact);
  if (barSeconds === 1) return (t, _o, _h, _l, close) => observer.observe(t, close);
  const meanOf = MINUTE_MEAN_ESTIMATORS[MINUTE_MEAN];
  const means = barSeconds === 60 && observer.mean !== undefined;
  const closeOnly = options.closeOnly ?? false;
  let lastT = -Infinity;
  let lastClose = NaN;
  return (t, open, high, low, close) => {
    if (means && (t + 60) % WINDOW_SECONDS === 0) observer.mean!(t + 60, meanOf(open, high, low, close));
    if (!closeOnly) placeBar(t, barSeconds, open, close, emit);
    else if (lastT + barSeconds === t) placeBar(t, barSeconds, lastClose, close, emit);
    else observer.observe(t + barSeconds - 1, close, true);
    lastT = t;
    lastClose = close;
  };
}
