import type { Money } from "./money.ts";
import type { Side } from "./settlement.ts";

/** Contracts offered at one price. */
export interface BookLevel {
  readonly price: Money;
  readonly size: number;
}

/**
 * What a market offers this second, seen from a buyer: for each side, the prices at which that
 * side can be bought (best first) and the best bid. Kalshi's book holds bids only; its adapter
 * turns NO bids into YES asks (YES ask = 1 − NO bid) before a quote reaches the engine.
 */
export interface Quote {
  readonly ticker: string;
  /** "synthetic" or "kalshi": journaled with each trade. */
  readonly source: string;
  readonly yes: SideQuote;
  readonly no: SideQuote;
}

export interface SideQuote {
  /** Best bid, or null when nobody bids. */
  readonly bid: Money | null;
  /** Levels to buy from, best (lowest) price first; empty when nothing is offered. */
  readonly asks: readonly BookLevel[];
}

export function bestAsk(q: Quote, side: Side): Money | null {
  const level = q[side].asks[0];
  return level === undefined ? null : level.price;
}

/** The market's mid as a probability: (best YES bid + best YES ask) / 2, when both sides are quoted. */
export function quoteMid(q: Quote | null): number | null {
  if (q === null) return null;
  const bid = q.yes.bid;
  const ask = bestAsk(q, "yes");
  return bid === null || ask === null ? null : (bid + ask) / 20_000;
}

/** Why a market gave no quote for a second: each is counted and shown. */
export type QuoteMissReason = "missing" | "stale" | "empty" | "crossed" | "closed";

export interface QuoteMiss {
  readonly kind: "miss";
  readonly why: QuoteMissReason;
  /** One line a person can read: "book 3.4 s old (limit 2 s)". */
  readonly detail: string;
}

export function isQuote(q: Quote | QuoteMiss): q is Quote {
  return (q as QuoteMiss).kind !== "miss";
}
