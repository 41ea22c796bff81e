import { type Scheduler, type Timer, systemScheduler } from "../net/scheduler.ts";
import type { FeedLog, FeedsConfig, ExchangeName } from "./config.ts";
import { EXCHANGES } from "./config.ts";
import { exchangeAdapter } from "./exchanges/index.ts";
import { median } from "./median.ts";
import { RestSource } from "./rest-source.ts";
import { restTicker } from "./rest-tickers.ts";
import type { IndexReading, PriceSource, SourceStatus, TickListener } from "./status.ts";
import { UsdtRate } from "./usdt-rate.ts";
import { WsSource } from "./ws-source.ts";

export interface PriceIndexDeps {
  /** The clock and timers (default the wall clock). */
  scheduler?: Scheduler;
  log?: FeedLog;
  random?: () => number;
  fetch?: typeof fetch;
  /** Poll the REST tickers all the time, not only as a fallback (`btc15 feeds` shows every source). */
  pollRestAlways?: boolean;
}

/**
 * The BTC-USD price from all configured sources. Composite: the median of every fresh USD
 * price. Failover: the first live source in the configured order, switching down as soon as it
 * is gone and back up only after the better source has stayed live for `failbackAfterMs` (so a
 * flapping source cannot cause a switch storm). REST tickers are polled only while no USD
 * WebSocket source is live. Binance.US quotes USDT: it counts once a USD/USDT rate has been
 * learned against the USD sources, and until then only when nothing else is live.
 */
export class PriceIndex {
  private readonly scheduler: Scheduler;
  private readonly log: FeedLog;
  private readonly ws: WsSource[] = [];
  private readonly rest: RestSource[] = [];
  private readonly disabled: string[] = [];
  private readonly order: PriceSource[] = [];
  private readonly listeners: TickListener[] = [];
  private readonly compositeListeners: ((tsMs: number, price: number) => void)[] = [];
  private readonly rate = new UsdtRate();
  private readonly liveSince = new Map<PriceSource, number>();
  private usdWsLiveSince: number | null = null;
  private current: PriceSource | null = null;
  private lastSelected: PriceSource | null = null;
  private switches = 0;
  private supervisor: Timer | null = null;
  private started = false;

  constructor(private readonly config: FeedsConfig, private readonly deps: PriceIndexDeps = {}) {
    this.scheduler = deps.scheduler ?? systemScheduler;
    this.log = deps.log ?? (() => {});
    // In failover a source counts as gone early enough to switch within the deadline.
    const staleness = config.mode === "failover" ? Math.min(config.stalenessMs, config.failover.switchDeadlineMs - config.superviseIntervalMs) : config.stalenessMs;
    const onTick: TickListener = (ts, price, source) => this.tick(ts, price, source);
    for (const name of EXCHANGES) {
      const ex = config[name];
      if (!ex.enabled) {
        this.disabled.push(name);
        continue;
      }
      this.ws.push(
        new WsSource(exchangeAdapter(name, config), { ...config.connection, quietTimeoutMs: ex.quietTimeoutMs, stalenessMs: staleness, ...config.guard }, { scheduler: this.scheduler, log: this.log, random: deps.random, onTick }),
      );
    }
    if (config.rest.enabled) {
      for (const name of new Set(config.rest.sources)) {
        this.rest.push(
          new RestSource(restTicker(name, config), { ...config.rest, backoffMaxMs: config.connection.backoffMaxMs, stalenessMs: staleness, ...config.guard }, { scheduler: this.scheduler, log: this.log, onTick, fetch: deps.fetch, random: deps.random }),
        );
      }
    }
    for (const entry of config.order) {
      if (entry === "rest") this.order.push(...this.rest);
      else this.order.push(...this.ws.filter((s) => s.name === entry));
    }
  }

  /** Connects every enabled WebSocket source; failures are retried in the background, never thrown. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const s of this.ws) s.start();
    this.evaluate(this.scheduler.now());
    this.supervisor = this.scheduler.every(this.config.superviseIntervalMs, () => this.evaluate(this.scheduler.now()));
  }

  /** Closes every socket, request and timer; resolves when all are closed. */
  async stop(): Promise<void> {
    this.supervisor?.cancel();
    this.supervisor = null;
    await Promise.all([...this.ws, ...this.rest].map((s) => s.stop()));
  }

  /** Called with every accepted price (USD when a rate is known), e.g. to measure latency. */
  onPrice(cb: TickListener): void {
    this.listeners.push(cb);
  }

  /**
   * Called after every accepted tick with the index price as of that tick (the median of the
   * fresh sources, or the failover choice), stamped with the tick's arrival: what the live
   * sampler files under the second the tick arrived in.
   */
  onComposite(cb: (tsMs: number, price: number) => void): void {
    this.compositeListeners.push(cb);
  }

