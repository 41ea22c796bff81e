import { existsSync } from "node:fs";
import { type FillLevel, takerFeeAt } from "../domain/fees.ts";
import { type Money, formatUsd } from "../domain/money.ts";
import type { Side } from "../domain/settlement.ts";
import type { KalshiClient } from "./client.ts";
import type { Clock } from "./clock.ts";
import type { LiveTradingGrant } from "./live-grant.ts";
import { type BuyOrder, type OrderOutcome, OrderFailedError, parseOrderOutcome, v2OrderBody } from "./orders.ts";
import { type KalshiFill, parseFills } from "./wire.ts";

/** Hard limits on real money, checked before every order. */
export interface LiveLimits {
  /** Most one order may cost at its limit price, fee included. */
  readonly maxPerOrder: Money;
  /** Most held in open positions (cost + fee), this order included. */
  readonly maxOpenExposure: Money;
  /** No order that could take today's (UTC) realised loss past this. */
  readonly maxDailyLoss: Money;
  readonly maxOrdersPerWindow: number;
  /** While this file exists, no new order is sent. */
  readonly killSwitchFile: string;
}

/** A live execution, in the engine's Fill shape. */
export interface LiveFill {
  readonly orderId: string;
  readonly side: Side;
  readonly contracts: number;
  readonly levels: readonly FillLevel[];
  readonly cost: Money;
  readonly fee: Money;
}

export type RefusalReason = "kill_switch" | "max_per_order" | "max_open_exposure" | "max_daily_loss" | "max_orders_per_window";

export class OrderRefusedError extends Error {
  override name = "OrderRefusedError";
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export interface LiveBrokerCounters {
  sent: number;
  filled: number;
  unfilled: number;
  failed: number;
  refused: Record<RefusalReason, number>;
}

export interface LiveBrokerOptions {
  readonly clock: Clock;
  /** Taker fee rate in units (0.07 → 700), for the worst-case cost of an order. */
  readonly feeRate: Money;
  readonly killSwitchExists?: (path: string) => boolean;
  readonly newClientOrderId?: () => string;
}

/**
 * The one path by which a real order leaves: limits and the kill switch first, then a V2
 * immediate-or-cancel order, then its fills. Exposure and the day's P&L are kept here, fed by
 * fills and by settle().
 */
export class LiveBroker {
  readonly counters: LiveBrokerCounters = {
    sent: 0,
    filled: 0,
    unfilled: 0,
    failed: 0,
    refused: { kill_switch: 0, max_per_order: 0, max_open_exposure: 0, max_daily_loss: 0, max_orders_per_window: 0 },
  };
  /** Cost + fee of open positions. */
  exposure: Money = 0;
  private day = "";
  private dayPnl: Money = 0;
  private readonly ordersPerTicker = new Map<string, number>();
  private readonly killSwitchExists: (path: string) => boolean;

  constructor(
    _grant: LiveTradingGrant,
    private readonly client: KalshiClient,
    readonly limits: LiveLimits,
    private readonly opts: LiveBrokerOptions,
  ) {
    if (!client.hasKey) throw new Error("a live broker needs a client with an API key");
    this.killSwitchExists = opts.killSwitchExists ?? existsSync;
  }

  /** State carried over from before a restart (reconciled positions, today's P&L so far). */
  restore(s: { exposure: Money; dayPnl?: Money }): void {
    this.exposure = s.exposure;
    this.rollDay();
    this.dayPnl = s.dayPnl ?? 0;
  }

  /** Today's realised P&L (UTC day). */
  get todayPnl(): Money {
    this.rollDay();
    return this.dayPnl;
  }

  /** Why this order may not be sent (counted), or null. Checked again inside submit(). */
  check(order: BuyOrder): OrderRefusedError | null {
    const refused = this.refusal(order);
    if (refused !== null) this.counters.refused[refused.reason]++;
    return refused;
  }

