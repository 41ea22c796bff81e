import { CONTRACT_PAYOUT, type Money, formatDecimal } from "../domain/money.ts";
import { bestAsk, type Quote } from "../domain/quote.ts";
import type { AccountRecord, PredictionRecord, SettlementRecord, TradeRecord, VoidRecord } from "../domain/records.ts";
import { type Side, resultOf } from "../domain/settlement.ts";
import { type Window, isoUtc } from "../domain/window.ts";
import type { Forecast } from "../model/forecaster.ts";
import { HybridForecaster, newForecast } from "../model/forecaster.ts";
import type { ModelParams } from "../model/params.ts";
import { PriceHistory } from "../model/price-history.ts";
import { type Decision, NO_TRADE_REASONS, type NoTrade, type NoTradeReason, type OrderIntent } from "../strategy/decision.ts";
import { Declined, type StrategyParams, decide, noTrade } from "../strategy/edge-strategy.ts";
import { Account, type Position } from "./account.ts";
import type { JournalPort } from "./journal.ts";
import type { MarketSource } from "./market.ts";
import { type Fill, paperFill } from "./paper-broker.ts";
import type { SampleSink } from "./sampler.ts";
import { type ClosedWindow, WindowTracker } from "./window-tracker.ts";

export interface EngineConfig {
  readonly series: string;
  readonly startBalance: Money;
  readonly strategy: StrategyParams;
  readonly model: ModelParams;
  /** No trading once the price has been carried forward this many seconds in a row. */
  readonly maxStaleSeconds: number;
  /**
   * "proxy": settle at the close on our own 60-s average. "official": keep positions pending
   * until settle() brings the venue's result (the proxy value is journaled beside it).
   */
  readonly settlement: "proxy" | "official";
  /** Journal a prediction every N seconds and on every trade; 0 turns predictions off. */
  readonly predictionEverySeconds: number;
}

/**
 * One second's forecast and what the strategy made of it. The engine reuses one event (and its
 * forecast) every second: it is valid during the listener call and until the next second;
 * copy whatever you keep.
 */
export interface ForecastEvent {
  readonly t: number;
  readonly window: Window;
  readonly secondsLeft: number;
  readonly priceCents: number;
  readonly strikeCents: number;
  readonly forecast: Forecast;
  readonly quote: Quote | null;
  readonly decision: Decision;
}

export interface EngineListener {
  onForecast?(e: ForecastEvent): void;
  onWindowClosed?(w: ClosedWindow): void;
  onTrade?(r: TradeRecord): void;
  onSettlement?(r: SettlementRecord | VoidRecord): void;
  /** A second with no forecast (warm-up, no strike yet). */
  onIdle?(t: number, decision: NoTrade): void;
}

export type NoTradeCounts = Record<NoTradeReason, number>;

export interface EngineCounters {
  samples: number;
  forecasts: number;
  trades: number;
  settlements: number;
  voids: number;
  windowsClosed: number;
  gaps: number;
  /** Orders handed to an asynchronous executor, and those that came back with nothing filled. */
  ordersSent: number;
  ordersUnfilled: number;
  /** Official results compared with our proxy settlement, and how many disagreed. */
  proxyCompared: number;
  proxyDisagreements: number;
  readonly noTrade: NoTradeCounts;
}

/** An order sent off whose fill will be reported later through Engine.completeOrder(ref). */
export interface PendingExecution {
  readonly pending: true;
}

/** An order a risk limit or the kill switch stopped before it was sent; recorded as `risk_limit`. */
export interface RefusedExecution {
  readonly refused: string;
}

/**
 * Executes advice: paper fills at once by walking the quote; a live broker sends the order and
 * answers pending, or refuses it. `ref` names the order (it becomes the trade id when it fills).
 */
export type Executor = (intent: OrderIntent, quote: Quote, feeRate: Money, ref: string) => Fill | null | PendingExecution | RefusedExecution;

interface PendingOrder {
  readonly intent: OrderIntent;
  readonly quote: Quote;
  readonly t: number;
  readonly window: Window;
  readonly forecast: Forecast;
  readonly cents: number;
  readonly strikeCents: number;
}

export interface EngineDeps {
  readonly market: MarketSource;
  readonly journal: JournalPort;
  readonly listener?: EngineListener;
  /** State rebuilt from an existing journal; a fresh account otherwise. */
  readonly account?: Account;
  readonly execute?: Executor;
}

/**
 * The one engine behind live trading, the demo and the backtest. It takes one price per second
 * (from a Sampler) and nothing else from the world: time enters only as the second of each
 * price. Each second: track the window, forecast, decide, fill, and at each close settle.
 */
