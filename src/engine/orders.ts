import { takerFeeAt } from "../domain/fees.ts";
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

/** What routing an intent gave: a fill to journal now, an order out, or a refusal. */
export type Routed = { readonly kind: "filled"; readonly fill: Fill } | { readonly kind: "sent" } | { readonly kind: "unfilled" } | { readonly kind: "refused"; readonly refusal: RiskRefusal };

interface Pending {
  readonly context: OrderContext;
  readonly worst: Money;
}

/**
 * The one order path: the fill paper trading would get on this book decides the order's size and
 * worst price; the risk gate sees that order; paper fills it at once, a venue is sent it and
 * answers later through complete().
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

  route(ref: string, context: OrderContext, quote: Quote, risk: Omit<RiskState, "ordersInWindow">, killSwitchName: string): Routed {
    const preview = paperFill(context.intent, quote, this.feeRate);
    if (preview === null || preview.contracts === 0) return { kind: "unfilled" };
    const limitPrice = Math.max(...preview.levels.map((l) => l.price));
    // A venue may fill every contract at the limit: that is the order's worst case.
    const worst = this.venue === null ? preview.cost + preview.fee : preview.contracts * limitPrice + takerFeeAt(preview.contracts, limitPrice, this.feeRate);
    const close = context.window.close;
    const refusal = riskRefusal({ ticker: context.window.ticker, worstCost: worst }, { ...risk, ordersInWindow: this.sentIn.get(close) ?? 0 }, this.limits, killSwitchName);
    if (refusal !== null) return { kind: "refused", refusal };
    this.sentIn.set(close, (this.sentIn.get(close) ?? 0) + 1);
    if (this.sentIn.size > 16) this.sentIn.delete(this.sentIn.keys().next().value!);
    if (this.venue === null) return { kind: "filled", fill: preview };
    this.pending.set(ref, { context, worst });
    this.venue.send({ ref, ticker: context.window.ticker, side: context.intent.side, contracts: preview.contracts, limitPrice });
    return { kind: "sent" };
  }

  /** The order an OrderEvent answers, or undefined for an order this engine did not send (a replay). */
  complete(e: OrderEvent): OrderContext | undefined {
    const p = this.pending.get(e.ref);
    if (p === undefined) return undefined;
    this.pending.delete(e.ref);
    return p.context;
  }
}
