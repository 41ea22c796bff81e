import { feePerContractDollars, takerFeeAt } from "../domain/fees.ts";
import { type Money, UNITS_PER_CENT, UNITS_PER_DOLLAR } from "../domain/money.ts";
import { bestAsk, type Quote } from "../domain/quote.ts";
import type { Side } from "../domain/settlement.ts";
import type { Decision, Edges, NoTrade, NoTradeReason } from "./decision.ts";
import { contractsWithin, kellyFraction } from "./kelly.ts";

export interface StrategyParams {
  /** Smallest edge (probability points, after fee) worth a trade: 0.015. */
  readonly minEdge: number;
  /** Smallest |P(up) − 0.5| worth a trade: 0.03. */
  readonly minConfidence: number;
  /** Share of the Kelly stake to use: 0.5 (half-Kelly). */
  readonly kellyFraction: number;
  /** Most one trade may spend, fee included. */
  readonly maxPosition: Money;
  /** Entries allowed in one window. */
  readonly maxEntriesPerWindow: number;
  /** No new entry with fewer seconds than this left in the window. */
  readonly minSecondsLeft: number;
  /** Taker fee rate in money units (0.07 → 700). */
  readonly feeRate: Money;
}

export interface DecisionInput {
  readonly pUp: number;
  readonly quote: Quote | null;
  readonly balance: Money;
  readonly entriesThisWindow: number;
  readonly secondsLeft: number;
}

const NO_EDGES: Edges = { yes: null, no: null };

function edgeOf(p: number, ask: Money | null, feeRate: Money): number | null {
  if (ask === null || ask <= 0 || ask >= UNITS_PER_DOLLAR) return null;
  return p - ask / UNITS_PER_DOLLAR - feePerContractDollars(ask, feeRate);
}

export function noTrade(reason: NoTradeReason, detail: string, edges: Edges = NO_EDGES, confidence = 0): NoTrade {
  return { kind: "none", reason, detail, edges, confidence };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * The trading rule: trade the side with the larger edge when that edge ≥ minEdge and the
 * forecast's confidence |P(up) − 0.5| ≥ minConfidence; size by a fraction of Kelly, whole
 * contracts, capped by maxPosition and the balance. Pure: same input, same decision.
 */
export function decide(input: DecisionInput, params: StrategyParams): Decision {
  const confidence = Math.abs(input.pUp - 0.5);
  if (input.entriesThisWindow >= params.maxEntriesPerWindow) {
    return noTrade("already_positioned", `${input.entriesThisWindow} entr${input.entriesThisWindow === 1 ? "y" : "ies"} this window (max ${params.maxEntriesPerWindow})`, NO_EDGES, confidence);
  }
  if (input.secondsLeft < params.minSecondsLeft) {
    return noTrade("too_late", `${input.secondsLeft}s left < ${params.minSecondsLeft}s`, NO_EDGES, confidence);
  }
  const q = input.quote;
  if (q === null) return noTrade("no_quote", "no market quote", NO_EDGES, confidence);
  const edges: Edges = {
    yes: edgeOf(input.pUp, bestAsk(q, "yes"), params.feeRate),
    no: edgeOf(1 - input.pUp, bestAsk(q, "no"), params.feeRate),
  };
  if (edges.yes === null && edges.no === null) return noTrade("no_quote", "nothing offered on either side", edges, confidence);
  const side: Side = edges.no === null || (edges.yes !== null && edges.yes >= edges.no) ? "yes" : "no";
  const edge = (side === "yes" ? edges.yes : edges.no) as number;
  if (confidence < params.minConfidence) {
    return noTrade("low_confidence", `confidence ${pct(confidence)} < ${pct(params.minConfidence)}`, edges, confidence);
  }
  if (edge < params.minEdge) {
    return noTrade("low_edge", `best edge ${pct(edge)} (${side.toUpperCase()}) < ${pct(params.minEdge)}`, edges, confidence);
  }
  const price = bestAsk(q, side) as Money;
  const pSide = side === "yes" ? input.pUp : 1 - input.pUp;
  const unitCost = price / UNITS_PER_DOLLAR + feePerContractDollars(price, params.feeRate);
  const f = params.kellyFraction * kellyFraction(pSide, unitCost);
  const kellyBudget = Math.floor(f * input.balance);
  const budget = Math.min(kellyBudget, params.maxPosition, input.balance);
  const contracts = contractsWithin(budget, price, params.feeRate);
  if (contracts < 1) {
    return noTrade("size_zero", `stake ${(budget / UNITS_PER_DOLLAR).toFixed(2)} buys no contract at ${price / UNITS_PER_CENT}¢`, edges, confidence);
  }
  // The fee is rounded up to the cent per order: small orders can lose their edge to it.
  const roundedEdge = pSide - price / UNITS_PER_DOLLAR - takerFeeAt(contracts, price, params.feeRate) / contracts / UNITS_PER_DOLLAR;
  if (roundedEdge < params.minEdge) {
    return noTrade("fee_rounding", `edge ${pct(roundedEdge)} after the fee is rounded up for ${contracts} contract(s)`, edges, confidence);
  }
  return {
    kind: "trade",
    side,
    contracts,
    price,
    limitPrice: limitPrice(pSide, params),
    budget,
    pSide,
    edge,
    confidence,
    edges,
  };
}

/** The highest whole-cent price at which buying still leaves the minimum edge after the fee. */
function limitPrice(pSide: number, params: StrategyParams): Money {
  let cents = Math.floor((pSide - params.minEdge) * 100);
  while (cents > 0) {
    const price = cents * UNITS_PER_CENT;
    if (pSide - price / UNITS_PER_DOLLAR - feePerContractDollars(price, params.feeRate) >= params.minEdge) return price;
    cents--;
  }
  return 0;
}
