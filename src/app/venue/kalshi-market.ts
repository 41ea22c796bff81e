import type { AppConfig } from "../../config/schema.ts";
import type { EngineEvent } from "../../domain/events.ts";
import { KalshiClient } from "../../kalshi/client.ts";
import { type Clock, systemClock } from "../../kalshi/clock.ts";
import { KalshiMarketFeed } from "../../kalshi/market-feed.ts";
import { ResultWatcher } from "../../kalshi/results.ts";
import type { SigningKey } from "../../kalshi/signing.ts";
import { KalshiSocket } from "../../kalshi/socket.ts";
import { IndexAverages, type IndexWindowCheck } from "../../kalshi/index-averages.ts";
import { type IndexValue, settlementIndexOf } from "../../kalshi/index-frames.ts";
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
 * says which, for the console.
 */
export async function chooseMarketSource(mode: MarketsMode, d: MarketChoiceDeps): Promise<MarketChoice> {
  const k = d.config.kalshi;
  if (mode === "auto") {
    const probe = await kalshiReachable(d.config, d.clock ?? d.scheduler, d.client);
    if (!probe.ok) return synthetic(d.config, `markets: synthetic (Kalshi not reachable at ${k.baseUrl}: ${probe.why})`);
  }
  if (mode === "synthetic") return synthetic(d.config, "markets: synthetic market maker (not Kalshi's prices)");
  return kalshiMarket(d, mode === "auto");
}

function kalshiMarket(d: MarketChoiceDeps, auto: boolean): MarketChoice {
  const clock = d.clock ?? d.scheduler ?? systemClock;
  const scheduler = d.scheduler ? { scheduler: d.scheduler } : {};
  const k = d.config.kalshi;
  const client = d.client ?? kalshiClient(d.config, { key: d.key ?? null, clock, ...scheduler });
  // Everything learned goes through one door, set when the session starts.
  let emit: (e: EngineEvent) => void = () => {};
  const indexId = d.key && k.index.enabled ? settlementIndexOf(d.config.series) : null;
  const averages = indexId === null ? null : new IndexAverages(indexId, d.onIndexCheck);
  const indexListeners: ((v: IndexValue, receivedMs: number) => void)[] = [];
  const socket = d.key
    ? new KalshiSocket({
        url: k.wsUrl,
        headers: () => client.socketHeaders(new URL(k.wsUrl).pathname),
        onBook: (ticker, book, asOfMs, receivedMs) => emit({ type: "book", ticker, requestedMs: asOfMs, receivedMs, book }),
        onBookLost: (ticker) => emit({ type: "book", ticker, requestedMs: clock.now(), receivedMs: clock.now(), book: null }),
        series: d.config.series,
        clock,
        ...scheduler,
        staleMs: k.wsStaleMs,
        backoffBaseMs: k.backoff.baseMs,
        backoffMaxMs: k.backoff.maxMs,
        onLifecycle: (e) => {
          if (e.eventType === "determined") results.hint(e.ticker);
        },
        useYesPrice: k.bookUseYesPrice,
        ...(indexId === null
          ? {}
          : {
              indexIds: [indexId],
              onIndex: (v: IndexValue, receivedMs: number) => {
                averages?.onValue(v);
                for (const l of indexListeners) l(v, receivedMs);
              },
            }),
        ...(d.onError ? { onError: d.onError } : {}),
      })
    : null;
  // The poller always refreshes market facts (status, strike, ticks); it polls the book (signed, with a key)
  // without the socket, and while the socket has no in-sequence book of the market (down, resynchronising).
  const feed = new KalshiMarketFeed(client, {
    series: d.config.series,
    clock,
    ...scheduler,
    bookPollMs: k.bookPollMs,
    backoffMaxMs: k.backoff.maxMs,
    marketRefreshMs: socket ? Math.max(k.bookPollMs, 5_000) : k.marketRefreshMs,
    pollBook: (ticker) => socket === null || !socket.hasBook(ticker),
    onEvent: (e) => emit(e),
    ...(d.onBookNeedsKey ? { onBookNeedsKey: d.onBookNeedsKey } : {}),
    ...(d.onError ? { onError: d.onError } : {}),
  });
  const results = new ResultWatcher(client, {
    clock,
    ...scheduler,
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
  const how = socket ? `WebSocket ${k.wsUrl} (signed REST polling while it is down)` : `REST polling every ${k.bookPollMs} ms (no API key)`;
  const index = indexId === null ? "" : `; settlement index ${indexId} by WebSocket`;
  return {
    market: { kind: "venue" },
    kind: "kalshi",
    description: `markets: Kalshi ${k.env === "demo" ? "DEMO exchange " : ""}${k.baseUrl}, book by ${how}${index}${auto ? " (auto: Kalshi reachable)" : ""}`,
    kalshi: { client, feed, socket, results, indexId, averages, onIndex: (l) => void indexListeners.push(l) },
    attach(sink) {
      emit = sink;
    },
    start(sink) {
      emit = sink;
      feed.start();
      socket?.start();
      results.start();
    },
    watchResult: (ticker, close) => results.watch(ticker, close),
    async stop() {
      if (d.client === undefined) client.close();
      await Promise.all([feed.stop(), socket?.stop(), results.stop()]);
    },
  };
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
