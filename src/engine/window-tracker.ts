import { averageCents, resultOf, type Side } from "../domain/settlement.ts";
import { WINDOW_SECONDS, type Window, windowAt } from "../domain/window.ts";
import type { PriceHistory } from "../model/price-history.ts";

/** The window being traded, as far as the prices so far tell. */
export interface WindowState {
  readonly window: Window;
  /** Mean of the 60 seconds before the open, cents; null when those seconds were not seen. */
  readonly strikeCents: number | null;
  /** Carried-forward seconds among the strike's 60. */
  readonly strikeCarried: number;
  /** Sum and count of the settlement seconds (the last 60) seen so far, cents. */
  settleSum: number;
  settleCount: number;
}

export interface ClosedWindow {
  readonly window: Window;
  readonly strikeCents: number | null;
  /** Carried-forward seconds among the strike's 60. */
  readonly strikeCarried: number;
  /** Mean of the 60 seconds before the close, cents; null when they were not all seen. */
  readonly settlementCents: number | null;
  readonly result: Side | null;
  /** Carried-forward seconds among the settlement's 60. */
  readonly settlementCarried: number;
}

/**
 * Follows the window schedule along the one-second prices: at each quarter-hour boundary the
 * mean of the last 60 seconds settles the window that closes and becomes the strike of the
 * window that opens (the two are the same average). A window joined midway has no strike.
 */
export class WindowTracker {
  current: WindowState | null = null;
  private barMeanEnd = -1;
  private barMeanCents = 0;

  constructor(private readonly series: string) {}

  /**
   * The mean over [end − 60, end) estimated from a minute bar: at the quarter-hour `end` it is the
   * strike and settlement average, in place of the mean of the seconds (which inside a minute bar
   * hold only its open).
   */
  meanFromBar(end: number, cents: number): void {
    this.barMeanEnd = end;
    this.barMeanCents = cents;
  }

  /** Call after `history` took the price of `second`; returns the window that closed, if any. */
  advance(second: number, cents: number, history: PriceHistory): ClosedWindow | null {
    const t = second + 1;
    const cur = this.current;
    if (cur !== null && second >= cur.window.close - 60) {
      cur.settleSum += cents;
      cur.settleCount++;
    }
    if (t % WINDOW_SECONDS !== 0) {
      if (cur === null) this.current = this.start(t, null, 0);
      return null;
    }
    const fromBar = this.barMeanEnd === t;
    const mean = fromBar ? this.barMeanCents : history.meanReady ? averageCents(history.meanSum, history.meanWidth) : null;
    const carried = fromBar ? 0 : history.meanCarried;
    let closed: ClosedWindow | null = null;
    if (cur !== null && cur.window.close === t) {
      closed = {
        window: cur.window,
        strikeCents: cur.strikeCents,
        strikeCarried: cur.strikeCarried,
        settlementCents: mean,
        result: mean !== null && cur.strikeCents !== null ? resultOf(mean, cur.strikeCents) : null,
        settlementCarried: carried,
      };
    }
    this.current = this.start(t, mean, carried);
    return closed;
  }

  reset(): void {
    this.current = null;
    this.barMeanEnd = -1;
  }

  private start(t: number, strikeCents: number | null, carried: number): WindowState {
    return { window: windowAt(t, this.series), strikeCents, strikeCarried: carried, settleSum: 0, settleCount: 0 };
  }
}
