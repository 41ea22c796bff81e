import type { Money } from "../domain/money.ts";
import type { Side } from "../domain/settlement.ts";

/** Why no order was placed this second. Every non-trade has one. */
export type NoTradeReason =
  | "warmup"
  | "no_window"
  | "unreliable_strike"
  | "stale_price"
  | "market_closed"
  | "no_quote"
  | "already_positioned"
  | "too_late"
  | "low_confidence"
  | "low_edge"
  /** The strategy's own condition is not met (a coin flip's second not reached, a book not stale). */
  | "no_signal"
  | "fee_rounding"
  | "size_zero"
  | "risk_limit"
  | "stopped";

export const NO_TRADE_REASONS: readonly NoTradeReason[] = [
  "warmup",
  "no_window",
  "unreliable_strike",
  "stale_price",
  "market_closed",
  "no_quote",
  "already_positioned",
  "too_late",
  "low_confidence",
  "low_edge",
  "no_signal",
  "fee_rounding",
  "size_zero",
  "risk_limit",
  "stopped",
];

/** Edge per side (P(side) − ask − fee per contract), null where that side has no ask. */
export interface Edges {
  readonly yes: number | null;
  readonly no: number | null;
}

export interface NoTrade {
  readonly kind: "none";
  readonly reason: NoTradeReason;
  /** One line a person can read: the numbers behind the reason. */
  readonly detail: string;
  readonly edges: Edges;
  readonly confidence: number;
}

/** Advice to buy: the broker decides what actually fills. */
export interface OrderIntent {
  readonly kind: "trade";
  readonly side: Side;
  readonly contracts: number;
  /** Best ask when decided. */
  readonly price: Money;
  /** Highest price per contract still worth paying (edge ≥ minimum). */
  readonly limitPrice: Money;
  /** Most the order may spend, fee included. */
  readonly budget: Money;
  readonly pSide: number;
  readonly edge: number;
  readonly confidence: number;
  readonly edges: Edges;
}

export type Decision = NoTrade | OrderIntent;
