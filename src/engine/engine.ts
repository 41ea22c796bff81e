import { type Money, formatDecimal } from "../domain/money.ts";
import { type Quote, isQuote } from "../domain/quote.ts";
import type { AccountRecord, StrikeSource, TradeRecord } from "../domain/records.ts";
import { isoUtc } from "../domain/window.ts";
import { type Forecaster, HybridForecaster, newForecast } from "../model/forecaster.ts";
import type { ModelParams } from "../model/params.ts";
import { PriceHistory } from "../model/price-history.ts";
import { type Decision, NO_TRADE_REASONS, type NoTrade, type NoTradeReason } from "../strategy/decision.ts";
import { Declined, type StrategyParams } from "../strategy/edge-strategy.ts";
import { EdgeStrategy, type Strategy } from "../strategy/strategy.ts";
import { Account } from "./account.ts";
import type { BookEvent, EngineEvent, MarketEvent, OrderEvent } from "../domain/events.ts";
import { IndexCheck } from "./index-check.ts";
import { type JournalPort, JournalQueue } from "./journal.ts";
import type { MarketSource } from "./market.ts";
import { type OrderPort, OrderRouter } from "./orders.ts";
import type { Fill } from "./paper-broker.ts";
import { type OrderContext, predictionRecord, tradeRecord } from "./records.ts";
import { NO_LIMITS, type RiskLimits, type RiskRefusalReason, dayStart } from "./risk-gate.ts";
import { type SettlementCounters, Settlements } from "./settlements.ts";
import type { EngineListener, ForecastEvent } from "./listener.ts";
import { WindowTracker } from "./window-tracker.ts";
import type { Portfolio } from "./portfolio.ts";
import { type PriceScale, priceScale } from "../domain/price-scale.ts";

export type { EngineListener, ForecastEvent };

export interface EngineConfig {
  readonly series: string;
  /** The series' price unit: 10^-priceDigits dollar (2: cents, the default). See domain/price-scale.ts. */
  readonly priceDigits?: number;
  readonly startBalance: Money;
  readonly strategy: StrategyParams;
  readonly model: ModelParams;
  /** No trading once the price has been carried forward this many seconds in a row. */
  readonly maxStaleSeconds: number;
  /**
   * "proxy": settle at the close on our own 60-s average. "official": keep positions pending
   * until a result event brings the venue's result (the proxy value is journaled beside it).
   */
  readonly settlement: "proxy" | "official";
  /** Journal a prediction every N seconds and on every trade; 0 turns predictions off. */
  readonly predictionEverySeconds: number;
  /** A strike or settlement average with more carried-forward seconds than this is unreliable (default 5). */
  readonly maxCarriedSeconds?: number;
  /** Limits on the one order path (default: none). */
  readonly risk?: RiskLimits & { readonly dayStartHourUtc: number; readonly killSwitchName?: string };
}

export type NoTradeCounts = Record<NoTradeReason, number>;

export interface EngineCounters extends SettlementCounters {
  samples: number;
  forecasts: number;
  trades: number;
  gaps: number;
  /** Orders handed to a venue, and those that came back with nothing filled. */
  ordersSent: number;
  ordersUnfilled: number;
  /** Order events for orders this engine did not send (a replay of a live session), ignored. */
  ordersUnknown: number;
  /** Trade-journal writes that failed (each retry counts), and other records that could not be written. */
  journalFailures: number;
  recordWriteFailures: number;
  readonly refused: Record<RiskRefusalReason, number>;
  readonly noTrade: NoTradeCounts;
}

export interface EngineDeps {
  readonly market: MarketSource & { onMarket?(e: MarketEvent): void; onBook?(e: BookEvent): void };
  readonly journal: JournalPort;
  readonly listener?: EngineListener;
  /** State rebuilt from an existing journal; a fresh account otherwise. */
  readonly account?: Account;
  /** Venue execution (live orders); without it, orders fill on paper at once. */
  readonly orders?: OrderPort;
  /** Exposure held on the venue outside this journal (found when live trading starts). */
  readonly externalExposure?: Money;
  /** What forecasts (default: btc15's hybrid with the configured model). */
  readonly forecaster?: Forecaster;
  /** What decides (default: the edge rule with the configured strategy settings). */
  readonly strategy?: Strategy;
  /** The other series' engines of the process, and the limits on all of them together (portfolio.ts). */
  readonly portfolio?: Portfolio;
}

