import { type Money, UNITS_PER_CENT, UNITS_PER_DOLLAR } from "../domain/money.ts";
import type { Quote } from "../domain/quote.ts";
import { seededRandom } from "../domain/random.ts";
import type { Window } from "../domain/window.ts";
import type { MarketSource } from "./market.ts";

export interface SyntheticMarketParams {
  /** YES ask − YES bid, money units (2 cents = 200). */
  readonly spread: Money;
  /** Contracts offered at the ask on each side. */
  readonly depth: number;
  /**
   * Optional random mispricing of the market's mid: a seeded, mean-reverting noise around the
   * fair value (sd in probability points, half-life in seconds). Off (sd 0) in backtests; the
   * demo turns it on so that there is something to trade. It is noise, not information: a
   * forecaster that knows the fair value profits from it, so P&L against it means nothing.
   */
  readonly mispricing?: { readonly sd: number; readonly halfLifeSeconds: number; readonly seed: number };
}

const MIN_PRICE = UNITS_PER_CENT;
const MAX_PRICE = UNITS_PER_DOLLAR - UNITS_PER_CENT;

/**
 * A stand-in market maker for when no Kalshi data exists: it quotes YES and NO around the plain
 * volatility fair value (no momentum, no mean reversion) with a fixed spread, on a 1-cent grid
 * from 1¢ to 99¢. Its prices are not Kalshi's: trading against it measures only whether the
 * hybrid's extra terms beat the fair value by more than the spread and the fee.
 */
export class SyntheticMarket implements MarketSource {
  readonly name = "synthetic";

  /** Quotes are immutable: the same prices in the same window reuse one object. */
  private cache = new Map<number, Quote>();
  private cacheTicker = "";
  private noise = 0;
  private noiseAt: number | null = null;
  private readonly random: () => number;

  constructor(private readonly params: SyntheticMarketParams) {
    this.random = seededRandom(params.mispricing?.seed ?? 1);
  }

  officialStrike(): null {
    return null;
  }

  quote(t: number, window: Window, fairValueUp: number): Quote {
    const mid = fairValueUp + this.mispricing(t);
    const half = this.params.spread / 2 / UNITS_PER_DOLLAR;
    const ask = clamp(Math.ceil((mid + half) * 100 - 1e-9) * UNITS_PER_CENT);
    const bid = clamp(Math.min(Math.floor((mid - half) * 100 + 1e-9) * UNITS_PER_CENT, ask - UNITS_PER_CENT));
    if (window.ticker !== this.cacheTicker) {
      this.cache.clear();
      this.cacheTicker = window.ticker;
    }
    const key = (ask * 10_001 + bid) | 0; // a small integer: no boxed number per lookup
    let q = this.cache.get(key);
    if (q === undefined) {
      const depth = this.params.depth;
      q = {
        ticker: window.ticker,
        source: this.name,
        yes: { bid, asks: [{ price: ask, size: depth }] },
        no: { bid: UNITS_PER_DOLLAR - ask, asks: [{ price: UNITS_PER_DOLLAR - bid, size: depth }] },
      };
      this.cache.set(key, q);
    }
    return q;
  }

  /** AR(1) noise stepped to instant t: stationary sd `sd`, decaying by half every half-life. */
  private mispricing(t: number): number {
    const m = this.params.mispricing;
    if (m === undefined || m.sd === 0) return 0;
    const dt = this.noiseAt === null ? Infinity : Math.max(0, t - this.noiseAt);
    const keep = Math.pow(0.5, dt / m.halfLifeSeconds);
    const u1 = 1 - this.random();
    const u2 = this.random();
    const gauss = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    this.noise = keep * this.noise + Math.sqrt(1 - keep * keep) * m.sd * gauss;
    this.noiseAt = t;
    return this.noise;
  }
}

function clamp(p: Money): Money {
  return p < MIN_PRICE ? MIN_PRICE : p > MAX_PRICE ? MAX_PRICE : p;
}
