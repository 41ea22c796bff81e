import { addContracts, sumContracts } from "../domain/contracts.ts";
import { type FillLevel, takerFeeAt } from "../domain/fees.ts";
import type { Money } from "../domain/money.ts";
import type { Side } from "../domain/settlement.ts";
import { type KalshiClient, KalshiRequestError } from "./client.ts";
import type { LiveTradingGrant } from "./live-grant.ts";
import { type BuyOrder, type OrderOutcome, OrderFailedError, parseOrderOutcome, v2OrderBody } from "./orders.ts";
import { type KalshiFill, parseFills } from "./wire.ts";

/** A live execution, in the engine's Fill shape. */
export interface LiveFill {
  readonly orderId: string;
  readonly side: Side;
  readonly contracts: number;
  readonly levels: readonly FillLevel[];
  readonly cost: Money;
  readonly fee: Money;
}

export interface LiveBrokerCounters {
  sent: number;
  filled: number;
  unfilled: number;
  failed: number;
  /** Failed orders by Kalshi's error code ("insufficient_balance"), or by cause when Kalshi gave none ("no_reply", "http_503"). */
  readonly rejected: Record<string, number>;
}

export interface LiveBrokerOptions {
  /** Taker fee rate in units (0.07 → 700), for the fee when Kalshi's reply lacks it. */
  readonly feeRate: Money;
  readonly newClientOrderId?: () => string;
}

/**
 * How a real order leaves: a V2 immediate-or-cancel order, then its fills. The limits and the
 * kill switch are checked before this, by the engine's risk gate, on the one order path every
 * mode shares; a broker exists only with a live-trading grant.
 */
export class LiveBroker {
  readonly counters: LiveBrokerCounters = { sent: 0, filled: 0, unfilled: 0, failed: 0, rejected: {} };

  constructor(
    _grant: LiveTradingGrant,
    private readonly client: KalshiClient,
    private readonly opts: LiveBrokerOptions,
  ) {
    if (!client.hasKey) throw new Error("a live broker needs a client with an API key");
  }

  /** Sends the order. Resolves to the fill (null when nothing filled); rejects with OrderFailedError. */
  async submit(order: BuyOrder): Promise<LiveFill | null> {
    this.counters.sent++;
    let outcome: OrderOutcome;
    try {
      const body = v2OrderBody(order, this.opts.newClientOrderId?.());
      // Retried only on 429 (never executed): a timed-out order is not sent twice.
      const json = await this.client.request("POST", "/portfolio/events/orders", { body, auth: true, retry: "throttle" });
      outcome = parseOrderOutcome(json, order.side);
    } catch (e) {
      this.counters.failed++;
      const failure = e instanceof OrderFailedError ? e : new OrderFailedError(`order not placed: ${(e as Error).message}`, causeOf(e));
      const code = failure.code ?? "unknown";
      this.counters.rejected[code] = (this.counters.rejected[code] ?? 0) + 1;
      throw failure;
    }
    if (outcome.filled === 0) {
      this.counters.unfilled++;
      return null;
    }
    const fill = await this.fillOf(order, outcome);
    this.counters.filled++;
    return fill;
  }

  /** The exact fills from GET /portfolio/fills when they add up; the reply's averages otherwise. */
  private async fillOf(order: BuyOrder, o: OrderOutcome): Promise<LiveFill> {
    let fills: KalshiFill[];
    try {
      fills = parseFills(await this.client.get("/portfolio/fills", { auth: true, query: { order_id: o.orderId } })).filter((f) => f.orderId === o.orderId);
    } catch {
      fills = [];
    }
    const count = sumContracts(fills.map((f) => f.contracts));
    if (fills.length > 0 && count === o.filled) {
      const byPrice = new Map<Money, number>();
      for (const f of fills) byPrice.set(f.price, addContracts(byPrice.get(f.price) ?? 0, f.contracts));
      const levels = [...byPrice].sort((a, b) => a[0] - b[0]).map(([price, contracts]) => ({ price, contracts }));
      const cost = levels.reduce((s, l) => s + l.price * l.contracts, 0);
      return { orderId: o.orderId, side: order.side, contracts: count, levels, cost, fee: fills.reduce((s, f) => s + f.fee, 0) };
    }
    const price = o.averagePrice ?? order.limitPrice;
    const fee = o.averageFee === null ? takerFeeAt(o.filled, price, this.opts.feeRate) : Math.round(o.averageFee * o.filled);
    return { orderId: o.orderId, side: order.side, contracts: o.filled, levels: [{ price, contracts: o.filled }], cost: price * o.filled, fee };
  }
}

/** Kalshi's code for a failed request, else what happened: no reply (a timeout, the network) or the bare HTTP status. */
function causeOf(e: unknown): string {
  if (e instanceof KalshiRequestError) return e.code ?? (e.status === 0 ? "no_reply" : `http_${e.status}`);
  return "unknown";
}
