import { type Money, UNITS_PER_CENT, formatDecimal, moneyToDollars } from "../../domain/money.ts";
import { type Quote, bestAsk, quoteMid } from "../../domain/quote.ts";
import type { SettlementRecord, TradeJournalRecord, TradeRecord, VoidRecord, WindowRecord } from "../../domain/records.ts";
import type { Engine, EngineListener, ForecastEvent } from "../../engine/engine.ts";
import type { IndexReading } from "../../feeds/index.ts";
import type { EquityPoint } from "../../report/html/report-data.ts";
import { thinEquity } from "../../report/html/charts/equity.ts";
import type { NoTrade } from "../../strategy/decision.ts";
import { loadTradeJournal } from "../../store/trade-journal.ts";
import { accountView } from "../core/account-view.ts";
import { Scorecard, checkpointMinutes } from "../../report/scorecard.ts";
import type { AccountPanel, DashboardState, DecisionPanel, PricePanel, QuotePanel, ScoresPanel, SeriesPanelRow, SettlementRow, TradeRow, WindowPanel, WindowRow } from "./state.ts";
import { seriesOfTicker } from "../../domain/series.ts";

export interface BoardOptions {
  readonly driver: "live" | "demo" | "replay";
  readonly mode: "paper" | "live";
  readonly series: string;
  /** Where quotes come from, as the console names it ("synthetic", "kalshi"). */
  readonly market: string;
  /** Live: the price index's latest reading. Without it, the engine's own latest price is shown (demo, replay). */
  readonly prices?: () => IndexReading | null;
  /** Live with Kalshi: its counters in one line. */
  readonly kalshi?: () => string | null;
}

/** Something the page should hear about at once, not only in the next second's state. */
export type BoardEvent = { readonly kind: "trade"; readonly row: TradeRow } | { readonly kind: "settlement"; readonly row: SettlementRow };

/** How much history the state keeps: enough to draw, bounded however long the session runs. */
export const LIMITS = {
  trades: 50,
  settlements: 50,
  windows: 12,
  /** Equity points sent to the page; more are kept and thinned (peaks and troughs stay). */
  equityShown: 300,
  equityKept: 2000,
  /** Seconds of one window (900), with room for a window joined at a restart. */
  windowSeconds: 960,
} as const;

const cents = (m: Money | null): number | null => (m === null ? null : m / UNITS_PER_CENT);

/** One window's forecast seconds, as columns. */
class WindowTrace {
  readonly t: number[] = [];
  /** Price units per dollar (100 for cents). */
  perDollar = 100;
  readonly price: number[] = [];
  readonly pUp: number[] = [];
  readonly fairValue: number[] = [];
  readonly yesBid: (number | null)[] = [];
  readonly yesAsk: (number | null)[] = [];

  constructor(readonly close: number) {}

