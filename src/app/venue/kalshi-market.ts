import type { AppConfig } from "../../config/schema.ts";
import type { EngineEvent } from "../../domain/events.ts";
import { KalshiClient } from "../../kalshi/client.ts";
import { type Clock, systemClock } from "../../kalshi/clock.ts";
import { KalshiMarketFeed } from "../../kalshi/market-feed.ts";
import { ResultWatcher } from "../../kalshi/results.ts";
import type { SigningKey } from "../../kalshi/signing.ts";
import { KalshiSocket } from "../../kalshi/socket.ts";
import { IndexAverages, type IndexWindowCheck } from "../../kalshi/index-averages.ts";
import type { IndexValue } from "../../kalshi/index-frames.ts";
import { seriesSpec } from "../../domain/series.ts";
import { windowAt } from "../../domain/window.ts";
import { parseMarket } from "../../kalshi/wire.ts";
import type { Scheduler } from "../../net/scheduler.ts";
import type { MarketSpec } from "../core/builder.ts";

export type MarketsMode = "kalshi" | "synthetic" | "auto";

/** A REST client configured from the `kalshi` settings; `key` only for signed (portfolio) calls. */
export function kalshiClient(config: AppConfig, o: { key?: SigningKey | null; clock?: Clock; scheduler?: Scheduler; maxRetries?: number } = {}): KalshiClient {
  const k = config.kalshi;
  return new KalshiClient({
    baseUrl: k.baseUrl,
    timeoutMs: k.requestTimeoutMs,
    maxRetries: o.maxRetries ?? k.backoff.maxRetries,
    backoffBaseMs: k.backoff.baseMs,
    backoffMaxMs: k.backoff.maxMs,
    readTokensPerSecond: k.rateLimit.readTokensPerSecond,
    writeTokensPerSecond: k.rateLimit.writeTokensPerSecond,
    tokensPerRequest: k.rateLimit.tokensPerRequest,
    ...(o.key ? { key: o.key } : {}),
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.scheduler ? { scheduler: o.scheduler } : {}),
  });
}

/** Kalshi's market data: the client, the REST poller, (with a key) the WebSocket, and the result watcher. */
export interface KalshiMarketData {
  readonly client: KalshiClient;
  readonly feed: KalshiMarketFeed;
  readonly socket: KalshiSocket | null;
  readonly results: ResultWatcher;
  /** With a key: the settlement index streamed ("BRTI"), and Kalshi's averages checked against ours; null without. */
  readonly indexId: string | null;
  readonly averages: IndexAverages | null;
  /** Every index value from now on also goes to `listener` (the second pricer). */
  onIndex(listener: (v: IndexValue, receivedMs: number) => void): void;
}

export interface MarketChoice {
  /** The engine's market: Kalshi's books as learned from events, or the synthetic maker. */
  readonly market: MarketSpec;
  readonly kind: "kalshi" | "synthetic";
  /** One line for the console: which market, and why. */
  readonly description: string;
  readonly kalshi: KalshiMarketData | null;
  /** Everything learned goes to `emit` from now on (without starting anything: tests poll by hand). */
  attach(emit: (e: EngineEvent) => void): void;
  /** Attaches `emit`, then starts polling (or the WebSocket) and the result watcher. */
  start(emit: (e: EngineEvent) => void): void;
  /** Wait for the official result of the window closing at `close`. */
  watchResult(ticker: string, close: number): void;
  /** Stops every timer and socket. */
  stop(): Promise<void>;
}

export interface MarketChoiceDeps {
  readonly config: AppConfig;
  /** With a key the WebSocket replaces book polling; without, REST polling. */
  readonly key?: SigningKey | null;
  readonly clock?: Clock;
  /** Timers of the pollers and the socket (default the wall clock's). */
  readonly scheduler?: Scheduler;
  /** The run's one Kalshi client; made here (and closed on stop) when absent. */
  readonly client?: KalshiClient;
  readonly onError?: (message: string) => void;
  /** Kalshi's official result of a window (also sent to the engine as a result event). */
  readonly onResult?: (ticker: string) => void;
  readonly onGiveUp?: (ticker: string) => void;
  /** Kalshi refused a keyless order-book request (401): say at once that books need a key. */
  readonly onBookNeedsKey?: () => void;
  /** Each boundary's index averages against Kalshi's. */
  readonly onIndexCheck?: (c: IndexWindowCheck) => void;
  /** A market's strike rounded to more decimals than the series' price unit holds (told once per ticker). */
  readonly onRoundDigits?: (ticker: string, digits: number) => void;
}

/** Is Kalshi's public API answering? One quick request, no retries. */
export async function kalshiReachable(config: AppConfig, clock?: Clock, shared?: KalshiClient): Promise<{ ok: true } | { ok: false; why: string }> {
  const client = shared ?? kalshiClient(config, { maxRetries: 0, ...(clock ? { clock } : {}) });
  try {
    await client.request("GET", "/exchange/status", { retry: "none" });
    return { ok: true };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  } finally {
    if (shared === undefined) client.close();
  }
}

