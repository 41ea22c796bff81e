import { takerFeeAt } from "../domain/fees.ts";
import { contractsWithin } from "../strategy/kelly.ts";
import type { Money } from "../domain/money.ts";
import type { Quote } from "../domain/quote.ts";
import type { Side } from "../domain/settlement.ts";
import type { OrderEvent } from "../domain/events.ts";
import { type Fill, paperFill } from "./paper-broker.ts";
import { type OrderContext } from "./records.ts";
import { type RiskRefusal, type RiskState, riskRefusal, type RiskLimits } from "./risk-gate.ts";

/** A buy sent to a venue: at most `contracts` of `side`, never above `limitPrice` (the side's own price). */
export interface VenueOrder {
  readonly ref: string;
  readonly ticker: string;
  readonly side: Side;
  readonly contracts: number;
  readonly limitPrice: Money;
}

/** Where venue orders go (the live broker); their outcome comes back as an OrderEvent. */
export interface OrderPort {
  send(order: VenueOrder): void;
}

/** What routing an intent gave: a fill to journal now, an order out (as sent), or a refusal. */
export type Routed = { readonly kind: "filled"; readonly fill: Fill } | { readonly kind: "sent"; readonly order: VenueOrder } | { readonly kind: "unfilled" } | { readonly kind: "refused"; readonly refusal: RiskRefusal };

interface Pending {
  readonly context: OrderContext;
  readonly worst: Money;
}

/**
 * The largest immediate-or-cancel order, out of the contracts a paper fill would take from this
 * book (ascending levels), whose worst case fits `cap`: a venue may fill every contract at the
 * order's limit, so n contracts whose dearest level is P cost at most n × P + fee(n, P). The
 * strategy's budget and the risk gate's per-order limit are both judged on that worst case, so
 * one rule sizes the order for both. Null when not even one contract fits.
 */
export function sizeVenueOrder(levels: readonly { readonly price: Money; readonly contracts: number }[], cap: Money, feeRate: Money): { contracts: number; limitPrice: Money } | null {
  let best: { contracts: number; limitPrice: Money } | null = null;
  let before = 0;
  for (const l of levels) {
    const through = before + l.contracts;
    // The most contracts whose worst case at this level's price fits, but no more than the book offers up to here.
    const n = Math.min(through, contractsWithin(cap, l.price, feeRate));
    if (n <= before) break; // dearer levels fit even fewer
    best = { contracts: n, limitPrice: l.price };
    before = through;
  }
  return best;
}

/**
 * The one order path: the fill paper trading would get on this book decides the order's size and
 * worst price; the risk gate sees that order; paper fills it at once, a venue is sent it and
 * answers later through complete(). A venue order is sized so its worst case (every contract at
 * the limit) fits both the strategy's budget and the per-order limit (sizeVenueOrder).
 */
export class OrderRouter {
  private readonly pending = new Map<string, Pending>();
  private readonly sentIn = new Map<number, number>();

  constructor(
    private readonly feeRate: Money,
    private readonly limits: RiskLimits,
    private readonly venue: OrderPort | null,
  ) {}

  /** Orders out, awaiting their outcome. */
  get size(): number {
    return this.pending.size;
  }

  /** Orders out in the window closing at `close`. */
  pendingIn(close: number): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.context.window.close === close) n++;
    return n;
  }

  /** Worst cost of the orders out (counts as exposure until they are answered). */
  get pendingExposure(): Money {
    let s = 0;
    for (const p of this.pending.values()) s += p.worst;
    return s;
  }

  /**
   * `total`, with several series in one process: the limits on all of them together, asked
   * after this series' own (portfolio.ts).
   */
  route(ref: string, context: OrderContext, quote: Quote, risk: Omit<RiskState, "ordersInWindow">, killSwitchName: string, total?: (worst: Money) => RiskRefusal | null): Routed {
    const preview = paperFill(context.intent, quote, this.feeRate);
    if (preview === null || preview.contracts === 0) return { kind: "unfilled" };
    let worst = preview.cost + preview.fee;
    // A venue's order: how many, up to which price (a paper fill is the preview itself).
    let sent: { readonly contracts: number; readonly limitPrice: number } | null = null;
    if (this.venue !== null) {
      const perOrder = this.limits.maxPerOrder ?? Infinity;
      const sized = sizeVenueOrder(preview.levels, Math.min(context.intent.budget, perOrder), this.feeRate);
      if (sized === null) {
        // Not one contract fits: the gate says so when its limit is what binds; otherwise nothing can be bought.
        if (perOrder >= context.intent.budget) return { kind: "unfilled" };
        sent = { contracts: 1, limitPrice: preview.levels[0]!.price };
      } else sent = { contracts: sized.contracts, limitPrice: sized.limitPrice };
      // A venue may fill every contract at the limit: that is the order's worst case.
      worst = sent.contracts * sent.limitPrice + takerFeeAt(sent.contracts, sent.limitPrice, this.feeRate);
    }
    const close = context.window.close;
    const refusal = riskRefusal({ ticker: context.window.ticker, worstCost: worst }, { ...risk, ordersInWindow: this.sentIn.get(close) ?? 0 }, this.limits, killSwitchName) ?? total?.(worst) ?? null;
    if (refusal !== null) return { kind: "refused", refusal };
    this.sentIn.set(close, (this.sentIn.get(close) ?? 0) + 1);
    if (this.sentIn.size > 16) this.sentIn.delete(this.sentIn.keys().next().value!);
    if (this.venue === null || sent === null) return { kind: "filled", fill: preview };
    this.pending.set(ref, { context, worst });
    const order: VenueOrder = { ref, ticker: context.window.ticker, side: context.intent.side, ...sent };
    this.venue.send(order);
    return { kind: "sent", order };
  }

  /** The order an OrderEvent answers, or undefined for an order this engine did not send (a replay). */
  complete(e: OrderEvent): OrderContext | undefined {
    const p = this.pending.get(e.ref);
    if (p === undefined) return undefined;
    this.pending.delete(e.ref);
    return p.context;
  }
}
