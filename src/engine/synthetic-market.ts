import { type Money, UNITS_PER_CENT, UNITS_PER_DOLLAR } from "../domain/money.ts";
import type { Quote } from "../domain/quote.ts";
import type { Window } from "../domain/window.ts";
import type { MarketSource } from "./market.ts";

export interface SyntheticMarketParams {
  /** YES ask − YES bid, money units (2 cents = 200). */
  readonly spread: Money;
  /** Contracts offered at the ask on each side. */
  readonly depth: number;
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

  constructor(private readonly params: SyntheticMarketParams) {}

  quote(_t: number, window: Window, fairValueUp: number): Quote {
    const half = this.params.spread / 2 / UNITS_PER_DOLLAR;
    const ask = clamp(Math.ceil((fairValueUp + half) * 100 - 1e-9) * UNITS_PER_CENT);
    const bid = clamp(Math.min(Math.floor((fairValueUp - half) * 100 + 1e-9) * UNITS_PER_CENT, ask - UNITS_PER_CENT));
    const depth = this.params.depth;
    return {
      ticker: window.ticker,
      source: this.name,
      yes: { bid, asks: [{ price: ask, size: depth }] },
      no: { bid: UNITS_PER_DOLLAR - ask, asks: [{ price: UNITS_PER_DOLLAR - bid, size: depth }] },
    };
  }
}

function clamp(p: Money): Money {
  return p < MIN_PRICE ? MIN_PRICE : p > MAX_PRICE ? MAX_PRICE : p;
}