/**
 * The market the engine trades against. "kalshi": Kalshi's real book; "synthetic": the stand-in
 * market maker; "auto": Kalshi when its API answers now, synthetic otherwise. The description
 * says which, for the console. The first configured series' market (chooseMarketSources gives each).
 */
export async function chooseMarketSource(mode: MarketsMode, d: MarketChoiceDeps): Promise<MarketChoice> {
  return (await chooseMarketSources(mode, d, [d.config.series[0]!]))[0]!;
}

/** Per series: its price unit's decimal places, when they are not the series table's (read from the market at start). */
export type PriceDigits = Readonly<Record<string, number>>;

/**
 * One market per series, in the order given: Kalshi's for every one (one client, so one request
 * pacing for them all, and with a key one WebSocket carrying every series' books and indices), or
 * the synthetic maker for every one.
 */
export async function chooseMarketSources(mode: MarketsMode, d: MarketChoiceDeps, series: readonly string[], digits: PriceDigits = {}): Promise<MarketChoice[]> {
  const k = d.config.kalshi;
  if (mode === "auto") {
    const probe = await kalshiReachable(d.config, d.clock ?? d.scheduler, d.client);
    if (!probe.ok) return series.map(() => synthetic(d.config, `markets: synthetic (Kalshi not reachable at ${k.baseUrl}: ${probe.why})`));
  }
  if (mode === "synthetic") return series.map(() => synthetic(d.config, "markets: synthetic market maker (not Kalshi's prices)"));
  return kalshiMarkets(d, mode === "auto", series, digits);
}

function kalshiMarkets(d: MarketChoiceDeps, auto: boolean, series: readonly string[], digitsOf: PriceDigits): MarketChoice[] {
  const clock = d.clock ?? d.scheduler ?? systemClock;
  const scheduler = d.scheduler ? { scheduler: d.scheduler } : {};
  const k = d.config.kalshi;
  const client = d.client ?? kalshiClient(d.config, { key: d.key ?? null, clock, ...scheduler });
  // Each series' events go through its own door, set when its session starts.
  const emits = new Map<string, (e: EngineEvent) => void>(series.map((s) => [s, () => {}]));
  const emitFor = (ticker: string) => emits.get(ticker.split("-", 1)[0]!) ?? (() => {});
  const digits = (s: string) => digitsOf[s] ?? seriesSpec(s).priceDigits;
  const indexIds = new Map<string, string>();
  if (d.key && k.index.enabled) for (const s of series) indexIds.set(seriesSpec(s).index, s);
  const averages = new Map<string, IndexAverages>([...indexIds].map(([id, s]) => [id, new IndexAverages(id, d.onIndexCheck, digits(s))]));
  const indexListeners = new Map<string, ((v: IndexValue, receivedMs: number) => void)[]>([...indexIds.keys()].map((id) => [id, []]));
  const results = new Map<string, ResultWatcher>();
  const socket = d.key
    ? new KalshiSocket({
        url: k.wsUrl,
        headers: () => client.socketHeaders(new URL(k.wsUrl).pathname),
        onBook: (ticker, book, asOfMs, receivedMs) => emitFor(ticker)({ type: "book", ticker, requestedMs: asOfMs, receivedMs, book }),
        onBookLost: (ticker) => emitFor(ticker)({ type: "book", ticker, requestedMs: clock.now(), receivedMs: clock.now(), book: null }),
        series,
        clock,
        ...scheduler,
        staleMs: k.wsStaleMs,
        backoffBaseMs: k.backoff.baseMs,
        backoffMaxMs: k.backoff.maxMs,
        onLifecycle: (e) => {
          if (e.eventType === "determined") results.get(e.ticker.split("-", 1)[0]!)?.hint(e.ticker);
        },
        useYesPrice: k.bookUseYesPrice,
        ...(indexIds.size === 0
          ? {}
          : {
              indexIds: [...indexIds.keys()],
              onIndex: (v: IndexValue, receivedMs: number) => {
                averages.get(v.indexId)?.onValue(v);
                for (const l of indexListeners.get(v.indexId) ?? []) l(v, receivedMs);
              },
            }),
        ...(d.onError ? { onError: d.onError } : {}),
      })
    : null;
  // The socket is shared: it starts with the first series' start and stops with the last one's stop.
  let running = 0;
  const how = socket ? `WebSocket ${k.wsUrl} (signed REST polling while it is down)` : `REST polling every ${k.bookPollMs} ms (no API key)`;
  return series.map((s) => {
    const indexId = [...indexIds].find(([, x]) => x === s)?.[0] ?? null;
    const emit = (e: EngineEvent) => emits.get(s)!(e);
    // The poller always refreshes market facts (status, strike, ticks); it polls the book (signed, with a key)
    // without the socket, and while the socket has no in-sequence book of the market (down, resynchronising).
    const feed = new KalshiMarketFeed(client, {
      series: s,
      priceDigits: digits(s),
      clock,
      ...scheduler,
      bookPollMs: k.bookPollMs,
      backoffMaxMs: k.backoff.maxMs,
      marketRefreshMs: socket ? Math.max(k.bookPollMs, 5_000) : k.marketRefreshMs,
      pollBook: (ticker) => socket === null || !socket.hasBook(ticker),
      onEvent: (e) => emit(e),
      ...(d.onRoundDigits ? { onRoundDigits: d.onRoundDigits } : {}),
      ...(d.onBookNeedsKey ? { onBookNeedsKey: d.onBookNeedsKey } : {}),
      ...(d.onError ? { onError: d.onError } : {}),
    });
    const watcher = new ResultWatcher(client, {
      clock,
      ...scheduler,
      priceDigits: digits(s),
      pollMs: k.resultPollMs,
      backoffMaxMs: k.backoff.maxMs,
      giveUpMs: k.resultGiveUpMs,
      onResult: (r) => {
        emit({ type: "result", t: clock.now(), ticker: r.ticker, close: r.close, result: r.result, settlementCents: r.settlementCents, strikeCents: r.strikeCents, source: "kalshi" });
        d.onResult?.(r.ticker);
      },
      onGiveUp: (ticker) => d.onGiveUp?.(ticker),
      ...(d.onError ? { onError: d.onError } : {}),
    });
    results.set(s, watcher);
    const index = indexId === null ? "" : `; settlement index ${indexId} by WebSocket`;
    let started = false;
    const choice: MarketChoice = {
      market: { kind: "venue" },
      kind: "kalshi",
      description: `markets: Kalshi ${k.env === "demo" ? "DEMO exchange " : ""}${k.baseUrl}, book by ${how}${index}${auto ? " (auto: Kalshi reachable)" : ""}`,
      kalshi: { client, feed, socket, results: watcher, indexId, averages: indexId === null ? null : averages.get(indexId)!, onIndex: (l) => void (indexId === null ? undefined : indexListeners.get(indexId)!.push(l)) },
      attach(sink) {
        emits.set(s, sink);
      },
      start(sink) {
        emits.set(s, sink);
        if (started) return;
        started = true;
        feed.start();
        if (running++ === 0) socket?.start();
        watcher.start();
      },
      watchResult: (ticker, close) => watcher.watch(ticker, close),
      async stop() {
        const last = started && --running === 0;
        started = false;
        await Promise.all([feed.stop(), last ? socket?.stop() : undefined, watcher.stop()]);
        if (last && d.client === undefined) client.close();
      },
    };
    return choice;
  });
}

