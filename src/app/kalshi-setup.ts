import type { AppConfig } from "../config/schema.ts";
import { syntheticMarketParams } from "../config/engine-config.ts";
import type { MarketSource } from "../engine/market.ts";
import { SyntheticMarket } from "../engine/synthetic-market.ts";
import { MarketBoard } from "../kalshi/board.ts";
import { KalshiClient } from "../kalshi/client.ts";
import { type Clock, systemClock } from "../kalshi/clock.ts";
import { KalshiMarketFeed } from "../kalshi/market-feed.ts";
import { KalshiMarketSource } from "../kalshi/market-source.ts";
import type { SigningKey } from "../kalshi/signing.ts";
import { KalshiSocket, type LifecycleEvent } from "../kalshi/socket.ts";
import type { KalshiFill } from "../kalshi/wire.ts";

export type MarketsMode = "kalshi" | "synthetic" | "auto";

/** A REST client configured from the `kalshi` settings; `key` only for signed (portfolio) calls. */
export function kalshiClient(config: AppConfig, o: { key?: SigningKey | null; clock?: Clock; maxRetries?: number } = {}): KalshiClient {
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
  });
}

/** Kalshi's market data for the engine: the client, the board, the REST poller and (with a key) the WebSocket. */
export interface KalshiMarketData {
  readonly client: KalshiClient;
  readonly board: MarketBoard;
  readonly feed: KalshiMarketFeed;
  readonly socket: KalshiSocket | null;
  readonly source: KalshiMarketSource;
}

export interface MarketChoice {
  readonly source: MarketSource;
  readonly kind: "kalshi" | "synthetic";
  /** One line for the console: which market, and why. */
  readonly description: string;
  readonly kalshi: KalshiMarketData | null;
  /** Starts polling (or the WebSocket); nothing to start for the synthetic market. */
  start(): void;
  /** Stops every timer and socket. */
  stop(): Promise<void>;
}

export interface MarketChoiceDeps {
  readonly config: AppConfig;
  /** With a key the WebSocket replaces book polling; without, REST polling. */
  readonly key?: SigningKey | null;
  readonly clock?: Clock;
  readonly onError?: (message: string) => void;
  readonly onLifecycle?: (e: LifecycleEvent) => void;
  readonly onFill?: (f: KalshiFill) => void;
}

/** Builds the Kalshi market data stack (not started). */
export function kalshiMarketData(d: MarketChoiceDeps): KalshiMarketData {
  const clock = d.clock ?? systemClock;
  const k = d.config.kalshi;
  const client = kalshiClient(d.config, { key: d.key ?? null, clock });
  const board = new MarketBoard();
  const socket = d.key
    ? new KalshiSocket({
        url: k.wsUrl,
        headers: () => client.socketHeaders(new URL(k.wsUrl).pathname),
        board,
        series: d.config.series,
        clock,
        staleMs: k.wsStaleMs,
        backoffBaseMs: k.backoff.baseMs,
        backoffMaxMs: k.backoff.maxMs,
        ...(d.onLifecycle ? { onLifecycle: d.onLifecycle } : {}),
        ...(d.onFill ? { onFill: d.onFill } : {}),
        ...(d.onError ? { onError: d.onError } : {}),
      })
    : null;
  // The poller always refreshes market facts (status, strike, ticks); it polls the book only without the socket.
  const feed = new KalshiMarketFeed(client, board, {
    series: d.config.series,
    clock,
    bookPollMs: k.bookPollMs,
    marketRefreshMs: socket ? Math.max(k.bookPollMs, 5_000) : k.marketRefreshMs,
    pollBook: socket === null,
    ...(d.onError ? { onError: d.onError } : {}),
  });
  return { client, board, feed, socket, source: new KalshiMarketSource(board, k.bookFreshnessMs) };
}

/** Is Kalshi's public API answering? One quick request, no retries. */
export async function kalshiReachable(config: AppConfig, clock?: Clock): Promise<{ ok: true } | { ok: false; why: string }> {
  const client = kalshiClient(config, { maxRetries: 0, ...(clock ? { clock } : {}) });
  try {
    await client.get("/exchange/status");
    return { ok: true };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  } finally {
    client.close();
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
    const probe = await kalshiReachable(d.config, d.clock);
    if (!probe.ok) return synthetic(d.config, `markets: synthetic (Kalshi not reachable at ${k.baseUrl}: ${probe.why})`);
  }
  if (mode === "synthetic") return synthetic(d.config, "markets: synthetic market maker (not Kalshi's prices)");
  const data = kalshiMarketData(d);
  const how = data.socket ? `WebSocket ${k.wsUrl}` : `REST polling every ${k.bookPollMs} ms (no API key)`;
  return {
    source: data.source,
    kind: "kalshi",
    description: `markets: Kalshi ${k.baseUrl}, book by ${how}${mode === "auto" ? " (auto: Kalshi reachable)" : ""}`,
    kalshi: data,
    start() {
      data.feed.start();
      data.socket?.start();
    },
    async stop() {
      data.client.close();
      await Promise.all([data.feed.stop(), data.socket?.stop()]);
    },
  };
}

function synthetic(config: AppConfig, description: string): MarketChoice {
  return {
    source: new SyntheticMarket(syntheticMarketParams(config)),
    kind: "synthetic",
    description,
    kalshi: null,
    start() {},
    async stop() {},
  };
}