const DEFAULT_MAX_CARRIED = 5;

/**
 * The one engine behind every driver (live, demo, backtest, replay). Everything it learns
 * arrives through handle() as a stamped event; nothing else reaches it, and time enters only
 * inside events. Each second: track the window, forecast, decide, route the order, and at each
 * close settle.
 */
export class Engine {
  readonly account: Account;
  readonly history: PriceHistory;
  readonly tracker: WindowTracker;
  readonly forecaster: Forecaster;
  readonly strategy: Strategy;
  readonly counters: EngineCounters;
  /** The exchange median against the settlement index, on the seconds the index priced. */
  readonly indexCheck = new IndexCheck();
  private readonly settlements: Settlements;
  private readonly orders: OrderRouter;
  private readonly journal: JournalQueue;
  private readonly maxCarried: number;
  /** The series' price unit (cents for BTC). */
  readonly scale: PriceScale;
  private lastIdleT = 0;
  private lastIdleDecision: NoTrade | null = null;
  private carriedStreak = 0;
  private trading = true;
  private warming = false;
  private killSwitch = false;
  private journalBroken = false;
  // Reused every second: a fresh forecast and event a second is most of the garbage otherwise.
  private readonly state = { price: 0.5, strike: 0.5, t: 0, close: 0, fixedSum: 0.5 };
  private readonly forecastScratch = newForecast();
  private readonly declined = new Declined();
  private readonly decisionInput = { pUp: 0.5, quote: null as Quote | null, balance: 0, entriesThisWindow: 0, secondsLeft: 0, t: 0, close: 0, fairValue: 0.5 };
  private event: { -readonly [K in keyof ForecastEvent]: ForecastEvent[K] } | null = null;

  constructor(readonly config: EngineConfig, private readonly deps: EngineDeps) {
    this.account = deps.account ?? new Account(config.startBalance);
    this.forecaster = deps.forecaster ?? new HybridForecaster(config.model);
    this.strategy = deps.strategy ?? new EdgeStrategy(config.strategy);
    this.history = new PriceHistory(Math.max(this.forecaster.historyNeeded, 60) + 1);
    this.tracker = new WindowTracker(config.series);
    this.maxCarried = config.maxCarriedSeconds ?? DEFAULT_MAX_CARRIED;
    this.scale = priceScale(config.priceDigits ?? 2);
    const noTrade = Object.fromEntries(NO_TRADE_REASONS.map((r) => [r, 0])) as NoTradeCounts;
    this.counters = {
      samples: 0,
      forecasts: 0,
      trades: 0,
      settlements: 0,
      voids: 0,
      windowsClosed: 0,
      gaps: 0,
      ordersSent: 0,
      ordersUnfilled: 0,
      ordersUnknown: 0,
      proxyCompared: 0,
      proxyDisagreements: 0,
      proxyUnreliable: 0,
      journalFailures: 0,
      recordWriteFailures: 0,
      refused: { kill_switch: 0, max_per_order: 0, max_open_exposure: 0, max_daily_loss: 0, max_orders_per_window: 0, max_total_exposure: 0, max_total_daily_loss: 0 },
      noTrade,
    };
    const listener = deps.listener;
    this.journal = new JournalQueue(deps.journal, (e) => {
      this.journalBroken = true;
      listener?.onJournalError?.(e);
    });
    this.orders = new OrderRouter(config.strategy.feeRate, config.risk ?? NO_LIMITS, deps.orders ?? null);
    this.settlements = new Settlements({
      account: this.account,
      journal: this.journal,
      port: deps.journal,
      counters: this.counters,
      mode: config.settlement,
      maxCarriedSeconds: this.maxCarried,
      scale: this.scale,
      officialStrike: (ticker) => deps.market.officialStrike(ticker),
      ...(deps.market.outcomeAtClose ? { outcomeAtClose: (ticker: string) => deps.market.outcomeAtClose!(ticker) } : {}),
      onSettlement: (r) => listener?.onSettlement?.(r),
      onWindowResolved: (r) => listener?.onWindowResolved?.(r),
      onWindowRecordFailed: () => this.counters.recordWriteFailures++,
    });
    deps.portfolio?.join({
      series: config.series,
      openExposure: () => this.openExposure(),
      realisedSince: (t) => this.account.realisedSince(t),
    });
  }

