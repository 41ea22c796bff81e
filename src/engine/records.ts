import { CONTRACT_PAYOUT, formatDecimal } from "../domain/money.ts";
import { bestAsk } from "../domain/quote.ts";
import type { PredictionRecord, SettlementRecord, StrikeSource, TradeRecord, VoidRecord, WindowRecord } from "../domain/records.ts";
import type { Side } from "../domain/settlement.ts";
import { type Window, isoUtc } from "../domain/window.ts";
import type { OrderIntent } from "../strategy/decision.ts";
import type { Position } from "./account.ts";
import type { ForecastEvent } from "./listener.ts";
import type { Fill } from "./paper-broker.ts";
import { type PriceScale, priceText } from "../domain/price-scale.ts";

/** The journal's records, built from what the engine knows; money as exact decimal strings. */

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A price in the series' units as the journal writes it ("64839.26"; "2.1234" at 4 digits). */

const priceOrNull = (c: number | null, scale: PriceScale) => (c === null ? null : priceText(c, scale));

/** What a trade was decided on: kept from the decision until its fill is known. */
export interface OrderContext {
  readonly intent: OrderIntent;
  readonly market: string;
  readonly t: number;
  readonly window: Window;
  readonly pUp: number;
  readonly cents: number;
  readonly strikeCents: number;
  readonly strikeSource: StrikeSource;
  readonly proxyStrikeCents: number | null;
}

/** The prices in `scale`, the series' price unit (cents for Bitcoin). */
export function tradeRecord(id: string, o: OrderContext, fill: Fill, balanceBefore: number, scale: PriceScale): TradeRecord {
  const { intent, window } = o;
  return {
    type: "trade",
    id,
    t: o.t,
    ts: isoUtc(o.t),
    ticker: window.ticker,
    window_open: window.open,
    window_close: window.close,
    side: intent.side,
    contracts: fill.contracts,
    requested_contracts: intent.contracts,
    requested_price: formatDecimal(intent.price),
    price: formatDecimal(Math.round(fill.cost / fill.contracts)),
    fills: fill.levels.map((l) => ({ price: formatDecimal(l.price), contracts: l.contracts })),
    cost: formatDecimal(fill.cost),
    fee: formatDecimal(fill.fee),
    balance_after: formatDecimal(balanceBefore - fill.cost - fill.fee),
    p_up: round6(o.pUp),
    p_side: round6(intent.pSide),
    edge: round6(intent.edge),
    confidence: round6(intent.confidence),
    strike: priceText(o.strikeCents, scale),
    btc_price: priceText(o.cents, scale),
    market: o.market,
    strike_source: o.strikeSource,
    ...(o.proxyStrikeCents !== null ? { proxy_strike: priceText(o.proxyStrikeCents, scale) } : {}),
  };
}

export function settlementRecord(p: Position, result: Side, settlementCents: number | null, t: number, source: string, proxyCents: number | null, balanceBefore: number, scale: PriceScale): SettlementRecord {
  const won = p.side === result;
  const payout = won ? p.contracts * CONTRACT_PAYOUT : 0;
  return {
    type: "settlement",
    trade_id: p.id,
    t,
    ts: isoUtc(t),
    ticker: p.ticker,
    strike: p.strike,
    settlement_value: settlementCents === null ? "" : priceText(settlementCents, scale),
    result,
    won,
    payout: formatDecimal(payout),
    pnl: formatDecimal(payout - p.cost - p.fee),
    balance_after: formatDecimal(balanceBefore + payout),
    source,
    ...(proxyCents !== null ? { proxy_settlement_value: priceText(proxyCents, scale) } : {}),
  };
}

export function voidRecord(p: Position, t: number, reason: string, balanceBefore: number): VoidRecord {
  return {
    type: "void",
    trade_id: p.id,
    t,
    ts: isoUtc(t),
    ticker: p.ticker,
    reason,
    refund: formatDecimal(p.cost + p.fee),
    balance_after: formatDecimal(balanceBefore + p.cost + p.fee),
  };
}

export interface WindowOutcome {
  readonly window: Window;
  readonly strikeCents: number | null;
  readonly proxyStrikeCents: number | null;
  readonly settlementCents: number | null;
  readonly proxySettlementCents: number | null;
  readonly result: Side | null;
  readonly proxyResult: Side | null;
  readonly source: string;
}

export function windowRecord(o: WindowOutcome, t: number, scale: PriceScale): WindowRecord {
  return {
    type: "window",
    t,
    ts: isoUtc(t),
    ticker: o.window.ticker,
    window_open: o.window.open,
    window_close: o.window.close,
    strike: priceOrNull(o.strikeCents, scale),
    proxy_strike: priceOrNull(o.proxyStrikeCents, scale),
    settlement_value: priceOrNull(o.settlementCents, scale),
    proxy_settlement_value: priceOrNull(o.proxySettlementCents, scale),
    result: o.result,
    proxy_result: o.proxyResult,
    source: o.source,
  };
}

export function predictionRecord(e: ForecastEvent, scale: PriceScale): PredictionRecord {
  const d = e.decision;
  const yesAsk = e.quote === null ? null : bestAsk(e.quote, "yes");
  const noAsk = e.quote === null ? null : bestAsk(e.quote, "no");
  return {
    t: e.t,
    ts: isoUtc(e.t),
    ticker: e.window.ticker,
    seconds_left: e.secondsLeft,
    btc_price: e.priceCents / scale.perDollar,
    strike: e.strikeCents / scale.perDollar,
    strike_source: e.strikeSource,
    p_up: round6(e.forecast.pUp),
    fair_value: round6(e.forecast.fairValue),
    momentum: round6(e.forecast.momentum),
    mean_reversion: round6(e.forecast.meanReversion),
    sigma_15m: round6(e.forecast.sigma15m),
    yes_ask: yesAsk === null ? null : yesAsk / 10_000,
    no_ask: noAsk === null ? null : noAsk / 10_000,
    edge_yes: d.edges.yes === null ? null : round6(d.edges.yes),
    edge_no: d.edges.no === null ? null : round6(d.edges.no),
    confidence: round6(d.confidence),
    action: d.kind === "trade" ? "trade" : "none",
    side: d.kind === "trade" ? d.side : null,
    reason: d.kind === "trade" ? `edge ${(d.edge * 100).toFixed(2)}% on ${d.side.toUpperCase()}` : `${d.reason}: ${d.detail}`,
  };
}