  private refusal(order: BuyOrder): OrderRefusedError | null {
    const l = this.limits;
    if (this.killSwitchExists(l.killSwitchFile)) return new OrderRefusedError("kill_switch", `kill switch is on (${l.killSwitchFile} exists): no new orders`);
    const worst = order.contracts * order.limitPrice + takerFeeAt(order.contracts, order.limitPrice, this.opts.feeRate);
    if (worst > l.maxPerOrder) return new OrderRefusedError("max_per_order", `order could cost ${formatUsd(worst)}, over the ${formatUsd(l.maxPerOrder)} per-order limit`);
    if (this.exposure + worst > l.maxOpenExposure) {
      return new OrderRefusedError("max_open_exposure", `open exposure would reach ${formatUsd(this.exposure + worst)}, over the ${formatUsd(l.maxOpenExposure)} limit`);
    }
    if (-this.todayPnl + worst > l.maxDailyLoss) {
      return new OrderRefusedError("max_daily_loss", `today's P&L is ${formatUsd(this.todayPnl)}; losing this order (${formatUsd(worst)}) would pass the ${formatUsd(l.maxDailyLoss)} daily loss limit`);
    }
    if ((this.ordersPerTicker.get(order.ticker) ?? 0) >= l.maxOrdersPerWindow) {
      return new OrderRefusedError("max_orders_per_window", `already ${l.maxOrdersPerWindow} order(s) in ${order.ticker}`);
    }
    return null;
  }

  /**
   * Sends the order after the checks. Resolves to the fill (null when nothing filled); rejects
   * with OrderRefusedError before sending, or OrderFailedError / a request error after.
   */
  async submit(order: BuyOrder): Promise<LiveFill | null> {
    const refused = this.check(order);
    if (refused !== null) throw refused;
    this.ordersPerTicker.set(order.ticker, (this.ordersPerTicker.get(order.ticker) ?? 0) + 1);
    if (this.ordersPerTicker.size > 16) this.ordersPerTicker.delete(this.ordersPerTicker.keys().next().value!);
    this.counters.sent++;
    let outcome: OrderOutcome;
    try {
      const body = v2OrderBody(order, this.opts.newClientOrderId?.());
      // Retried only on 429 (never executed): a timed-out order is not sent twice.
      const json = await this.client.request("POST", "/portfolio/events/orders", { body, auth: true, retry: "throttle" });
      outcome = parseOrderOutcome(json, order.side);
    } catch (e) {
      this.counters.failed++;
      if (e instanceof OrderFailedError) throw e;
      throw new OrderFailedError(`order not placed: ${(e as Error).message}`);
    }
    if (outcome.filled === 0) {
      this.counters.unfilled++;
      return null;
    }
    const fill = await this.fillOf(order, outcome);
    this.counters.filled++;
    this.exposure += fill.cost + fill.fee;
    return fill;
  }

  /** A position closed at settlement: its cost leaves the exposure, its P&L counts for the day. */
  settle(costAndFee: Money, payout: Money): void {
    this.exposure = Math.max(0, this.exposure - costAndFee);
    this.rollDay();
    this.dayPnl += payout - costAndFee;
  }

  /** The exact fills from GET /portfolio/fills when they add up; the reply's averages otherwise. */
  private async fillOf(order: BuyOrder, o: OrderOutcome): Promise<LiveFill> {
    let fills: KalshiFill[];
    try {
      fills = parseFills(await this.client.get("/portfolio/fills", { auth: true, query: { order_id: o.orderId } })).filter((f) => f.orderId === o.orderId);
    } catch {
      fills = [];
    }
    const count = fills.reduce((s, f) => s + f.contracts, 0);
    if (fills.length > 0 && count === o.filled) {
      const byPrice = new Map<Money, number>();
      for (const f of fills) byPrice.set(f.price, (byPrice.get(f.price) ?? 0) + f.contracts);
      const levels = [...byPrice].sort((a, b) => a[0] - b[0]).map(([price, contracts]) => ({ price, contracts }));
      const cost = levels.reduce((s, l) => s + l.price * l.contracts, 0);
      return { orderId: o.orderId, side: order.side, contracts: count, levels, cost, fee: fills.reduce((s, f) => s + f.fee, 0) };
    }
    const price = o.averagePrice ?? order.limitPrice;
    const fee = o.averageFee === null ? takerFeeAt(o.filled, price, this.opts.feeRate) : Math.round(o.averageFee * o.filled);
    return { orderId: o.orderId, side: order.side, contracts: o.filled, levels: [{ price, contracts: o.filled }], cost: price * o.filled, fee };
  }

  private rollDay(): void {
    const day = new Date(this.opts.clock.now()).toISOString().slice(0, 10);
    if (day !== this.day) {
      this.day = day;
      this.dayPnl = 0;
    }
  }
}