function synthetic(_config: AppConfig, description: string): MarketChoice {
  return {
    market: { kind: "synthetic" },
    kind: "synthetic",
    description,
    kalshi: null,
    attach() {},
    start() {},
    watchResult() {},
    async stop() {},
  };
}

/**
 * Each series' price decimals as its current market says them (`custom_strike.round_digits`, or
 * the decimals of `floor_strike`): the series table's are UNCONFIRMED for ETH, SOL and XRP
 * (domain/series.ts), so a live start asks. Only the series whose market disagrees are returned,
 * with a line for each; a market that cannot be read keeps the table's (said in `notes`).
 */
export async function readPriceDigits(client: KalshiClient, series: readonly string[], nowMs: number): Promise<{ readonly digits: PriceDigits; readonly notes: string[] }> {
  const digits: Record<string, number> = {};
  const notes: string[] = [];
  for (const s of series) {
    const table = seriesSpec(s).priceDigits;
    const current = windowAt(Math.floor(nowMs / 1000), s);
    let said: { digits: number; stated: boolean; ticker: string } | null = null;
    for (const ticker of [current.ticker, windowAt(current.close, s).ticker]) {
      try {
        const m = parseMarket(await client.get(`/markets/${ticker}`, { retry: "none" }), table);
        if (m.roundDigits !== null) said = { digits: m.roundDigits, stated: m.roundDigitsStated, ticker };
        if (said !== null) break;
      } catch (e) {
        notes.push(`${s}: ${ticker} could not be read (${(e as Error).message}); its price unit stays the series table's, ${table} decimals`);
      }
    }
    if (said === null) continue;
    // A strike written with fewer decimals says only that much: it never lowers the table's.
    const use = said.stated ? said.digits : Math.max(table, said.digits);
    if (use !== table) {
      digits[s] = use;
      notes.push(`${s}: Kalshi's ${said.ticker} rounds its strike to ${use} decimals (${said.stated ? "custom_strike.round_digits" : "floor_strike"}), not the ${table} btc15's series table assumed: prices of ${s} are kept to ${use} decimals`);
    }
  }
  return { digits, notes };
}