  /** The latest forecast event, for status lines: the same reused object (see ForecastEvent). */
  get lastForecast(): ForecastEvent | null {
    return this.event;
  }

  /** The latest decision not to trade (forecast or not) and its instant; like lastForecast, reused. */
  get lastIdle(): { readonly t: number; readonly decision: NoTrade } | null {
    return this.lastIdleDecision === null ? null : { t: this.lastIdleT, decision: this.lastIdleDecision };
  }

  /** What is at stake now: open positions at cost, orders sent and not answered, and what the venue says it holds. */
  private openExposure(): Money {
    return this.account.openCost + this.orders.pendingExposure + (this.deps.externalExposure ?? 0);
  }

  get isTrading(): boolean {
    return this.trading && !this.journalBroken;
  }

  /** Orders sent to a venue and not yet answered. */
  get ordersPending(): number {
    return this.orders.size;
  }

  /** Journal records waiting for the disk after a failed write. */
  get journalPending(): number {
    return this.journal.pending;
  }

  /** The one door: every event the engine learns from. */
  handle(e: EngineEvent): void {
    switch (e.type) {
      case "second":
        if (e.source === "index") this.indexCheck.observe(e.cents, e.proxyCents);
        this.onSecond(e.second, e.cents, e.carried, e.exact ?? !e.carried);
        return;
      case "mean":
        this.onMean(e.end, e.cents);
        return;
      case "gap":
        this.onGap(e.from, e.to);
        return;
      case "market":
        this.deps.market.onMarket?.(e);
        return;
      case "book":
        this.deps.market.onBook?.(e);
        return;
      case "result":
        this.settlements.onResult(e);
        this.flushJournal();
        return;
      case "order":
        this.onOrder(e);
        return;
      case "kill_switch":
        this.killSwitch = e.on;
        return;
      case "warm_up":
        this.warming = e.on;
        return;
      case "stop":
        this.trading = false;
        return;
    }
  }

  /**
   * Open positions still waiting for their window's outcome (none written or queued yet), among
   * windows that closed after `closedAfter` (unix seconds): what the session can still settle.
   */
  awaitingSettlement(closedAfter: number): number {
    return this.settlements.awaiting(closedAfter);
  }

  /** Our own outcome of a recent window, while its official result is awaited. */
  proxyOutcome(close: number) {
    return this.settlements.proxyOf(close);
  }

  private onSecond(second: number, cents: number, carried: boolean, exact: boolean): void {
    if (!this.account.opened) this.openAccount(second);
    if (this.journal.pending > 0) this.flushJournal();
    this.history.push(second, cents, carried, exact);
    this.counters.samples++;
    this.carriedStreak = carried ? this.carriedStreak + 1 : 0;
    this.forecaster.observe(this.history);
    const closed = this.tracker.advance(second, cents, this.history);
    if (closed !== null) {
      this.deps.listener?.onWindowClosed?.(closed);
      this.settlements.onClose(closed, second + 1);
    }
    this.step(second + 1, cents);
  }

  /** A minute bar's estimate of the mean over [end − 60, end): the strike or settlement at `end`. */
  private onMean(end: number, cents: number): void {
    this.tracker.meanFromBar(end, cents);
  }