  /** A source by name ("kraken", "coinbase-rest"), for diagnostics and the benchmark. */
  source(name: string): WsSource | RestSource | undefined {
    return this.ws.find((s) => s.name === name) ?? this.rest.find((s) => s.name === name);
  }

  read(nowMs: number = this.scheduler.now()): IndexReading {
    const { price, contributors } = this.evaluate(nowMs);
    const sources: SourceStatus[] = [...this.ws, ...this.rest].map((s) => s.status(nowMs));
    for (const name of this.disabled) sources.push(disabledStatus(name));
    return { tsMs: nowMs, price, stale: price === null, mode: this.config.mode, contributors, sources, usdPerUsdt: this.rate.value, switches: this.switches };
  }

  private tick(ts: number, price: number, source: string): void {
    if (this.compositeListeners.length > 0) {
      const index = this.evaluate(ts).price;
      if (index !== null) for (const l of this.compositeListeners) l(ts, index);
    }
    if (this.listeners.length === 0) return;
    const usd = source.startsWith("binanceus") ? (this.rate.value === null ? price : price * this.rate.value) : price;
    for (const l of this.listeners) l(ts, usd, source);
  }

  /** Updates REST polling, the USDT rate and the failover choice; returns the price now. */
  private evaluate(now: number): { price: number | null; contributors: string[] } {
    const usdLive: PriceSource[] = [];
    let usdWsLive = false;
    for (const s of this.ws) {
      if (!s.usd || !s.isLive(now)) continue;
      usdLive.push(s);
      usdWsLive = true;
    }
    this.steerRest(now, usdWsLive);
    for (const s of this.rest) if (s.usd && s.isLive(now)) usdLive.push(s);
    const usdtLive = [...this.ws, ...this.rest].filter((s) => !s.usd && s.isLive(now));
    const usdPrices = usdLive.map((s) => s.price!);
    if (usdtLive.length > 0) this.rate.observe(now, usdtLive[0]!.price!, usdPrices);
    const rate = this.rate.value;
    return this.config.mode === "composite" ? this.composite(usdLive, usdtLive, rate) : this.failover(now, rate);
  }

  private composite(usdLive: PriceSource[], usdtLive: PriceSource[], rate: number | null) {
    const prices = usdLive.map((s) => s.price!);
    const contributors = usdLive.map((s) => s.name);
    // Unconverted USDT joins only as the last resort.
    if (rate !== null || prices.length === 0) {
      for (const s of usdtLive) {
        prices.push(s.price! * (rate ?? 1));
        contributors.push(s.name);
      }
    }
    return { price: prices.length ? median(prices) : null, contributors };
  }

  private failover(now: number, rate: number | null) {
    const usable = (s: PriceSource) => s.isLive(now) && (s.usd || rate !== null);
    for (const s of this.order) {
      if (!usable(s)) this.liveSince.delete(s);
      else if (!this.liveSince.has(s)) this.liveSince.set(s, now);
    }
    const cur = this.current;
    if (cur === null || !usable(cur)) {
      this.current = this.order.find(usable) ?? this.order.find((s) => s.isLive(now)) ?? null;
    } else {
      const rank = this.order.indexOf(cur);
      const better = this.order.find((s, i) => i < rank && usable(s) && now - this.liveSince.get(s)! >= this.config.failover.failbackAfterMs);
      if (better) this.current = better;
    }
    const sel = this.current;
    if (sel && sel !== this.lastSelected) {
      if (this.lastSelected) {
        this.switches++;
        this.log("info", `failover: ${this.lastSelected.name} → ${sel.name}`);
      }
      this.lastSelected = sel;
    }
    if (!sel) return { price: null, contributors: [] };
    return { price: sel.usd ? sel.price! : sel.price! * (rate ?? 1), contributors: [sel.name] };
  }

  /** REST starts as soon as no USD WebSocket is live, and stops once one has stayed live a while. */
  private steerRest(now: number, usdWsLive: boolean): void {
    if (this.rest.length === 0 || !this.started) return;
    if (!usdWsLive) this.usdWsLiveSince = null;
    else if (this.usdWsLiveSince === null) this.usdWsLiveSince = now;
    let on: boolean;
    if (this.deps.pollRestAlways || !usdWsLive) on = true;
    else on = this.rest[0]!.polling && now - this.usdWsLiveSince! < this.config.failover.failbackAfterMs;
    for (const s of this.rest) s.setActive(on);
  }
}

function disabledStatus(name: ExchangeName | string): SourceStatus {
  return { name, transport: "ws", usd: name !== "binanceus", state: "disabled", price: null, lastUpdateMs: null, messages: 0, reconnects: 0, parseErrors: 0, rejected: 0, gaps: 0, unknown: 0, lastLatencyMs: null, lastError: null };
}
