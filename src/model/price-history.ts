/**
 * The last N one-second prices (integer cents) in a ring, with the sum and the count of
 * carried-forward seconds over the latest 60 kept up to date in O(1) per second. Each second also
 * says whether its price is exact (seen in that second) or made (drawn inside a rebuilt bar, or
 * carried): volatility uses only returns between exact prices.
 */
export class PriceHistory {
  private readonly prices: Float64Array;
  private readonly carried: Uint8Array;
  private readonly exact: Uint8Array;
  private head = -1; // index of the latest price
  private count = 0;
  private sum60 = 0;
  private carried60 = 0;
  private last = -1;

  constructor(readonly capacity: number, readonly meanWidth = 60) {
    if (capacity < meanWidth) throw new RangeError("capacity must cover the mean width");
    this.prices = new Float64Array(capacity);
    this.carried = new Uint8Array(capacity);
    this.exact = new Uint8Array(capacity);
  }

  /**
   * Appends the price for `second`, which must be the second after the previous one. `exact` is
   * false for a price drawn on a line inside a bar; a carried price is never exact.
   */
  push(second: number, cents: number, carried: boolean, exact = true): void {
    if (this.count > 0 && second !== this.last + 1) {
      throw new RangeError(`price history needs consecutive seconds: got ${second} after ${this.last}`);
    }
    const cap = this.capacity;
    if (this.count >= this.meanWidth) {
      let out = this.head - this.meanWidth + 1;
      if (out < 0) out += cap;
      this.sum60 -= this.prices[out]!;
      this.carried60 -= this.carried[out]!;
    }
    this.head = this.head + 1 === cap ? 0 : this.head + 1;
    this.prices[this.head] = cents;
    this.carried[this.head] = carried ? 1 : 0;
    this.exact[this.head] = exact && !carried ? 1 : 0;
    this.sum60 += cents;
    this.carried60 += carried ? 1 : 0;
    if (this.count < cap) this.count++;
    this.last = second;
  }

  /** Number of consecutive seconds held (up to capacity). */
  get size(): number {
    return this.count;
  }

  /** The second of the latest price, or -1 when empty. */
  get lastSecond(): number {
    return this.count === 0 ? -1 : this.last;
  }

  /** Price `k` seconds before the latest (k = 0 is the latest). */
  ago(k: number): number {
    if (k < 0 || k >= this.count) throw new RangeError(`no price ${k} s back (have ${this.count})`);
    const i = this.head - k;
    return this.prices[i < 0 ? i + this.capacity : i]!;
  }

  /**
   * Whether the latest price and the one `k` seconds before it are both exact (seen in their
   * second, not made), so the return between them is.
   */
  exactSince(k: number): boolean {
    if (k < 0 || k >= this.count) throw new RangeError(`no price ${k} s back (have ${this.count})`);
    const i = this.head - k;
    return (this.exact[this.head]! & this.exact[i < 0 ? i + this.capacity : i]!) === 1;
  }

  get latest(): number {
    return this.ago(0);
  }

  /** True once the latest `meanWidth` seconds are all present. */
  get meanReady(): boolean {
    return this.count >= this.meanWidth;
  }

  /** Exact integer sum of the latest 60 prices in cents (meaningful once meanReady). */
  get meanSum(): number {
    return this.sum60;
  }

  /** How many of the latest 60 seconds were carried forward rather than observed. */
  get meanCarried(): number {
    return this.carried60;
  }

  clear(): void {
    this.count = 0;
    this.head = -1;
    this.sum60 = 0;
    this.carried60 = 0;
    this.last = -1;
  }
}