  push(e: ForecastEvent): void {
    if (this.t.length >= LIMITS.windowSeconds) return;
    if (this.t.length > 0 && e.t <= this.t[this.t.length - 1]!) return;
    this.t.push(e.t);
    this.price.push(e.priceCents / this.perDollar);
    this.pUp.push(round4(e.forecast.pUp));
    this.fairValue.push(round4(e.forecast.fairValue));
    this.yesBid.push(e.quote === null ? null : cents(e.quote.yes.bid));
    this.yesAsk.push(e.quote === null ? null : cents(bestAsk(e.quote, "yes")));
  }
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function quotePanel(q: Quote | null): QuotePanel | null {
  if (q === null) return null;
  return { source: q.source, yesBid: cents(q.yes.bid), yesAsk: cents(bestAsk(q, "yes")), noBid: cents(q.no.bid), noAsk: cents(bestAsk(q, "no")) };
}

function tradeRow(r: TradeRecord): TradeRow {
  return { id: r.id, t: r.t, ticker: r.ticker, side: r.side, contracts: r.contracts, price: r.price, cost: r.cost, fee: r.fee, pSide: r.p_side, edge: r.edge, status: "open", pnl: null };
}

function settlementRow(r: SettlementRecord | VoidRecord): SettlementRow {
  if (r.type === "void") return { t: r.t, tradeId: r.trade_id, ticker: r.ticker, result: "void", won: null, strike: null, settlementValue: null, pnl: "0.0000", balanceAfter: r.balance_after, source: r.reason };
  return { t: r.t, tradeId: r.trade_id, ticker: r.ticker, result: r.result, won: r.won, strike: r.strike, settlementValue: r.settlement_value, pnl: r.pnl, balanceAfter: r.balance_after, source: r.source };
}

function windowRow(r: WindowRecord): WindowRow {
  return { ticker: r.ticker, close: r.window_close, result: r.result, strike: r.strike, settlementValue: r.settlement_value ?? r.proxy_settlement_value, source: r.source, proxyResult: r.source === "proxy" ? null : r.proxy_result };
}

/** Keeps the newest `max` items, newest first. */
function pushNewest<T>(list: T[], item: T, max: number): void {
  list.unshift(item);
  if (list.length > max) list.length = max;
}

/**
 * What the dashboard shows of one session: the engine's listener keeps the current window's
 * forecasts, the decision, trades, settlements and the equity curve (each bounded); the account,
 * counters and prices are read when a snapshot is taken. It holds nothing the page should not see.
 */
export class SessionBoard {
  readonly listener: EngineListener;
  /** Told of each trade and settlement as it happens (the server sends them on /events). */
  onEvent: ((e: BoardEvent) => void) | null = null;
  private engine: Engine | null = null;
  private stopped = false;
  private t: number | null = null;
  private trace: WindowTrace | null = null;
  private lastStrike: { strike: number; source: string; proxy: number | null; ticker: string; open: number; close: number; price: number } | null = null;
  private decision: DecisionPanel | null = null;
  private equity: EquityPoint[] = [];
  private readonly trades: TradeRow[] = [];
  private readonly settlements: SettlementRow[] = [];
  private readonly windows: WindowRow[] = [];
  /** Ours and the market's mid, only where the market quoted: the same checkpoints for both. */
  private readonly paired = new Scorecard(["model", "market"]);
  private readonly pair = [0.5, 0.5];

  constructor(readonly o: BoardOptions) {
    this.listener = {
      onForecast: (e) => this.onForecast(e),
      onIdle: (t, d) => this.onIdle(t, d),
      onTrade: (r) => this.onTrade(r),
      onSettlement: (r) => this.onSettlement(r),
      onWindowResolved: (r) => {
        pushNewest(this.windows, windowRow(r), LIMITS.windows);
        this.paired.resolve(r.window_close, r.result === null ? null : r.result === "yes");
      },
      onGap: () => this.paired.dropPending(),
    };
  }

  /**
   * The engine whose account and counters the board reads, and the journal directory it resumed
   * (so a restarted session shows its earlier trades and equity). A replay's later sessions
   * continue the same journal and pass none.
   */
  follow(engine: Engine, journalDir?: string): void {
    this.engine = engine;
    if (journalDir !== undefined) this.seed(loadTradeJournal(journalDir).records);
  }

  private seed(records: readonly TradeJournalRecord[]): void {
    if (records.length === 0) return;
    this.equity = accountView(records, []).equity;
    const rows = new Map<string, TradeRow>();
    for (const r of records) {
      if (r.type === "trade") rows.set(r.id, tradeRow(r));
      else if (r.type === "settlement" || r.type === "void") {
        const row = rows.get(r.trade_id);
        if (row) rows.set(r.trade_id, settled(row, r));
        pushNewest(this.settlements, settlementRow(r), LIMITS.settlements);
      }
    }
    this.trades.length = 0;
    for (const row of [...rows.values()].slice(-LIMITS.trades).reverse()) this.trades.push(row);
  }

  /** The series' price units per dollar (cents until the engine says). */
  private get perDollar(): number {
    return this.engine?.scale.perDollar ?? 100;
  }

  /** This series' row in the list of a multi-series session. */
  row(): SeriesPanelRow {
    const s = this.engine?.account.summary() ?? null;
    const w = this.windowPanel();
    return {
      series: this.o.series,
      coin: seriesOfTicker(`${this.o.series}-`)?.coin ?? this.o.series,
      phase: this.stopped ? "stopped" : this.engine === null ? "starting" : "running",
      equity: s === null ? null : formatDecimal(s.balance + s.openCost),
      pnl: s === null ? null : formatDecimal(s.pnl),
      trades: s?.trades ?? 0,
      openPositions: s?.openPositions ?? 0,
      pUp: this.decision?.forecast?.pUp ?? null,
      ticker: w?.ticker ?? null,
      price: w?.price ?? null,
    };
  }