export class Engine implements SampleSink {
  readonly account: Account;
  readonly history: PriceHistory;
  readonly tracker: WindowTracker;
  readonly forecaster: HybridForecaster;
  readonly counters: EngineCounters;
  /** The latest forecast event, for status lines: the same reused object (see ForecastEvent). */
  get lastForecast(): ForecastEvent | null {
    return this.event;
  }
  private lastIdleT = 0;
  private lastIdleDecision: NoTrade | null = null;

  /** The latest decision not to trade (forecast or not) and its instant; like lastForecast, reused. */
  get lastIdle(): { readonly t: number; readonly decision: NoTrade } | null {
    return this.lastIdleDecision === null ? null : { t: this.lastIdleT, decision: this.lastIdleDecision };
  }
  private carriedStreak = 0;
  private trading = true;
  private replaying = false;
  /** Our own settlement of recent windows, kept (settlement "official") to compare with the venue's. */
  private readonly proxySettlements = new Map<number, { cents: number | null; result: Side | null }>();
  private readonly pendingOrders = new Map<string, PendingOrder>();
  // Reused every second: a fresh forecast and event a second is most of the garbage otherwise.
  private readonly state = { price: 0.5, strike: 0.5, t: 0, close: 0, fixedSum: 0.5 };
  private readonly forecastScratch = newForecast();
  private readonly declined = new Declined();
  private readonly decisionInput = { pUp: 0.5, quote: null as Quote | null, balance: 0, entriesThisWindow: 0, secondsLeft: 0 };
  private event: { -readonly [K in keyof ForecastEvent]: ForecastEvent[K] } | null = null;
  private readonly execute: Executor;

  constructor(readonly config: EngineConfig, private readonly deps: EngineDeps) {
    this.account = deps.account ?? new Account(config.startBalance);
    this.forecaster = new HybridForecaster(config.model);
    this.history = new PriceHistory(Math.max(this.forecaster.historyNeeded, 60) + 1);
    this.tracker = new WindowTracker(config.series);
    this.execute = deps.execute ?? paperFill;
    const noTrade = Object.fromEntries(NO_TRADE_REASONS.map((r) => [r, 0])) as NoTradeCounts;
    this.counters = { samples: 0, forecasts: 0, trades: 0, settlements: 0, voids: 0, windowsClosed: 0, gaps: 0, ordersSent: 0, ordersUnfilled: 0, proxyCompared: 0, proxyDisagreements: 0, noTrade };
  }

  /** Stops new entries (shutdown); open positions still settle. */
  stopTrading(): void {
    this.trading = false;
  }

  /**
   * While replaying recent history at start-up (warm start), prices only fill the buffers:
   * no trade (reason `warmup`) and no prediction is journaled for those seconds. Windows that
   * close during the replay still settle, so positions from before a restart are settled.
   */
  setReplaying(on: boolean): void {
    this.replaying = on;
  }

  get isTrading(): boolean {
    return this.trading;
  }

  onSecond(second: number, cents: number, carried: boolean, exact = !carried): void {
    if (!this.account.opened) this.openAccount(second);
    this.history.push(second, cents, carried, exact);
    this.counters.samples++;
    this.carriedStreak = carried ? this.carriedStreak + 1 : 0;
    this.forecaster.observe(this.history);
    const closed = this.tracker.advance(second, cents, this.history);
    if (closed !== null) this.closeWindow(closed, second + 1);
    this.step(second + 1, cents);
  }

  onGap(from: number, _to: number): void {
    this.counters.gaps++;
    // Positions whose settlement minute has no prices cannot be settled on our own prices.
    if (this.config.settlement === "proxy") {
      for (const p of [...this.account.positions.values()]) {
        if (p.windowClose > from) this.voidPosition(p, from, "price data missing before the close");
      }
    }
    this.history.clear();
    this.forecaster.reset();
    this.tracker.reset();
    this.carriedStreak = 0;
  }

  /**
   * An official result (Kalshi's) for the window closing at `close`: settles every open position
   * in it (settlement "official"), and is compared with our own proxy settlement of that window;
   * a different result is counted in `proxyDisagreements`.
   */
  settle(close: number, result: Side, settlementCents: number | null, t: number, source: string): void {
    const proxy = this.proxySettlements.get(close);
    if (proxy !== undefined && proxy.result !== null) {
      this.counters.proxyCompared++;
      if (proxy.result !== result) this.counters.proxyDisagreements++;
    }
    for (const p of [...this.account.positions.values()]) {
      if (p.windowClose === close) this.settlePosition(p, result, settlementCents, t, source, proxy?.cents ?? null);
    }
    this.proxySettlements.delete(close);
  }

