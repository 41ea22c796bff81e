import { type Scheduler, type Timer, systemScheduler } from "../net/scheduler.ts";
import { type CoinProducts, EXCHANGES, type ExchangeName, type FeedLog, type FeedsConfig, feedCoins } from "./config.ts";
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
  /**
   * The coins to price, each with its product on every exchange (domain/series.ts); Bitcoin
   * alone when absent. Every exchange carries them all on one connection.
   */
  coins?: readonly CoinProducts[];
}

/**
 * The USD prices of every configured coin from all configured sources: one WebSocket per exchange
 * carrying every coin, and one REST poller per exchange and coin. Each coin has its own index
 * (coin()): its own composite or failover choice, its own USDT rate and REST fallback, its own
 * counters. The methods of the index itself (read, onComposite, source) are the first coin's,
 * so a single-coin caller sees one index as before.
 */
export class PriceIndex {
  private readonly scheduler: Scheduler;
  private readonly ws: WsSource[] = [];
  private readonly rest: RestSource[] = [];
  private readonly disabled: ExchangeName[] = [];
  private readonly indexes = new Map<string, CoinIndex>();
  private readonly listeners: TickListener[] = [];
  private supervisor: Timer | null = null;
  private started = false;
  /** The coins, in the order given. */
  readonly coins: readonly string[];

  constructor(private readonly config: FeedsConfig, private readonly deps: PriceIndexDeps = {}) {
    this.scheduler = deps.scheduler ?? systemScheduler;
    const log = deps.log ?? (() => {});
    const coins = feedCoins(config, deps.coins);
    this.coins = coins.map((c) => c.coin);
    // In failover a source counts as gone early enough to switch within the deadline.
    const staleness = config.mode === "failover" ? Math.min(config.stalenessMs, config.failover.switchDeadlineMs - config.superviseIntervalMs) : config.stalenessMs;
    const onTick: TickListener = (ts, price, source, coin) => this.tick(ts, price, source, coin);
    for (const name of EXCHANGES) {
      const ex = config[name];
      if (!ex.enabled) {
        this.disabled.push(name);
        continue;
      }
      this.ws.push(
        new WsSource(exchangeAdapter(name, config, coins), { ...config.connection, quietTimeoutMs: ex.quietTimeoutMs, stalenessMs: staleness, ...config.guard }, { scheduler: this.scheduler, log, random: deps.random, onTick }),
      );
    }
    if (config.rest.enabled) {
      for (const coin of coins) {
        for (const name of new Set(config.rest.sources)) {
          this.rest.push(
            new RestSource(restTicker(name, config, coin), { ...config.rest, backoffMaxMs: config.connection.backoffMaxMs, stalenessMs: staleness, ...config.guard }, { scheduler: this.scheduler, log, onTick, fetch: deps.fetch, random: deps.random }),
          );
        }
      }
    }
    for (const { coin } of coins) {
      const ws = this.ws.map((s) => ({ source: s.coin(coin), name: s.name as ExchangeName }));
      const rest = this.rest.filter((s) => s.coin === coin);
      this.indexes.set(coin, new CoinIndex(coin, config, ws, rest, this.disabled, { log, pollRestAlways: deps.pollRestAlways ?? false, started: () => this.started }));
    }
  }

  /** Connects every enabled WebSocket source; failures are retried in the background, never thrown. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const s of this.ws) s.start();
    const evaluate = () => {
      const now = this.scheduler.now();
      for (const i of this.indexes.values()) i.evaluate(now);
    };
    evaluate();
    this.supervisor = this.scheduler.every(this.config.superviseIntervalMs, evaluate);
  }

  /** Closes every socket, request and timer; resolves when all are closed. */
  async stop(): Promise<void> {
    this.supervisor?.cancel();
    this.supervisor = null;
    await Promise.all([...this.ws, ...this.rest].map((s) => s.stop()));
  }

  /** One coin's index; throws for a coin the feeds do not carry. */
  coin(coin: string): CoinIndex {
    const i = this.indexes.get(coin);
    if (i === undefined) throw new RangeError(`the feeds carry ${this.coins.join(", ")}, not ${coin}`);
    return i;
  }

  /** Called with every accepted price of every coin (USD when a rate is known), e.g. to record it. */
  onPrice(cb: TickListener): void {
    this.listeners.push(cb);
  }

  /** The first coin's composite prices (see CoinIndex.onComposite). */
  onComposite(cb: (tsMs: number, price: number) => void): void {
    this.first.onComposite(cb);
  }

  /** A source by name ("kraken", "coinbase-rest"), for diagnostics and the benchmark (the first coin's REST poller). */
  source(name: string): WsSource | RestSource | undefined {
    return this.ws.find((s) => s.name === name) ?? this.rest.find((s) => s.name === name && s.coin === this.coins[0]);
  }

  /** The first coin's reading. */
  read(nowMs: number = this.scheduler.now()): IndexReading {
    return this.first.read(nowMs);
  }

  private get first(): CoinIndex {
    return this.indexes.get(this.coins[0]!)!;
  }

