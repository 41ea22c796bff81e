import type { Decision } from "./decision.ts";
import { type DecisionInput, Declined, type StrategyParams, decide } from "./edge-strategy.ts";

/** What a strategy sees each second: the forecast, the quote, the account, and where in the window it is. */
export interface StrategyInput extends DecisionInput {
  /** The instant decided at (unix s) and the window's close. */
  readonly t: number;
  readonly close: number;
  /** This second's plain volatility fair value (every forecast rests on it). */
  readonly fairValue: number;
}

/**
 * A trading rule as a part of the engine: advice only (an order intent or a reason not to), never
 * a fill. The engine reuses one no-trade object a second (`reuse`); a rule returns it, filled in,
 * rather than allocating one.
 */
export interface Strategy {
  /** Short name, as the comparison lists it: "edge", "coin_flip", "stale_taker". */
  readonly name: string;
  decide(input: StrategyInput, reuse: Declined): Decision;
}

/** btc15's rule: trade the side whose forecast beats its ask by the fee and the minimum edge (edge-strategy.ts). */
export class EdgeStrategy implements Strategy {
  readonly name = "edge";

  constructor(readonly params: StrategyParams) {}

  decide(input: StrategyInput, reuse: Declined = new Declined()): Decision {
    return decide(input, this.params, reuse);
  }
}
