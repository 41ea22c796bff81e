import { type FrameVerdict, ReconnectingSocket } from "../net/reconnecting-socket.ts";
import type { Scheduler } from "../net/scheduler.ts";
import type { FeedLog } from "./config.ts";
import type { ExchangeAdapter, Frame } from "./frame.ts";
import { PriceGuard } from "./price-guard.ts";
import type { PriceSource, SourceStatus, TickListener } from "./status.ts";

export interface WsSourceOptions {
  handshakeTimeoutMs: number;
  pingIntervalMs: number;
  quietTimeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  stalenessMs: number;
  maxJumpFraction: number;
  jumpWindowMs: number;
}

export interface WsSourceDeps {
  scheduler: Scheduler;
  log: FeedLog;
  random?: () => number;
  onTick: TickListener;
}

/** One coin's prices on a connection: its own price, freshness, guard and counters. */
class CoinState {
  price: number | null = null;
  lastUpdateMs: number | null = null;
  prices = 0;
  rejected = 0;
  gaps = 0;
  lastLatencyMs: number | null = null;
  readonly guard: PriceGuard;

  constructor(maxJumpFraction: number, jumpWindowMs: number) {
    this.guard = new PriceGuard(maxJumpFraction, jumpWindowMs);
  }
}

/**
 * One exchange's prices over the shared connection lifecycle (src/net), one connection carrying
 * every configured coin: the adapter says what to send and what a frame means; each price frame
 * names its coin, whose state (price, freshness, guard, refused prices, gaps) is its own. A
 * connection proves itself with its first accepted price of any coin, which resets the backoff.
 * Frames that do not parse, unknown messages and refused prices are counted and skipped.
 */
export class WsSource implements PriceSource {
  readonly transport = "ws";
  readonly name: string;
  readonly usd: boolean;
  private parseErrors = 0;
  private unknown = 0;
  private readonly states = new Map<string, CoinState>();
  private readonly first: string;
  private readonly socket: ReconnectingSocket;

  constructor(private readonly adapter: ExchangeAdapter, private readonly opts: WsSourceOptions, private readonly deps: WsSourceDeps) {
    this.name = adapter.name;
    this.usd = adapter.usd;
    for (const coin of adapter.coins) this.states.set(coin, new CoinState(opts.maxJumpFraction, opts.jumpWindowMs));
    this.first = adapter.coins[0] ?? "BTC";
    this.socket = new ReconnectingSocket(
      {
        url: adapter.url,
        handshakeTimeoutMs: opts.handshakeTimeoutMs,
        pingIntervalMs: opts.pingIntervalMs,
        quietTimeoutMs: opts.quietTimeoutMs,
        backoffBaseMs: opts.backoffBaseMs,
        backoffMaxMs: opts.backoffMaxMs,
      },
      {
        scheduler: deps.scheduler,
        random: deps.random,
        log: (level, msg) => deps.log(level, `${this.name}: ${msg}`),
        onOpen: (send) => {
          // A new connection starts a new sequence.
          adapter.reset();
          for (const m of adapter.subscribe()) send(m);
        },
        onMessage: (text) => this.receive(text),
        keepalive: adapter.keepalive ? () => adapter.keepalive!() : undefined,
      },
    );
  }

  /** The first coin's last accepted price (PriceSource: one coin's view is `coin()`). */
  get price(): number | null {
    return this.states.get(this.first)?.price ?? null;
  }

  start(): void {
    this.socket.start();
  }

  stop(): Promise<void> {
    return this.socket.stop();
  }

  isLive(nowMs: number, coin = this.first): boolean {
    const s = this.states.get(coin);
    return this.socket.phase === "open" && s !== undefined && s.lastUpdateMs !== null && nowMs - s.lastUpdateMs <= this.opts.stalenessMs;
  }

  /** This connection as one coin's price source, for that coin's index. */
  coin(coin: string): PriceSource {
    const states = this.states;
    return {
      name: this.name,
      transport: "ws",
      usd: this.usd,
      get price() {
        return states.get(coin)?.price ?? null;
      },
      start: () => {},
      stop: async () => {},
      isLive: (now) => this.isLive(now, coin),
      status: (now) => this.status(now, coin),
    };
  }

  status(nowMs: number, coin = this.first): SourceStatus {
    const s = this.states.get(coin) ?? new CoinState(1, 0);
    return {
      name: this.name,
      transport: "ws",
      usd: this.usd,
      state: this.state(nowMs, coin, s),
      coin,
      price: s.price,
      lastUpdateMs: s.lastUpdateMs,
      messages: this.socket.counters.messages,
      prices: s.prices,
      reconnects: this.socket.counters.reconnects,
      parseErrors: this.parseErrors,
      rejected: s.rejected,
      gaps: s.gaps,
      unknown: this.unknown,
      lastLatencyMs: s.lastLatencyMs,
      lastError: this.socket.lastError,
    };
  }

  private state(nowMs: number, coin: string, s: CoinState): SourceStatus["state"] {
    switch (this.socket.phase) {
      case "idle":
      case "stopped":
        return "stopped";
      case "backoff":
        return "backoff";
      case "connecting":
        return "connecting";
      case "open":
        if (this.isLive(nowMs, coin)) return "live";
        return s.lastUpdateMs === null || !this.socket.proven ? "connecting" : "stale";
    }
  }

  /** One text frame from the exchange. Public so the benchmark can drive it without a socket. */
  receive(text: string): FrameVerdict {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.parseErrors++;
      return "unreadable";
    }
    let read: Frame | readonly Frame[];
    try {
      read = this.adapter.read(msg);
    } catch {
      this.parseErrors++;
      return "unreadable";
    }
    if (!Array.isArray(read)) return this.take(read as Frame);
    let verdict: FrameVerdict = "alive";
    for (const f of read as readonly Frame[]) if (this.take(f) === "good") verdict = "good";
    return verdict;
  }

  private take(frame: Frame): FrameVerdict {
    const now = this.deps.scheduler.now();
    let verdict: FrameVerdict = "alive";
    switch (frame.kind) {
      case "price": {
        const s = this.states.get(frame.coin);
        if (s === undefined) {
          this.unknown++;
          return "alive";
        }
        if (!s.guard.accept(frame.price, now)) {
          s.rejected++;
          break;
        }
        s.price = frame.price;
        s.lastUpdateMs = now;
        s.prices++;
        if (Number.isFinite(frame.exchangeMs)) s.lastLatencyMs = now - frame.exchangeMs;
        verdict = "good";
        this.deps.onTick(now, frame.price, this.name, frame.coin);
        break;
      }
      case "unknown":
        this.unknown++;
        return "alive";
      case "error":
      case "reconnect":
        this.deps.log(frame.kind === "error" ? "warn" : "info", `${this.name}: ${frame.message}; reconnecting`);
        this.socket.terminate(frame.message);
        return "alive";
      case "alive":
        break;
    }
    if (frame.gap) {
      const coin = "coin" in frame && frame.coin !== undefined ? frame.coin : this.first;
      const s = this.states.get(coin);
      if (s) s.gaps++;
      this.deps.log("warn", `${this.name}: ${this.adapter.coins.length > 1 ? `${coin} ` : ""}sequence gap, ${frame.gap} message(s) missed`);
    }
    return verdict;
  }
}
