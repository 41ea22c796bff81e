import type { Quote } from "../domain/quote.ts";
import { type MutableFairValue, type SettlementState, fairValueInto } from "./fair-value.ts";
import { normalCdf } from "./normal.ts";
import type { ModelParams } from "./params.ts";
import { SECONDS_PER_YEAR } from "./params.ts";
import type { PriceHistory } from "./price-history.ts";
import { RETURN_SECONDS, VolatilityEstimator } from "./volatility.ts";

/** A forecast with the parts it is made of, so it can be explained. */
export interface Forecast {
  /** P(settlement ≥ strike): the hybrid's answer. */
  readonly pUp: number;
  /** The plain volatility fair value (the base, no momentum or mean reversion). */
  readonly fairValue: number;
  /** What the momentum term added to the probability. */
  readonly momentum: number;
  /** What the mean-reversion term added to the probability (after momentum). */
  readonly meanReversion: number;
  /** Standardised recent return and distance from the EMA (the terms' inputs). */
  readonly momentumSignal: number;
  readonly meanReversionSignal: number;
  /** √(variance the settlement average still carries / 15 min): how much the terms count now. */
  readonly drift: number;
  /** Fair value z-score. */
  readonly z: number;
  /** Volatility used, as the standard deviation of a 15-minute relative move. */
  readonly sigma15m: number;
  /** Expected settlement average and its sd, dollars. */
  readonly mean: number;
  readonly sd: number;
}

export type MutableForecast = { -readonly [K in keyof Forecast]: Forecast[K] };

/** A forecast object to write into (doubles from the start, so its fields never change shape). */
export function newForecast(): MutableForecast {
  return { pUp: 0.5, fairValue: 0.5, momentum: 0.5, meanReversion: 0.5, momentumSignal: 0.5, meanReversionSignal: 0.5, drift: 0.5, z: 0.5, sigma15m: 0.5, mean: 0.5, sd: 0.5 };
}

/**
 * What the engine asks of a forecaster, whichever it is (btc15's hybrid, or a baseline that trades
 * through the same engine): it observes one price a second and, when asked, writes P(up) and the
 * plain fair value it rests on. The fair value is always the volatility fair value (the synthetic
 * market quotes around it and every forecaster is scored beside it).
 */
export interface Forecaster {
  /** Seconds of history needed before the first forecast. */
  readonly historyNeeded: number;
  readonly ready: boolean;
  /** Takes the latest second of `history` into account. Called once per second. */
  observe(history: PriceHistory): void;
  /** The variance per second the fair value uses (as of the last second observed). */
  variancePerSecond(): number;
  /** This second's forecast, written into `out` (reused by the engine every second). Requires `ready`. */
  forecastInto(s: SettlementState, history: PriceHistory, out: MutableForecast): MutableForecast;
  /**
   * A forecaster that reads the market's own price takes this second's quote here, after
   * forecastInto (the synthetic market quotes around the fair value, so the quote comes after it).
   * False: nothing to read (no two-sided quote), so no forecast this second.
   */
  readMarket?(out: MutableForecast, quote: Quote | null): boolean;
  /** Forgets everything observed (a gap in the prices). */
  reset(): void;
}

const SIGNAL_CLIP = 4;
const LN2 = Math.log(2);

function clip(x: number): number {
  return x > SIGNAL_CLIP ? SIGNAL_CLIP : x < -SIGNAL_CLIP ? -SIGNAL_CLIP : x;
}

/**
 * The momentum + mean-reversion hybrid on a fair-value base. It observes one price per second
 * (integer cents, from the sampler's history) and, when asked, forecasts a window's settlement.
 * Both terms shift the fair value's z-score in proportion to √(time the average still carries
 * / 15 min), as a drift would: they matter early in a window and fade towards its close.
 *   z = z_fair + w_m · m · g − w_r · d · g,   P(up) = Φ(z)
 * where m is the return over the momentum lookback and d the distance from the price's EMA,
 * each divided by its random-walk standard deviation (so ~N(0,1) when there is nothing to find)
 * and clipped to ±4, and g is `drift`.
 */