  /** Our own settlement of a recent window, if it closed while we watched: for display and comparison. */
  proxySettlement(close: number): { cents: number | null; result: Side | null } | undefined {
    return this.proxySettlements.get(close);
  }

  /** A new journal starts with the balance it was opened with. */
  private openAccount(t: number): void {
    const record: AccountRecord = { type: "account", t, ts: isoUtc(t), balance: formatDecimal(this.account.startBalance) };
    this.deps.journal.append(record);
    this.account.apply(record);
  }

  private step(t: number, cents: number): void {
    const ws = this.tracker.current;
    if (ws === null || ws.strikeCents === null) {
      this.idle(t, "no_window", "joined mid-window: no strike until the next window opens");
      return;
    }
    if (!this.forecaster.ready) {
      this.idle(t, "warmup", null, this.history.size, this.forecaster.historyNeeded);
      return;
    }
    const window = ws.window;
    const state = this.state;
    state.price = cents / 100;
    state.strike = ws.strikeCents / 100;
    state.t = t;
    state.close = window.close;
    state.fixedSum = ws.settleSum / 100;
    const forecast = this.forecaster.forecastInto(state, this.history, this.forecastScratch);
    this.counters.forecasts++;
    const quote = this.deps.market.quote(t, window, forecast.fairValue);
    const secondsLeft = window.close - t;
    let decision: Decision;
    if (this.replaying) decision = this.declined.set("warmup", "replaying recent history at start-up", null, null, 0);
    else if (!this.trading) decision = this.declined.set("stopped", "shutting down: no new trades", null, null, 0);
    else if (this.carriedStreak >= this.config.maxStaleSeconds) decision = this.declined.set("stale_price", `no fresh price for ${this.carriedStreak}s`, null, null, 0);
    else {
      const input = this.decisionInput;
      input.pUp = forecast.pUp;
      input.quote = quote;
      input.balance = this.account.balance;
      input.entriesThisWindow = this.entriesIn(window.close);
      input.secondsLeft = secondsLeft;
      decision = decide(input, this.config.strategy, this.declined);
    }
    let trade: TradeRecord | null = null;
    if (decision.kind === "trade" && quote !== null) {
      const order: PendingOrder = { intent: decision, quote, t, window, forecast: { ...forecast }, cents, strikeCents: ws.strikeCents };
      const ref = this.nextTradeId(window.close);
      const result = this.execute(decision, quote, this.config.strategy.feeRate, ref);
      if (result !== null && "pending" in result) {
        this.pendingOrders.set(ref, order);
        this.counters.ordersSent++;
      } else if (result !== null && "refused" in result) {
        decision = noTrade("risk_limit", result.refused, decision.edges, decision.confidence);
      } else {
        trade = result === null || result.contracts === 0 ? null : this.recordFill(ref, order, result);
        if (trade === null) decision = noTrade("no_quote", "nothing could be filled within the limit price", decision.edges, decision.confidence);
      }
    }
    if (decision.kind === "none") {
      this.counters.noTrade[decision.reason]++;
      this.lastIdleT = t;
      this.lastIdleDecision = decision;
    }
    let event = this.event;
    if (event === null) event = this.event = { t, window, secondsLeft, priceCents: cents, strikeCents: ws.strikeCents, forecast, quote, decision };
    else {
      event.t = t;
      event.window = window;
      event.secondsLeft = secondsLeft;
      event.priceCents = cents;
      event.strikeCents = ws.strikeCents;
      event.quote = quote;
      event.decision = decision;
    }
    this.deps.listener?.onForecast?.(event);
    const every = this.config.predictionEverySeconds;
    if (every > 0 && !this.replaying && (trade !== null || t % every === 0)) this.deps.journal.prediction(predictionRecord(event));
  }

  private idle(t: number, reason: NoTradeReason, detail: string | null, a = 0, b = 0): void {
    this.counters.noTrade[reason]++;
    const decision = this.declined.set(reason, detail, null, null, 0, a, b);
    this.lastIdleT = t;
    this.lastIdleDecision = decision;
    this.deps.listener?.onIdle?.(t, decision);
  }

  /** Entries in a window: filled trades plus orders still waiting for their fill. */
  private entriesIn(close: number): number {
    let n = this.account.entriesIn(close);
    if (this.pendingOrders.size === 0) return n;
    for (const o of this.pendingOrders.values()) if (o.window.close === close) n++;
    return n;
  }

  /** Trade ids name the window's close and the entry: "20260427T1845Z-1". */
  private nextTradeId(close: number): string {
    return `${isoUtc(close).replace(/[-:]/g, "").replace("00Z", "Z")}-${this.entriesIn(close) + 1}`;
  }

  /** Orders sent to an asynchronous executor and not yet answered. */
  get ordersPending(): number {
    return this.pendingOrders.size;
  }