  private tick(ts: number, price: number, source: string, coin: string): void {
    const index = this.indexes.get(coin);
    if (index === undefined) return;
    const usd = index.tick(ts, price, source);
    for (const l of this.listeners) l(ts, usd, source, coin);
  }
}

interface CoinIndexDeps {
  readonly log: FeedLog;
  readonly pollRestAlways: boolean;
  readonly started: () => boolean;
}

/**
 * One coin's price. Composite: the median of every fresh USD price. Failover: the first live
 * source in the configured order, switching down as soon as it is gone and back up only after the
 * better source has stayed live for `failbackAfterMs` (so a flapping source cannot cause a switch
 * storm). This coin's REST tickers are polled only while no USD WebSocket carries it live.
 * Binance.US quotes USDT: it counts once a USD/USDT rate has been learned against this coin's USD
 * sources, and until then only when nothing else is live.
 */
export class CoinIndex {
  private readonly order: PriceSource[] = [];
  private readonly compositeListeners: ((tsMs: number, price: number) => void)[] = [];
  private readonly rate = new UsdtRate();
  private readonly liveSince = new Map<PriceSource, number>();
  private usdWsLiveSince: number | null = null;
  private current: PriceSource | null = null;
  private lastSelected: PriceSource | null = null;
  private switches = 0;
  private readonly wsSources: readonly PriceSource[];

  constructor(
    readonly coin: string,
    private readonly config: FeedsConfig,
    ws: readonly { readonly source: PriceSource; readonly name: ExchangeName }[],
    private readonly rest: readonly RestSource[],
    private readonly disabled: readonly string[],
    private readonly deps: CoinIndexDeps,
  ) {
    this.wsSources = ws.map((w) => w.source);
    for (const entry of config.order) {
      if (entry === "rest") this.order.push(...rest);
      else this.order.push(...ws.filter((w) => w.name === entry).map((w) => w.source));
    }
  }

  /**
   * Called after every accepted tick of this coin with its index price as of that tick (the
   * median of the fresh sources, or the failover choice), stamped with the tick's arrival: what
   * the live sampler files under the second the tick arrived in.
   */
  onComposite(cb: (tsMs: number, price: number) => void): void {
    this.compositeListeners.push(cb);
  }

  read(nowMs: number): IndexReading {
    const { price, contributors } = this.evaluate(nowMs);
    const sources: SourceStatus[] = [...this.wsSources, ...this.rest].map((s) => s.status(nowMs));
    for (const name of this.disabled) sources.push(disabledStatus(name, this.coin));
    return { tsMs: nowMs, coin: this.coin, price, stale: price === null, mode: this.config.mode, contributors, sources, usdPerUsdt: this.rate.value, switches: this.switches };
  }

  /** An accepted tick of this coin: the composite listeners hear the index price; returns the tick in USD. */
  tick(ts: number, price: number, source: string): number {
    if (this.compositeListeners.length > 0) {
      const index = this.evaluate(ts).price;
      if (index !== null) for (const l of this.compositeListeners) l(ts, index);
    }
    return source.startsWith("binanceus") ? (this.rate.value === null ? price : price * this.rate.value) : price;
  }

  /** Updates REST polling, the USDT rate and the failover choice; returns the price now. */
  evaluate(now: number): { price: number | null; contributors: string[] } {
    const usdLive: PriceSource[] = [];
    let usdWsLive = false;
    for (const s of this.wsSources) {
      if (!s.usd || !s.isLive(now)) continue;
      usdLive.push(s);
      usdWsLive = true;
    }
    this.steerRest(now, usdWsLive);
    for (const s of this.rest) if (s.usd && s.isLive(now)) usdLive.push(s);
    const usdtLive = [...this.wsSources, ...this.rest].filter((s) => !s.usd && s.isLive(now));
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
        this.deps.log("info", `failover${this.coin === "BTC" ? "" : ` ${this.coin}`}: ${this.lastSelected.name} → ${sel.name}`);
      }
      this.lastSelected = sel;
    }
    if (!sel) return { price: null, contributors: [] };
    return { price: sel.usd ? sel.price! : sel.price! * (rate ?? 1), contributors: [sel.name] };
  }

  /** REST starts as soon as no USD WebSocket carries this coin live, and stops once one has stayed live a while. */
  private steerRest(now: number, usdWsLive: boolean): void {
    if (this.rest.length === 0 || !this.deps.started()) return;
    if (!usdWsLive) this.usdWsLiveSince = null;
    else if (this.usdWsLiveSince === null) this.usdWsLiveSince = now;
    let on: boolean;
    if (this.deps.pollRestAlways || !usdWsLive) on = true;
    else on = this.rest[0]!.polling && now - this.usdWsLiveSince! < this.config.failover.failbackAfterMs;
    for (const s of this.rest) s.setActive(on);
  }
}

function disabledStatus(name: string, coin: string): SourceStatus {
  return { name, transport: "ws", usd: name !== "binanceus", state: "disabled", coin, price: null, lastUpdateMs: null, messages: 0, prices: 0, reconnects: 0, parseErrors: 0, rejected: 0, gaps: 0, unknown: 0, lastLatencyMs: null, lastError: null };
}
