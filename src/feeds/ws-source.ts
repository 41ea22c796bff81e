import WebSocket from "ws";
import { Backoff } from "./backoff.ts";
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
  now: () => number;
  log: FeedLog;
  random?: () => number;
  onTick: TickListener;
}

type Phase = "idle" | "connecting" | "open" | "backoff" | "stopped";

/**
 * The one connection lifecycle every exchange shares: connect with a handshake timeout,
 * subscribe on every (re)connection, ping, terminate a socket that went quiet, reconnect with
 * capped exponential backoff that resets after the first good price. Frames that do not parse,
 * unknown messages and refused prices are counted and skipped.
 */
export class WsSource implements PriceSource {
  readonly transport = "ws";
  readonly name: string;
  readonly usd: boolean;
  price: number | null = null;
  private lastUpdateMs: number | null = null;
  private lastMessageMs = 0;
  private messages = 0;
  private reconnects = 0;
  private parseErrors = 0;
  private rejected = 0;
  private gaps = 0;
  private unknown = 0;
  private lastLatencyMs: number | null = null;
  private lastError: string | null = null;
  /** A reason found before the socket's own (less telling) error event arrives. */
  private pendingError: string | null = null;
  private phase: Phase = "idle";
  private ws: WebSocket | null = null;
  private goodThisConnection = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private quietTimer: NodeJS.Timeout | null = null;
  private closed: Promise<void> = Promise.resolve();
  private readonly guard: PriceGuard;
  private readonly backoff: Backoff;

  constructor(private readonly adapter: ExchangeAdapter, private readonly opts: WsSourceOptions, private readonly deps: WsSourceDeps) {
    this.name = adapter.name;
    this.usd = adapter.usd;
    this.guard = new PriceGuard(opts.maxJumpFraction, opts.jumpWindowMs);
    this.backoff = new Backoff(opts.backoffBaseMs, opts.backoffMaxMs, deps.random);
  }

  start(): void {
    if (this.phase !== "idle") return;
    this.connect();
  }

  async stop(): Promise<void> {
    this.phase = "stopped";
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.clearConnectionTimers();
    if (this.ws) await closePolitely(this.ws);
    await this.closed;
  }

  isLive(nowMs: number): boolean {
    return this.phase === "open" && this.lastUpdateMs !== null && nowMs - this.lastUpdateMs <= this.opts.stalenessMs;
  }

  status(nowMs: number): SourceStatus {
    return {
      name: this.name,
      transport: "ws",
      usd: this.usd,
      state: this.state(nowMs),
      price: this.price,
      lastUpdateMs: this.lastUpdateMs,
      messages: this.messages,
      reconnects: this.reconnects,
      parseErrors: this.parseErrors,
      rejected: this.rejected,
      gaps: this.gaps,
      unknown: this.unknown,
      lastLatencyMs: this.lastLatencyMs,
      lastError: this.lastError,
    };
  }

  private state(nowMs: number): SourceStatus["state"] {
    switch (this.phase) {
      case "idle":
      case "stopped":
        return "stopped";
      case "backoff":
        return "backoff";
      case "connecting":
        return "connecting";
      case "open":
        if (this.isLive(nowMs)) return "live";
        return this.lastUpdateMs === null || !this.goodThisConnection ? "connecting" : "stale";
    }
  }