  /**
   * The fill (or nothing) for an order an executor answered as pending. A fill is journaled as
   * a trade exactly as a paper fill is; nothing filled frees the window's entry.
   */
  completeOrder(ref: string, fill: Fill | null): TradeRecord | null {
    const order = this.pendingOrders.get(ref);
    if (order === undefined) throw new RangeError(`no pending order ${ref}`);
    this.pendingOrders.delete(ref);
    if (fill === null || fill.contracts === 0) {
      this.counters.ordersUnfilled++;
      return null;
    }
    return this.recordFill(ref, order, fill);
  }

  private recordFill(id: string, order: PendingOrder, fill: Fill): TradeRecord {
    const { intent, quote, t, window, forecast: f, cents, strikeCents } = order;
    const record: TradeRecord = {
      type: "trade",
      id,
      t,
      ts: isoUtc(t),
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
      balance_after: formatDecimal(this.account.balance - fill.cost - fill.fee),
      p_up: round6(f.pUp),
      p_side: round6(intent.pSide),
      edge: round6(intent.edge),
      confidence: round6(intent.confidence),
      strike: centsText(strikeCents),
      btc_price: centsText(cents),
      market: quote.source,
      ...(quote.strikeCents != null ? { kalshi_strike: centsText(quote.strikeCents) } : {}),
    };
    this.deps.journal.append(record);
    this.account.apply(record);
    this.counters.trades++;
    this.deps.listener?.onTrade?.(record);
    return record;
  }

  private closeWindow(closed: ClosedWindow, t: number): void {
    this.counters.windowsClosed++;
    this.deps.listener?.onWindowClosed?.(closed);
    const close = closed.window.close;
    const positions = [...this.account.positions.values()].filter((p) => p.windowClose === close);
    if (this.config.settlement === "official") {
      this.proxySettlements.set(close, { cents: closed.settlementCents, result: closed.result });
      // A day of windows is plenty to wait for results; older ones are forgotten.
      for (const k of this.proxySettlements.keys()) if (k < close - 86_400) this.proxySettlements.delete(k);
      return;
    }
    for (const p of positions) {
      // The strike the trade was made against (journaled with it) decides, so a window joined
      // midway after a restart still settles when its closing minute was seen.
      const strike = p.strike === "" ? closed.strikeCents : Math.round(Number(p.strike) * 100);
      if (closed.settlementCents === null || strike === null) this.voidPosition(p, t, "no strike or settlement prices for this window");
      else this.settlePosition(p, resultOf(closed.settlementCents, strike), closed.settlementCents, t, "proxy", null);
    }
  }

  private settlePosition(p: Position, result: Side, settlementCents: number | null, t: number, source: string, proxyCents: number | null): void {
    const won = p.side === result;
    const payout = won ? p.contracts * CONTRACT_PAYOUT : 0;
    const record: SettlementRecord = {
      type: "settlement",
      trade_id: p.id,
      t,
      ts: isoUtc(t),
      ticker: p.ticker,
      strike: p.strike,
      settlement_value: settlementCents === null ? "" : centsText(settlementCents),
      result,
      won,
      payout: formatDecimal(payout),
      pnl: formatDecimal(payout - p.cost - p.fee),
      balance_after: formatDecimal(this.account.balance + payout),
      source,
      ...(proxyCents !== null ? { proxy_settlement_value: centsText(proxyCents) } : {}),
    };
    this.deps.journal.append(record);
    this.account.apply(record);
    this.counters.settlements++;
    this.deps.listener?.onSettlement?.(record);
  }

  private voidPosition(p: Position, t: number, reason: string): void {
    const record: VoidRecord = {
      type: "void",
      trade_id: p.id,
      t,
      ts: isoUtc(t),
      ticker: p.ticker,
      reason,
      refund: formatDecimal(p.cost + p.fee),
      balance_after: formatDecimal(this.account.balance + p.cost + p.fee),
    };
    this.deps.journal.append(record);
    this.account.apply(record);
    this.counters.voids++;
    this.deps.listener?.onSettlement?.(record);
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function centsText(cents: number): string {
  return (cents / 100).toFixed(2);
}

function predictionRecord(e: ForecastEvent): PredictionRecord {
  const d = e.decision;
  const yesAsk = e.quote === null ? null : bestAsk(e.quote, "yes");
  const noAsk = e.quote === null ? null : bestAsk(e.quote, "no");
  return {
    t: e.t,
    ts: isoUtc(e.t),
    ticker: e.window.ticker,
    seconds_left: e.secondsLeft,
    btc_price: e.priceCents / 100,
    strike: e.strikeCents / 100,
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