  /** The session ended: the page says so. */
  stop(): void {
    this.stopped = true;
  }

  private onForecast(e: ForecastEvent): void {
    this.t = e.t;
    const minutes = checkpointMinutes(e.window.close, e.t);
    const mid = minutes === null ? null : quoteMid(e.quote);
    if (minutes !== null && mid !== null) {
      this.pair[0] = e.forecast.pUp;
      this.pair[1] = mid;
      this.paired.record(e.window.close, minutes, this.pair);
    }
    const per = this.perDollar;
    if (this.trace === null || this.trace.close !== e.window.close) {
      this.trace = new WindowTrace(e.window.close);
      this.trace.perDollar = per;
    }
    this.trace.push(e);
    this.lastStrike = { strike: e.strikeCents / per, source: e.strikeSource, proxy: e.proxyStrikeCents === null ? null : e.proxyStrikeCents / per, ticker: e.window.ticker, open: e.window.open, close: e.window.close, price: e.priceCents / per };
    const d = e.decision;
    this.decision = {
      t: e.t,
      kind: d.kind,
      reason: d.kind === "trade" ? "trade" : d.reason,
      detail: d.kind === "trade" ? `buy ${d.contracts} ${d.side.toUpperCase()} at ${formatDecimal(d.price)} (edge ${(d.edge * 100).toFixed(1)}%)` : d.detail,
      side: d.kind === "trade" ? d.side : null,
      contracts: d.kind === "trade" ? d.contracts : null,
      edgeYes: d.edges.yes,
      edgeNo: d.edges.no,
      confidence: d.confidence,
      forecast: { pUp: e.forecast.pUp, fairValue: e.forecast.fairValue, momentum: e.forecast.momentum, meanReversion: e.forecast.meanReversion, sigma15m: e.forecast.sigma15m },
      quote: quotePanel(e.quote),
    };
    if (this.equity.length === 0) this.markEquity(e.t);
  }

  private onIdle(t: number, d: NoTrade): void {
    this.t = t;
    this.decision = { t, kind: "none", reason: d.reason, detail: d.detail, side: null, contracts: null, edgeYes: d.edges.yes, edgeNo: d.edges.no, confidence: d.confidence, forecast: null, quote: null };
    if (this.equity.length === 0) this.markEquity(t);
  }

  private onTrade(r: TradeRecord): void {
    const row = tradeRow(r);
    pushNewest(this.trades, row, LIMITS.trades);
    this.onEvent?.({ kind: "trade", row });
  }

  private onSettlement(r: SettlementRecord | VoidRecord): void {
    const i = this.trades.findIndex((x) => x.id === r.trade_id);
    if (i >= 0) this.trades[i] = settled(this.trades[i]!, r);
    const row = settlementRow(r);
    pushNewest(this.settlements, row, LIMITS.settlements);
    this.markEquity(r.t);
    this.onEvent?.({ kind: "settlement", row });
  }

  private markEquity(t: number): void {
    if (this.engine === null) return;
    const s = this.engine.account.summary();
    const equity = s.balance + s.openCost;
    this.equity.push({ t, equity, drawdown: s.peakEquity - equity });
    if (this.equity.length > LIMITS.equityKept) this.equity = thinEquity(this.equity, LIMITS.equityKept / 2);
  }

