/**
 * Refuses prices no exchange could have printed: not finite, zero or negative, or further than
 * `maxJumpFraction` from the source's previous accepted price. The previous price is a reference
 * only for `jumpWindowMs`, so a source that was wrong (or away) re-anchors instead of being
 * refused forever.
 */
export class PriceGuard {
  private last = NaN;
  private lastMs = -Infinity;

  constructor(private readonly maxJumpFraction: number, private readonly jumpWindowMs: number) {}

  accept(price: number, nowMs: number): boolean {
    if (!(price > 0) || !Number.isFinite(price)) return false;
    if (nowMs - this.lastMs <= this.jumpWindowMs && Math.abs(price - this.last) > this.maxJumpFraction * this.last) return false;
    this.last = price;
    this.lastMs = nowMs;
    return true;
  }
}