export class HybridForecaster implements Forecaster {
  private readonly vol: VolatilityEstimator;
  private readonly emaAlpha: number;
  private readonly floorVariance: number;
  /** sd of (price − EMA) per unit σ for a random walk: √(half-life / 2 ln 2). */
  private readonly emaSpread: number;
  private ema = 0;
  private observed = 0;
  private readonly base: MutableFairValue = { pUp: 0.5, mean: 0.5, sd: 0.5, z: 0.5, varianceSeconds: 0.5 };
  private readonly scale2: number;
  private readonly sqrtLookback: number;
  private variance = 0.5;

  constructor(readonly params: ModelParams) {
    this.vol = new VolatilityEstimator(params.volatility.halfLifeSeconds);
    this.emaAlpha = 1 - Math.pow(0.5, 1 / params.meanReversion.halfLifeSeconds);
    this.floorVariance = params.volatility.floorAnnualized ** 2 / SECONDS_PER_YEAR;
    this.emaSpread = Math.sqrt(params.meanReversion.halfLifeSeconds / (2 * LN2));
    this.scale2 = params.volatility.scale ** 2;
    this.sqrtLookback = Math.sqrt(params.momentum.lookbackSeconds);
    this.variance = this.floorVariance;
    this.historyNeeded = Math.max(params.warmupSeconds, params.momentum.lookbackSeconds + 1, RETURN_SECONDS + 1);
  }

  /** Seconds of history the forecaster needs before it may forecast. */
  readonly historyNeeded: number;

  /** Takes the latest second of `history` into account. Call once per second. */
  observe(history: PriceHistory): void {
    const cents = history.latest;
    if (history.size > RETURN_SECONDS) this.vol.update(cents, history.ago(RETURN_SECONDS), history.exactSince(RETURN_SECONDS));
    this.ema = this.observed === 0 ? cents : this.ema + this.emaAlpha * (cents - this.ema);
    this.observed++;
    const v = this.vol.variancePerSecond() * this.scale2;
    this.variance = v > this.floorVariance ? v : this.floorVariance;
  }

  get ready(): boolean {
    return this.observed >= this.historyNeeded;
  }

  /** Variance per second actually used: estimate × scale², never below the floor (as of the last second observed). */
  variancePerSecond(): number {
    return this.variance;
  }

  /** Forecasts the settlement of the window described by `s`. Requires `ready`. */
  forecast(s: SettlementState, history: PriceHistory): Forecast {
    return this.forecastInto(s, history, newForecast());
  }

  /**
   * The same forecast written into `out`: the engine reuses one object a second, since a
   * fresh object with a dozen numbers every second is most of what the garbage collector does.
   */
  forecastInto(s: SettlementState, history: PriceHistory, out: MutableForecast): MutableForecast {
    const p = this.params;
    const v = this.variancePerSecond();
    const base = fairValueInto(s, v, this.base);
    const sigma = Math.sqrt(v);
    const now = history.latest;
    const L = p.momentum.lookbackSeconds;
    const before = history.ago(L);
    const momentumSignal = clip((now - before) / before / (sigma * this.sqrtLookback));
    const meanReversionSignal = clip((now - this.ema) / (now * sigma * this.emaSpread));
    const drift = Math.sqrt(base.varianceSeconds / 900);
    const shiftM = p.momentum.weight * momentumSignal * drift;
    const shiftR = -p.meanReversion.weight * meanReversionSignal * drift;
    let pM = base.pUp;
    let pUp = base.pUp;
    if (shiftM !== 0 || shiftR !== 0) {
      pM = normalCdf(base.z + shiftM);
      pUp = normalCdf(base.z + shiftM + shiftR);
    }
    out.pUp = pUp;
    out.fairValue = base.pUp;
    out.momentum = pM - base.pUp;
    out.meanReversion = pUp - pM;
    out.momentumSignal = momentumSignal;
    out.meanReversionSignal = meanReversionSignal;
    out.drift = drift;
    out.z = base.z;
    out.sigma15m = sigma * 30;
    out.mean = base.mean;
    out.sd = base.sd;
    return out;
  }

  reset(): void {
    this.vol.reset();
    this.ema = 0;
    this.observed = 0;
    this.variance = this.floorVariance;
  }
}
