import type { Quote, QuoteMiss } from "../domain/quote.ts";
import type { Side } from "../domain/settlement.ts";
import type { Window } from "../domain/window.ts";

/**
 * Where quotes come from: the synthetic market maker, or a venue's books learned from events
 * (VenueMarket). The engine asks once per forecast and does not know which one it trades against.
 */
export interface MarketSource {
  readonly name: string;
  /**
   * The quote for `window` at instant `t` (unix seconds), or why there is none. `fairValueUp`
   * is the plain volatility fair value the engine computed for this second; only the synthetic
   * market uses it.
   */
  quote(t: number, window: Window, fairValueUp: number): Quote | QuoteMiss;
  /** The venue's official strike for a market, cents, once it is known. */
  officialStrike(ticker: string): number | null;
  /**
   * A window's official outcome when the market already knows it at the close (a quotes file
   * that records results): it then settles the window instead of our own average.
   */
  outcomeAtClose?(ticker: string): { readonly result: Side; readonly settlementCents: number | null; readonly source: string } | null;
}

const NO_QUOTE: QuoteMiss = { kind: "miss", why: "missing", detail: "no market" };

/** A market that never quotes: forecasts are made and scored, nothing trades (the fit). */
export const NO_MARKET: MarketSource = { name: "none", quote: () => NO_QUOTE, officialStrike: () => null };
