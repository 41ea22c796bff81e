import { type Quote, quoteMid } from "../domain/quote.ts";
import type { SettlementState } from "./fair-value.ts";
import { type Forecaster, HybridForecaster, type MutableForecast } from "./forecaster.ts";
import type { ModelParams } from "./params.ts";
import type { PriceHistory } from "./price-history.ts";

/**
 * The baselines as forecasters, so that they trade through the same engine as btc15's own and
 * are scored by the same code. Each rests on the same volatility fair value (the hybrid's base,
 * computed by a hybrid of their own), so the synthetic market quotes all of them alike.
 */
abstract class OnFairValue implements Forecaster {
  private readonly base: HybridForecaster;

  constructor(params: ModelParams) {
    this.base = new HybridForecaster(params);
  }

  get historyNeeded(): number {
    return this.base.historyNeeded;
  }

  get ready(): boolean {
    return this.base.ready;
  }

  observe(history: PriceHistory): void {
    this.base.observe(history);
  }

  variancePerSecond(): number {
    return this.base.variancePerSecond();
  }

  forecastInto(s: SettlementState, history: PriceHistory, out: MutableForecast): MutableForecast {
    this.base.forecastInto(s, history, out);
    out.pUp = this.pUp(out.fairValue);
    out.momentum = 0;
    out.meanReversion = 0;
    return out;
  }

  reset(): void {
    this.base.reset();
  }

  protected abstract pUp(fairValue: number): number;
}

/** The plain volatility fair value: the hybrid without its momentum and mean-reversion terms. */
export class FairValueForecaster extends OnFairValue {
  protected pUp(fairValue: number): number {
    return fairValue;
  }
}

/** Knows nothing: one half, every second. */
export class CoinFlipForecaster extends OnFairValue {
  protected pUp(): number {
    return 0.5;
  }
}

/**
 * Kalshi's own price as the forecast: the mid of the quote known this second. It can find an
 * edge only where the quote it trades against differs from the one it read, which never happens
 * in one second, so it trades (almost) never: a check that a comparison charges spread and fee.
 */
export class MarketForecaster extends OnFairValue {
  protected pUp(fairValue: number): number {
    return fairValue; // replaced in readMarket; never decided on before it
  }

  readMarket(out: MutableForecast, quote: Quote | null): boolean {
    const mid = quoteMid(quote);
    if (mid === null) return false;
    out.pUp = mid;
    return true;
  }
}
