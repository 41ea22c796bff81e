import { median } from "./median.ts";

/**
 * USD per USDT, learned from Binance.US's BTC/USDT price against the median of the live USD
 * sources: one sample a second, smoothed over about a minute. A sample outside ±10 % is not a
 * stablecoin rate but a bad price, and is ignored.
 */
export class UsdtRate {
  value: number | null = null;
  private lastSecond = -1;

  constructor(private readonly smoothingSeconds = 60) {}

  observe(nowMs: number, usdtPrice: number, usdPrices: number[]): void {
    const second = Math.floor(nowMs / 1000);
    if (second === this.lastSecond || usdPrices.length === 0 || !(usdtPrice > 0)) return;
    const sample = median(usdPrices.slice()) / usdtPrice;
    if (!(sample > 0.9 && sample < 1.1)) return;
    this.lastSecond = second;
    this.value = this.value === null ? sample : this.value + (sample - this.value) / this.smoothingSeconds;
  }
}
