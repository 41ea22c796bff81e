import { type FrameVerdict, ReconnectingSocket } from "../net/reconnecting-socket.ts";
import type { Scheduler } from "../net/scheduler.ts";
import type { FeedLog } from "./config.ts";
import type { ExchangeAdapter } from "./frame.ts";
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

/**
 * One exchange's prices over the shared connection lifecycle (src/net): the adapter says what to
 * send and what a frame means; a connection proves itself with its first accepted price, which
 * resets the backoff. Frames that do not parse, unknown messages and refused prices are counted
 * and skipped.
 */
export class WsSource implements PriceSource {
  readonly transport = "ws";
  readonly name: string;
  readonly usd: boolean;
  price: number | null = null;
  private lastUpdateMs: number | null = null;
  private parseErrors = 0;
  private rejected = 0;
  private gaps = 0;
  private unknown = 0;
  private lastLatencyMs: number | null = null;
  private readonly guard: PriceGuard;
  private readonly socket: ReconnectingSocket;

  constructor(private readonly adapter: ExchangeAdapter, private readonly opts: WsSourceOptions, private readonly deps: WsSourceDeps) {
    this.name = adapter.name;
    this.usd = adapter.usd;
    this.guard = new PriceGuard(opts.maxJumpFraction, opts.jumpWindowMs);
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

  start(): void {
    this.socket.start();
  }

  stop(): Promise<void> {
    return this.socket.stop();
  }

  isLive(nowMs: number): boolean {
    return this.socket.phase === "open" && this.lastUpdateMs !== null && nowMs - this.lastUpdateMs <= this.opts.stalenessMs;
  }

  status(nowMs: number): SourceStatus {
    return {
      name: this.name,
      transport: "ws",
      usd: this.usd,
      state: this.state(nowMs),
      price: this.price,
      lastUpdateMs: this.lastUpdateMs,
      messages: this.socket.counters.messages,
      reconnects: this.socket.counters.reconnects,
      parseErrors: this.parseErrors,
      rejected: this.rejected,
      gaps: this.gaps,
      unknown: this.unknown,
      lastLatencyMs: this.lastLatencyMs,
      lastError: this.socket.lastError,
    };
  }

  private state(nowMs: number): SourceStatus["state"] {
    switch (this.socket.phase) {
      case "idle":
      case "stopped":
        return "stopped";
      case "backoff":
        return "backoff";
      case "connecting":
        return "connecting";
      case "open":
        if (this.isLive(nowMs)) return "live";
        return this.lastUpdateMs === null || !this.socket.proven ? "connecting" : "stale";
    }
  }

  /** One text frame from the exchange. Public so the benchmark can drive it without a socket. */
  receive(text: string): FrameVerdict {
    const now = this.deps.scheduler.now();
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.parseErrors++;
      return "unreadable";
    }
    let frame;
    try {
      frame = this.adapter.read(msg);
    } catch {
      this.parseErrors++;
      return "unreadable";
    }
    let verdict: FrameVerdict = "alive";
    switch (frame.kind) {
      case "price":
        if (!this.guard.accept(frame.price, now)) {
          this.rejected++;
          break;
        }
        this.price = frame.price;
        this.lastUpdateMs = now;
        if (Number.isFinite(frame.exchangeMs)) this.lastLatencyMs = now - frame.exchangeMs;
        verdict = "good";
        this.deps.onTick(now, frame.price, this.name);
        break;
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
      this.gaps++;
      this.deps.log("warn", `${this.name}: sequence gap, ${frame.gap} message(s) missed`);
    }
    return verdict;
  }
}
