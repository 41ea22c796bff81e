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

/**
 * A decision not to trade. It keeps numbers, not text: the detail is written only when someone
 * reads it (most seconds nobody does), and the engine reuses one instance a second.
 */
export class Declined implements NoTrade {
  readonly kind = "none" as const;
  // Plain fields, written directly by decide(): a double passed through a call is boxed.
  reason: NoTradeReason = "no_quote";
  confidence = 0.5;
  edgeYes = 0.5;
  edgeNo = 0.5;
  a = 0.5;
  b = 0.5;
  side: Side = "yes";
  text: string | null = null;

  /** Sets every field; `a`, `b` and `side` are the numbers its detail is written from. */
  set(reason: NoTradeReason, text: string | null, edgeYes: number | null, edgeNo: number | null, confidence: number, a = 0, b = 0, side: Side = "yes"): this {
    this.reason = reason;
    this.text = text;
    this.edgeYes = edgeYes ?? NaN;
    this.edgeNo = edgeNo ?? NaN;
    this.confidence = confidence;
    this.a = a;
    this.b = b;
    this.side = side;
    return this;
  }

  get edges(): Edges {
    return { yes: Number.isNaN(this.edgeYes) ? null : this.edgeYes, no: Number.isNaN(this.edgeNo) ? null : this.edgeNo };
  }

  get detail(): string {
    if (this.text !== null) return this.text;
    const { a, b } = this;
    switch (this.reason) {
      case "already_positioned":
        return `${a} entr${a === 1 ? "y" : "ies"} this window (max ${b})`;
      case "too_late":
        return `${a}s left < ${b}s`;
      case "low_confidence":
        return `confidence ${pct(a)} < ${pct(b)}`;
      case "low_edge":
        return `best edge ${pct(a)} (${this.side.toUpperCase()}) < ${pct(b)}`;
      case "size_zero":
        return `stake $${(a / UNITS_PER_DOLLAR).toFixed(2)} buys no contract at ${b / UNITS_PER_CENT}¢`;
      case "fee_rounding":
        return `edge ${pct(a)} after the fee is rounded up for ${b} contract(s)`;
      case "warmup":
        return `warming up: ${a}/${b} s of prices`;
      default:
        return this.reason;
    }
  }
}

export function noTrade(reason: NoTradeReason, detail: string, edges: Edges = NO_EDGES, confidence = 0): NoTrade {
  return new Declined().set(reason, detail, edges.yes, edges.no, confidence);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/**
 * The trading rule: trade the side with the larger edge when that edge ≥ minEdge and the
 * forecast's confidence |P(up) − 0.5| ≥ minConfidence; size by a fraction of Kelly, whole
 * contracts, capped by maxPosition and the balance. Pure: same input, same decision.
 */
export function decide(input: DecisionInput, params: StrategyParams, reuse?: Declined): Decision {
  const no = reuse ?? new Declined();
  const pUp = input.pUp;
  const confidence = Math.abs(pUp - 0.5);
  if (input.entriesThisWindow >= params.maxEntriesPerWindow) {
    return no.set("already_positioned", null, null, null, confidence, input.entriesThisWindow, params.maxEntriesPerWindow);
  }
  if (input.secondsLeft < params.minSecondsLeft) return no.set("too_late", null, null, null, confidence, input.secondsLeft, params.minSecondsLeft);
  const q = input.quote;
  if (q === null) return no.set("no_quote", "no market quote", null, null, confidence);
  // Edge per side: P(side) − ask − fee per contract; NaN where nothing is offered.
  const yesAsk = q.yes.asks.length > 0 ? q.yes.asks[0]!.price : 0;
  const noAsk = q.no.asks.length > 0 ? q.no.asks[0]!.price : 0;
  const rate = params.feeRate / UNITS_PER_DOLLAR;
  const py = yesAsk / UNITS_PER_DOLLAR;
  const pn = noAsk / UNITS_PER_DOLLAR;
  const edgeYes = yesAsk > 0 && yesAsk < UNITS_PER_DOLLAR ? pUp - py - rate * py * (1 - py) : NaN;
  const edgeNo = noAsk > 0 && noAsk < UNITS_PER_DOLLAR ? 1 - pUp - pn - rate * pn * (1 - pn) : NaN;
  if (Number.isNaN(edgeYes) && Number.isNaN(edgeNo)) return no.set("no_quote", "nothing offered on either side", null, null, confidence);
  const side: Side = Number.isNaN(edgeNo) || edgeYes >= edgeNo ? "yes" : "no";
  const edge = side === "yes" ? edgeYes : edgeNo;
  if (confidence < params.minConfidence || edge < params.minEdge) {
    // The common case, every second: fields written in place, nothing allocated.
    no.reason = confidence < params.minConfidence ? "low_confidence" : "low_edge";
    no.text = null;
    no.edgeYes = edgeYes;
    no.edgeNo = edgeNo;
    no.confidence = confidence;
    no.a = no.reason === "low_confidence" ? confidence : edge;
    no.b = no.reason === "low_confidence" ? params.minConfidence : params.minEdge;
    no.side = side;
    return no;
  }
  const edges: Edges = { yes: Number.isNaN(edgeYes) ? null : edgeYes, no: Number.isNaN(edgeNo) ? null : edgeNo };
  const price = bestAsk(q, side) as Money;
  const pSide = side === "yes" ? pUp : 1 - pUp;
  const unitCost = price / UNITS_PER_DOLLAR + feePerContractDollars(price, params.feeRate);
  const f = params.kellyFraction * kellyFraction(pSide, unitCost);
  const kellyBudget = Math.floor(f * input.balance);
  const budget = Math.min(kellyBudget, params.maxPosition, input.balance);
  const contracts = contractsWithin(budget, price, params.feeRate);
  if (contracts < 1) return no.set("size_zero", null, edges.yes, edges.no, confidence, budget, price);
  // The fee is rounded up to the cent per order: small orders can lose their edge to it.
  const roundedEdge = pSide - price / UNITS_PER_DOLLAR - takerFeeAt(contracts, price, params.feeRate) / contracts / UNITS_PER_DOLLAR;
  if (roundedEdge < params.minEdge) return no.set("fee_rounding", null, edges.yes, edges.no, confidence, roundedEdge, contracts);
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