  private onGap(from: number, to: number): void {
    this.counters.gaps++;
    this.deps.listener?.onGap?.(from, to);
    // Positions whose settlement minute has no prices cannot be settled on our own prices.
    if (this.config.settlement === "proxy") this.settlements.voidFrom(from, "price data missing before the close");
    this.history.clear();
    this.forecaster.reset();
    this.tracker.reset();
    this.carriedStreak = 0;
  }

  private flushJournal(): void {
    this.journal.flush();
    this.counters.journalFailures = this.journal.failures;
  }

  /** A new journal starts with the balance it was opened with. */
  private openAccount(t: number): void {
    const record: AccountRecord = { type: "account", t, ts: isoUtc(t), balance: formatDecimal(this.account.startBalance) };
    this.journal.write(record, () => this.account.apply(record));
  }

  private step(t: number, cents: number): void {
    const ws = this.tracker.current;
    if (ws === null) return this.idle(t, "no_window", "no window yet");
    const window = ws.window;
    // The venue's official strike decides once it is known; until then our own average, if it
    // was made of live prices.
    const official = this.deps.market.officialStrike(window.ticker);
    let strike: number;
    let source: StrikeSource;
    if (official !== null) {
      strike = official;
      source = "kalshi";
    } else if (ws.strikeCents === null) return this.idle(t, "no_window", "joined mid-window: no strike until the next window opens");
    else if (ws.strikeCarried > this.maxCarried) {
      return this.idle(t, "unreliable_strike", `our strike averages ${ws.strikeCarried} of 60 seconds carried forward (no live price) and the market has no official strike`);
    } else {
      strike = ws.strikeCents;
      source = "proxy";
    }
    if (t > window.close - 60 && ws.settleCount < t - (window.close - 60)) return this.idle(t, "no_window", "joined inside the settlement minute");
    if (!this.forecaster.ready) return this.idle(t, "warmup", null, this.history.size, this.forecaster.historyNeeded);
    const state = this.state;
    const perDollar = this.scale.perDollar;
    state.price = cents / perDollar;
    state.strike = strike / perDollar;
    state.t = t;
    state.close = window.close;
    state.fixedSum = ws.settleSum / perDollar;
    const forecast = this.forecaster.forecastInto(state, this.history, this.forecastScratch);
    this.counters.forecasts++;
    const offered = this.deps.market.quote(t, window, forecast.fairValue);
    const quote = isQuote(offered) ? offered : null;
    if (this.forecaster.readMarket !== undefined && !this.forecaster.readMarket(forecast, quote)) {
      return this.idle(t, "no_quote", quote === null ? (isQuote(offered) ? "no quote" : offered.detail) : "no two-sided quote: no market price to forecast with");
    }
    const secondsLeft = window.close - t;
    let decision: Decision;
    if (this.warming) decision = this.declined.set("warmup", "replaying recent history at start-up", null, null, 0);
    else if (this.journalBroken) decision = this.declined.set("stopped", "the journal cannot be written: no new trades", null, null, 0);
    else if (!this.trading) decision = this.declined.set("stopped", "shutting down: no new trades", null, null, 0);
    else if (this.carriedStreak >= this.config.maxStaleSeconds) decision = this.declined.set("stale_price", `no fresh price for ${this.carriedStreak}s`, null, null, 0);
    else if (quote === null) decision = this.declined.set("no_quote", isQuote(offered) ? "no quote" : offered.detail, null, null, Math.abs(forecast.pUp - 0.5));
    else {
      const input = this.decisionInput;
      input.pUp = forecast.pUp;
      input.quote = quote;
      input.balance = this.account.balance;
      input.entriesThisWindow = this.account.entriesIn(window.close) + this.orders.pendingIn(window.close);
      input.secondsLeft = secondsLeft;
      input.t = t;
      input.close = window.close;
      input.fairValue = forecast.fairValue;
      decision = this.strategy.decide(input, this.declined);
    }
    let trade: TradeRecord | null = null;
    if (decision.kind === "trade" && quote !== null) {
      const context: OrderContext = { intent: decision, market: quote.source, t, window, pUp: forecast.pUp, cents, strikeCents: strike, strikeSource: source, proxyStrikeCents: ws.strikeCents };
      const ref = this.nextTradeId(window.close);
      const risk = this.config.risk;
      const routed = this.orders.route(
        ref,
        context,
        quote,
        {
          killSwitch: this.killSwitch,
          openExposure: this.openExposure(),
          dayPnl: this.account.realisedSince(dayStart(t, risk?.dayStartHourUtc ?? 0)),
        },
        risk?.killSwitchName ?? "the kill switch",
        this.deps.portfolio ? (worst) => this.deps.portfolio!.refusal(worst, t) : undefined,
      );
      if (routed.kind === "filled") {
        trade = this.recordFill(ref, context, routed.fill);
        if (trade === null) decision = this.declined.set("stopped", "the journal cannot be written: no new trades", decision.edges.yes, decision.edges.no, decision.confidence);
      } else if (routed.kind === "sent") {
        this.counters.ordersSent++;
        // What was sent, which the venue sizing may have made smaller than the intent.
        this.deps.listener?.onOrderSent?.(ref, routed.order.contracts, routed.order.limitPrice, routed.order.side);
      } else if (routed.kind === "refused") {
        this.counters.refused[routed.refusal.reason]++;
        decision = this.declined.set("risk_limit", routed.refusal.message, decision.edges.yes, decision.edges.no, decision.confidence);
      } else decision = this.declined.set("no_quote", "nothing could be filled within the limit price", decision.edges.yes, decision.edges.no, decision.confidence);
    }
    if (decision.kind === "none") {
      this.counters.noTrade[decision.reason]++;
      this.lastIdleT = t;
      this.lastIdleDecision = decision;
    }
    let event = this.event;
    if (event === null) {
      event = this.event = { t, window, secondsLeft, priceCents: cents, strikeCents: strike, strikeSource: source, proxyStrikeCents: ws.strikeCents, forecast, quote, decision };
    } else {
      event.t = t;
      event.window = window;
      event.secondsLeft = secondsLeft;
      event.priceCents = cents;
      event.strikeCents = strike;
      event.strikeSource = source;
      event.proxyStrikeCents = ws.strikeCents;
      event.quote = quote;
      event.decision = decision;
    }
    this.deps.listener?.onForecast?.(event);
    const every = this.config.predictionEverySeconds;
    if (every > 0 && !this.warming && (trade !== null || t % every === 0)) {
      try {
        this.deps.journal.prediction(predictionRecord(event, this.scale));
      } catch {
        this.counters.recordWriteFailures++;
      }
    }
  }