  /** The state now: what the listener kept, plus the account, counters and prices read now. */
  snapshot(session: string, at: string, nowMs: number): DashboardState {
    const engine = this.engine;
    const summary = engine?.account.summary() ?? null;
    const account: AccountPanel | null =
      summary === null
        ? null
        : {
            startBalance: formatDecimal(summary.startBalance),
            balance: formatDecimal(summary.balance),
            equity: formatDecimal(summary.balance + summary.openCost),
            pnl: formatDecimal(summary.pnl),
            fees: formatDecimal(summary.fees),
            openCost: formatDecimal(summary.openCost),
            maxDrawdown: formatDecimal(summary.maxDrawdown),
            trades: summary.trades,
            settled: summary.settled,
            wins: summary.wins,
            losses: summary.losses,
            voided: summary.voided,
            openPositions: summary.openPositions,
            winRate: summary.wins + summary.losses > 0 ? summary.wins / (summary.wins + summary.losses) : null,
          };
    const equity = thinEquity(this.equity, LIMITS.equityShown).map((p) => [p.t, moneyToDollars(p.equity)] as const);
    // The curve reaches the present: equity holds until the next settlement changes it.
    if (summary !== null && this.t !== null && equity.length > 0 && this.t > equity[equity.length - 1]![0]) equity.push([this.t, moneyToDollars(summary.balance + summary.openCost)]);
    const c = engine?.counters;
    return {
      v: 1,
      session,
      phase: this.stopped ? "stopped" : engine === null ? "starting" : "running",
      driver: this.o.driver,
      mode: this.o.mode,
      series: this.o.series,
      coin: seriesOfTicker(`${this.o.series}-`)?.coin ?? "BTC",
      priceDigits: this.engine?.scale.digits ?? 2,
      market: this.o.market,
      at,
      t: this.t,
      price: this.prices(nowMs),
      window: this.windowPanel(),
      decision: this.decision,
      account,
      equity,
      trades: this.trades.slice(0, 20),
      settlements: this.settlements.slice(0, 20),
      windows: [...this.windows],
      counters: {
        samples: c?.samples ?? 0,
        forecasts: c?.forecasts ?? 0,
        trades: c?.trades ?? 0,
        windowsClosed: c?.windowsClosed ?? 0,
        gaps: c?.gaps ?? 0,
        proxyCompared: c?.proxyCompared ?? 0,
        proxyDisagreements: c?.proxyDisagreements ?? 0,
        noTrade: c
          ? Object.entries(c.noTrade)
              .filter(([, n]) => n > 0)
              .sort((a, b) => b[1] - a[1])
          : [],
        kalshi: this.o.kalshi?.() ?? null,
      },
      scores: this.scores(),
    };
  }

  private scores(): ScoresPanel | null {
    const model = this.paired.score("model");
    if (model.n === 0) return null;
    const d = this.paired.brierDifference("model", "market");
    return { checkpoints: model.n, windows: model.windows, model: model.brier, market: this.paired.score("market").brier, difference: d.mean, ci95: d.ci95 };
  }

  private windowPanel(): WindowPanel | null {
    const s = this.lastStrike;
    const trace = this.trace;
    // A window that has closed is no longer current (until the next one's first forecast).
    if (s === null || trace === null || this.t === null || this.t >= s.close) return null;
    return {
      ticker: s.ticker,
      open: s.open,
      close: s.close,
      secondsLeft: s.close - this.t,
      strike: s.strike,
      strikeSource: s.source,
      proxyStrike: s.proxy,
      price: s.price,
      series: { t: trace.t, price: trace.price, pUp: trace.pUp, fairValue: trace.fairValue, yesBid: trace.yesBid, yesAsk: trace.yesAsk },
    };
  }

  private prices(nowMs: number): PricePanel {
    const reading = this.o.prices?.() ?? null;
    if (reading !== null) {
      return {
        composite: reading.price,
        mode: reading.mode,
        contributors: reading.contributors,
        sources: reading.sources
          .filter((s) => s.state !== "disabled")
          .map((s) => ({
            name: s.name,
            transport: s.transport,
            state: s.state,
            price: s.price,
            ageMs: s.lastUpdateMs === null ? null : Math.max(0, nowMs - s.lastUpdateMs),
            messages: s.messages,
            reconnects: s.reconnects,
            parseErrors: s.parseErrors,
            rejected: s.rejected,
            gaps: s.gaps,
            lastError: s.lastError,
          })),
      };
    }
    // Demo and replay: the engine's own latest second is the price.
    const history = this.engine?.history;
    const price = history && history.size > 0 ? history.latest / this.perDollar : null;
    const name = this.o.driver === "replay" ? "recording" : "recorded history";
    return {
      composite: price,
      mode: "recorded",
      contributors: price === null ? [] : [name],
      sources: [{ name, transport: "file", state: price === null ? "connecting" : "recorded", price, ageMs: null, messages: this.engine?.counters.samples ?? 0, reconnects: 0, parseErrors: 0, rejected: 0, gaps: this.engine?.counters.gaps ?? 0, lastError: null }],
    };
  }
}

function settled(row: TradeRow, r: SettlementRecord | VoidRecord): TradeRow {
  if (r.type === "void") return { ...row, status: "void", pnl: "0.0000" };
  return { ...row, status: r.won ? "won" : "lost", pnl: r.pnl };
}
