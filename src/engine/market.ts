import type { Quote } from "../domain/quote.ts";
import type { Window } from "../domain/window.ts";

/**
 * Where quotes come from: the synthetic market maker or Kalshi's real book. The engine asks
 * once per forecast and does not know which one it trades against.
 */
export interface MarketSource {
  readonly name: string;
  /**
   * The quote for `window` at instant `t`, or null when the market is not open or unknown.
   * `fairValueUp` is the plain volatility fair value the engine computed for this second; only
   * the synthetic market uses it.
   */
  quote(t: number, window: Window, fairValueUp: number): Quote | null;
}
