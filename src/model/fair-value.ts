import { normalCdf } from "./normal.ts";

/**
 * The plain volatility fair value: the probability that the settlement average (the mean of the
 * 60 one-second prices before the close, rounded to cents) ends at or above the strike, if the
 * price from now on is a driftless random walk with the given variance per second.
 *
 * With S the latest price, F the sum of settlement seconds already observed (m of them) and
 * n = 60 − m still to come, the first of which is `a` seconds ahead:
 *   mean = (F + n·S) / 60,   var = v·(n²·(a − 1) + n(n + 1)(2n + 1)/6) / 60²,   v = (S·σ)².
 * Rounding to cents makes YES win when the raw average ≥ strike − ½ cent.
 */
export interface SettlementState {
  /** Latest one-second price, dollars. */
  readonly price: number;
  /** Strike, dollars. */
  readonly strike: number;
  /** Instant of the forecast (unix s); prices of seconds before it are known. */
  readonly t: number;
  /** Window close (unix s). */
  readonly close: number;
  /** Sum (dollars) of the settlement seconds already observed. */
  readonly fixedSum: number;
}

export interface FairValue {
  readonly pUp: number;
  /** Expected settlement average, dollars. */
  readonly mean: number;
  /** Standard deviation of the settlement average, dollars. */
  readonly sd: number;
  /** (mean − threshold) / sd; ±Infinity when sd is 0. */
  readonly z: number;
  /** Seconds of random-walk variance the average still carries: sd² / (S·σ)². */
  readonly varianceSeconds: number;
}

const HALF_CENT = 0.005;

/** Variance of the settlement average in units of one second of price variance. */
export function settlementVarianceSeconds(t: number, close: number): number {
  const remaining = close - t; // seconds t … close−1 still unknown
  if (remaining <= 0) return 0;
  const n = Math.min(60, remaining);
  const a = remaining > 60 ? remaining - 59 : 1;
  return (n * n * (a - 1) + (n * (n + 1) * (2 * n + 1)) / 6) / 3600;
}

export type MutableFairValue = { -readonly [K in keyof FairValue]: FairValue[K] };

export function fairValue(s: SettlementState, variancePerSecond: number): FairValue {
  return fairValueInto(s, variancePerSecond, { pUp: 0.5, mean: 0.5, sd: 0.5, z: 0.5, varianceSeconds: 0.5 });
}

/** fairValue written into `out` (the engine reuses one object a second rather than allocating). */
export function fairValueInto(s: SettlementState, variancePerSecond: number, out: MutableFairValue): MutableFairValue {
  const remaining = s.close - s.t;
  const n = Math.min(60, Math.max(0, remaining));
  const mean = (s.fixedSum + n * s.price) / 60;
  const varianceSeconds = settlementVarianceSeconds(s.t, s.close);
  const sd = s.price * Math.sqrt(variancePerSecond * varianceSeconds);
  const gap = mean - (s.strike - HALF_CENT);
  let z: number;
  if (sd > 0) z = gap / sd;
  else z = gap >= 0 ? Infinity : -Infinity;
  out.pUp = normalCdf(z);
  out.mean = mean;
  out.sd = sd;
  out.z = z;
  out.varianceSeconds = varianceSeconds;
  return out;
}