  /** One text frame from the exchange. Public so the benchmark can drive it without a socket. */
  receive(text: string): void {
    const now = this.deps.now();
    this.messages++;
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.parseErrors++;
      return;
    }
    let frame;
    try {
      frame = this.adapter.read(msg);
    } catch {
      this.parseErrors++;
      return;
    }
    this.lastMessageMs = now;
    switch (frame.kind) {
      case "price":
        if (!this.guard.accept(frame.price, now)) {
          this.rejected++;
          break;
        }
        this.price = frame.price;
        this.lastUpdateMs = now;
        if (Number.isFinite(frame.exchangeMs)) this.lastLatencyMs = now - frame.exchangeMs;
        if (!this.goodThisConnection) {
          this.goodThisConnection = true;
          this.backoff.reset();
        }
        this.deps.onTick(now, frame.price, this.name);
        break;
      case "unknown":
        this.unknown++;
        return;
      case "error":
      case "reconnect":
        this.lastError = frame.message;
        this.deps.log(frame.kind === "error" ? "warn" : "info", `${this.name}: ${frame.message}; reconnecting`);
        this.ws?.terminate();
        return;
      case "alive":
        break;
    }
    if (frame.gap) {
      this.gaps++;
      this.deps.log("warn", `${this.name}: sequence gap, ${frame.gap} message(s) missed`);
    }
  }

  private connect(): void {
    this.retryTimer = null;
    this.phase = "connecting";
    this.goodThisConnection = false;
    this.pendingError = null;
    this.adapter.reset();
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.adapter.url, { handshakeTimeout: this.opts.handshakeTimeoutMs, perMessageDeflate: false });
    } catch (e) {
      this.lastError = (e as Error).message;
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.once("close", () => resolve()));
    ws.on("open", () => this.onOpen(ws));
    ws.on("message", (data, isBinary) => {
      if (ws === this.ws) this.receive(isBinary ? "" : data.toString());
    });
    ws.on("error", (e) => {
      this.lastError = this.pendingError ?? describe(e);
    });
    ws.on("unexpected-response", (_req, res) => {
      this.lastError = this.pendingError = `HTTP ${res.statusCode} on connect`;
      ws.terminate();
    });
    ws.on("close", () => this.onClose(ws));
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws || this.phase === "stopped") return;
    this.phase = "open";
    this.lastMessageMs = this.deps.now();
    for (const m of this.adapter.subscribe()) ws.send(m);
    this.pingTimer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.ping();
      const k = this.adapter.keepalive?.();
      if (k) ws.send(k);
    }, this.opts.pingIntervalMs);
    // Checked on a timer rather than re-armed per message: hundreds of messages a second would each reset a timeout.
    const every = Math.max(20, Math.min(1000, Math.floor(this.opts.quietTimeoutMs / 4)));
    this.quietTimer = setInterval(() => {
      const quiet = this.deps.now() - this.lastMessageMs;
      if (quiet > this.opts.quietTimeoutMs) {
        this.lastError = `no message for ${quiet} ms; terminated`;
        this.deps.log("warn", `${this.name}: ${this.lastError}`);
        ws.terminate();
      }
    }, every);
    this.deps.log("info", `${this.name}: connected to ${this.adapter.url}`);
  }

  private onClose(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.clearConnectionTimers();
    if (this.phase === "stopped") return;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.phase = "backoff";
    const delay = this.backoff.next();
    this.deps.log("info", `${this.name}: reconnecting in ${delay} ms (${this.lastError ?? "closed"})`);
    this.retryTimer = setTimeout(() => {
      this.reconnects++;
      this.connect();
    }, delay);
  }

  private clearConnectionTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.quietTimer) clearInterval(this.quietTimer);
    this.pingTimer = this.quietTimer = null;
  }
}

/**
 * Closes a socket with a close frame (1000: we are going away on purpose), so the venue sees a
 * clean goodbye rather than a dropped line (1006); a peer that does not answer within `graceMs`
 * is cut off.
 */
export function closePolitely(ws: WebSocket, graceMs = 1000): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), graceMs);
    ws.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, "client stopping");
    else ws.terminate();
  });
}

/** A network error in words a user can act on: fetch's "fetch failed" names its cause (ENOTFOUND...). */
export function describe(e: unknown): string {
  const err = e as Error & { code?: string; cause?: Error & { code?: string } };
  const msg = err.message || String(e);
  const cause = err.cause;
  if (cause && cause.message) return `${msg} (${cause.message})`;
  return err.code && !msg.includes(err.code) ? `${err.code}: ${msg}` : msg;
}
