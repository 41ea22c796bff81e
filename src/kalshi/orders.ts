import { randomUUID } from "node:crypto";
import { type Money, UNITS_PER_DOLLAR, formatDecimal } from "../domain/money.ts";
import type { Side } from "../domain/settlement.ts";
import { kalshiError } from "./client.ts";
import { KalshiParseError, parseCount, parseDollarsNear } from "./wire.ts";

/** A buy of one side at a limit price, as the strategy sees it. */
export interface BuyOrder {
  readonly ticker: string;
  readonly side: Side;
  readonly contracts: number;
  /** Most paid per contract of `side` (a NO price for NO). */
  readonly limitPrice: Money;
  /** The exchange shard the market lives on (Kalshi's `exchange_index`); null: let Kalshi route it. */
  readonly exchangeIndex?: number | null;
}

/** The V2 body: every order is a bid or an ask on the single YES book. */
export interface V2OrderBody {
  readonly ticker: string;
  readonly client_order_id: string;
  readonly side: "bid" | "ask";
  readonly count: string;
  readonly price: string;
  readonly time_in_force: "immediate_or_cancel";
  readonly self_trade_prevention_type: "taker_at_cross";
  /** The market's shard: sent so the order is not auto-routed (Kalshi documents extra latency for that). */
  readonly exchange_index?: number;
}

/**
 * Buy YES at p is a bid at p; buy NO at q is an ask (selling YES) at 1 − q. Immediate-or-cancel:
 * whatever the book holds within the limit fills now, the rest is cancelled, nothing rests.
 */
export function v2OrderBody(order: BuyOrder, clientOrderId: string = randomUUID()): V2OrderBody {
  if (!Number.isInteger(order.contracts) || order.contracts <= 0) throw new RangeError(`contracts must be a whole number > 0: ${order.contracts}`);
  const yesPrice = order.side === "yes" ? order.limitPrice : UNITS_PER_DOLLAR - order.limitPrice;
  return {
    ticker: order.ticker,
    client_order_id: clientOrderId,
    side: order.side === "yes" ? "bid" : "ask",
    count: `${order.contracts}.00`,
    price: formatDecimal(yesPrice),
    time_in_force: "immediate_or_cancel",
    self_trade_prevention_type: "taker_at_cross",
    ...(order.exchangeIndex === null || order.exchangeIndex === undefined ? {} : { exchange_index: order.exchangeIndex }),
  };
}

/** The order as Kalshi's single YES book sees it, for a console line: "bid 197 YES at $0.0900". */
export function describeV2(order: BuyOrder): string {
  const body = v2OrderBody(order, "-");
  return `${body.side} ${order.contracts} YES at $${body.price}${body.exchange_index === undefined ? "" : ` on shard ${body.exchange_index}`}`;
}

/** What Kalshi answered to a V2 create. */
export interface OrderOutcome {
  readonly orderId: string;
  readonly filled: number;
  /** Average price paid per contract of the side bought, or null when nothing filled. */
  readonly averagePrice: Money | null;
  /** Average fee per contract (dollars to 6 places, rounded to units), or null. */
  readonly averageFee: Money | null;
}

export class OrderFailedError extends Error {
  override name = "OrderFailedError";
  constructor(
    message: string,
    /** Kalshi's error code when it gave one ("insufficient_balance"), else a short cause ("timeout", "http_500"). */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Reads a create reply. A reply without an `order_id` is a failure whatever its HTTP status:
 * the retired V1 endpoint has answered 2xx with only {"error": {"code":
 * "deprecated_v1_order_endpoint"}}, and such an order never existed.
 */
export function parseOrderOutcome(json: unknown, side: Side): OrderOutcome {
  const o = json !== null && typeof json === "object" ? (json as Record<string, unknown>) : null;
  // Some replies wrap the order ({"order": {...}}); read either shape.
  const order = o !== null && o.order !== null && typeof o.order === "object" ? (o.order as Record<string, unknown>) : o;
  const orderId = order !== null && typeof order.order_id === "string" ? order.order_id : "";
  const { code, message } = kalshiError(json);
  if (code !== null && (orderId === "" || o?.error !== undefined)) throw new OrderFailedError(`order rejected: ${code}${message ? ` (${message})` : ""}`, code);
  if (order === null || orderId === "") throw new OrderFailedError("order reply has no order_id: treated as not placed", "no_order_id");
  try {
    const filled = parseCount(order.fill_count ?? order.fill_count_fp ?? "0");
    const avg = typeof order.average_fill_price === "string" && order.average_fill_price !== "" ? parseDollarsNear(order.average_fill_price) : null;
    const fee = typeof order.average_fee_paid === "string" && order.average_fee_paid !== "" ? parseDollarsNear(order.average_fee_paid) : null;
    // The V2 book is the YES book: a NO buy's average is a YES price.
    const averagePrice = avg === null || filled === 0 ? null : side === "yes" ? avg : UNITS_PER_DOLLAR - avg;
    return { orderId, filled, averagePrice, averageFee: fee };
  } catch (e) {
    if (e instanceof KalshiParseError) throw new OrderFailedError(`order ${orderId} reply unreadable: ${e.message}`, "unreadable_reply");
    throw e;
  }
}