  private idle(t: number, reason: NoTradeReason, detail: string | null, a = 0, b = 0): void {
    this.counters.noTrade[reason]++;
    const decision = this.declined.set(reason, detail, null, null, 0, a, b);
    this.lastIdleT = t;
    this.lastIdleDecision = decision;
    this.deps.listener?.onIdle?.(t, decision);
  }

  /** Trade ids name the window's close and the entry: "20260427T1845Z-1". */
  private nextTradeId(close: number): string {
    return `${isoUtc(close).replace(/[-:]/g, "").replace("00Z", "Z")}-${this.account.entriesIn(close) + this.orders.pendingIn(close) + 1}`;
  }

  private onOrder(e: OrderEvent): void {
    const context = this.orders.complete(e);
    if (context === undefined) {
      this.counters.ordersUnknown++;
      return;
    }
    if (e.fill === null || e.fill.contracts === 0) {
      this.counters.ordersUnfilled++;
      this.deps.listener?.onOrderUnfilled?.(e.ref, e.error);
      return;
    }
    this.recordFill(e.ref, context, e.fill);
  }

  /** Journals a fill as a trade; null when the journal could not take it (it is retried). */
  private recordFill(id: string, context: OrderContext, fill: Fill): TradeRecord | null {
    const record = tradeRecord(id, context, fill, this.account.balance, this.scale);
    const written = this.journal.write(record, () => {
      this.account.apply(record);
      this.counters.trades++;
      this.deps.listener?.onTrade?.(record);
    });
    this.counters.journalFailures = this.journal.failures;
    return written ? record : null;
  }
}
