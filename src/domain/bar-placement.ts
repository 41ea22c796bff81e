/**
 * Where a bar's prices belong in time. A bar labelled b covers [b, b + B): its open is the first
 * price seen in second b, its close the last one seen before b + B, known when second b + B − 1
 * ends. So second b + B − 1 holds the close, exactly; the seconds before it hold the last price
 * known by then, the bar's open, which is a price seen but not that second's own (marked
 * inexact: returns through them would understate volatility). Nothing is placed before it was
 * known, and nothing later than it was known. For one-second bars (B = 1) each second is simply
 * its bar's close. The backtest, the demo, the warm start, the fit and the bench all place bars
 * with this one function.
 */
export function placeBar(b: number, barSeconds: number, open: number, close: number, emit: (second: number, price: number, exact: boolean) => void): void {
  const last = b + barSeconds - 1;
  for (let s = b; s < last; s++) emit(s, open, false);
  emit(last, close, true);
}

/** How the 60-s mean of a minute is estimated from that minute's bar. */
export type MinuteMeanEstimator = "close" | "open" | "open_close" | "high_low" | "typical" | "ohlc";

export const MINUTE_MEAN_ESTIMATORS: Readonly<Record<MinuteMeanEstimator, (open: number, high: number, low: number, close: number) => number>> = {
  close: (_o, _h, _l, c) => c,
  open: (o) => o,
  open_close: (o, _h, _l, c) => (o + c) / 2,
  high_low: (_o, h, l) => (h + l) / 2,
  typical: (_o, h, l, c) => (h + l + c) / 3,
  ohlc: (o, h, l, c) => (o + h + l + c) / 4,
};

/**
 * How a strike or settlement minute's 60-s average is estimated from its one-minute bar: the
 * typical price (high + low + close) / 3. Chosen by agreement with Kalshi's official results on
 * real March 2026 data (docs/how-it-works.md, "Strike and settlement from minute bars"): the typical price, the
 * high-low and open-close midpoints and the OHLC mean all called 178 of 183 windows right, the
 * close alone 172, the open 167.
 */
export const MINUTE_MEAN: MinuteMeanEstimator = "typical";
