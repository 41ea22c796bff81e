import WebSocket from "ws";
import { Backoff } from "./backoff.ts";
import { describe } from "./network-error.ts";
import type { Scheduler, Timer } from "./scheduler.ts";

/** What one frame told the lifecycle about the connection. */
export type FrameVerdict =
  /** Data the subscription exists for: the first one on a connection resets the backoff. */
  | "good"
  /** Proof of life only: heartbeats, acknowledgements, error frames, refused prices. */
  | "alive"
  /** A frame that could not be read proves nothing. */
  | "unreadable";

export type SocketPhase = "idle" | "connecting" | "open" | "backoff" | "stopped";

export interface SocketCounters {
  /** Connection attempts, the first included. */
  connects: number;
  /** Attempts after the first. */
  reconnects: number;
  /** Frames received. */
  messages: number;
}

export interface ReconnectingSocketOptions {
  readonly url: string;
  readonly handshakeTimeoutMs: number;
  /** A WebSocket ping (and the keepalive text, if any) this often; 0 for a venue that pings us. */
  readonly pingIntervalMs: number;
  /** A connection without a sign of life for this long is terminated and reopened. */
  readonly quietTimeoutMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** The venue's own pings count as life (Kalshi pings every 10 s over a book that may be quiet). */
  readonly pingIsLife?: boolean;
  /** Offer permessage-deflate. */
  readonly compress?: boolean;
}

/** How long a polite close waits for the peer's close frame before cutting the line. */
const CLOSE_GRACE_MS = 1000;

export interface ReconnectingSocketHooks {
  /** The clock and timers: handshake timeout, pings, the quiet check, reconnect waits, the polite close. */
  readonly scheduler: Scheduler;
  /** In [0, 1): the backoff's jitter. */
  readonly random?: () => number;
  /** Connections, reconnect waits and terminations, in words for the console. */
  readonly log: (level: "info" | "warn", message: string) => void;
  /** Handshake headers, asked for on every attempt (Kalshi signs each with the current time). */
  readonly headers?: () => Record<string, string>;
  /** The connection is open: forget the last connection's state and subscribe. */
  readonly onOpen: (send: (text: string) => void) => void;
  /** One text frame (a binary frame arrives as ""). */
  readonly onMessage: (text: string) => FrameVerdict;
  /** An open connection ended other than by stop(): what it delivered is no longer current. */
  readonly onDropped?: () => void;
  /** Text sent with every ping, for venues that want an application-level heartbeat. */
  readonly keepalive?: () => string | undefined;
}

/**
 * The one WebSocket lifecycle every venue shares: connect with a handshake timeout (and fresh
 * headers), subscribe on every (re)connection, ping, terminate a connection that went quiet,
 * reconnect with capped exponential backoff and jitter that resets only after the first good
 * frame of a connection, and close politely on stop. The venue's code says only what to send and
 * what each frame means.
 */
export class ReconnectingSocket {
  readonly counters: SocketCounters = { connects: 0, reconnects: 0, messages: 0 };
  private current: SocketPhase = "idle";
  private error: string | null = null;
  /** A reason found before the socket's own (less telling) error event arrives. */
  private pendingError: string | null = null;
  private ws: WebSocket | null = null;
  private good = false;
  /** Frames that proved life; the quiet timer compares it between checks, so a frame costs no clock read. */
  private heard = 0;
  private retryTimer: Timer | null = null;
  private handshakeTimer: Timer | null = null;
  private pingTimer: Timer | null = null;
  private quietTimer: Timer | null = null;
  private closed: Promise<void> = Promise.resolve();
  private readonly backoff: Backoff;

  constructor(private readonly opts: ReconnectingSocketOptions, private readonly hooks: ReconnectingSocketHooks) {
    this.backoff = new Backoff(opts.backoffBaseMs, opts.backoffMaxMs, hooks.random);
  }

  get phase(): SocketPhase {
    return this.current;
  }

  /** Why the last connection failed or ended, in words; null while nothing went wrong. */
  get lastError(): string | null {
    return this.error;
  }

  /** A good frame has arrived on the current connection. */
  get proven(): boolean {
    return this.good;
  }

  get isOpen(): boolean {
    return this.current === "open" && this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (this.current !== "idle") return;
    this.connect();
  }

  /** Closes with a close frame and stops for good; resolves when the socket has closed. */
  async stop(): Promise<void> {
    this.current = "stopped";
    this.retryTimer?.cancel();
    this.retryTimer = null;
    this.clearConnectionTimers();
    if (this.ws) await closePolitely(this.ws, this.hooks.scheduler);
    await this.closed;
  }

  /** Sends on the open connection; false when there is none. */
  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.ws!.send(text);
    return true;
  }

  /** Ends the current connection now (the venue asked, or reported an error); a reconnect follows. */
  terminate(reason: string): void {
    this.error = reason;
    this.ws?.terminate();
  }

  private connect(): void {
    this.retryTimer = null;
    this.current = "connecting";
    this.good = false;
    this.pendingError = null;
    this.counters.connects++;
    let ws: WebSocket;
    try {
      const headers = this.hooks.headers?.();
      ws = new WebSocket(this.opts.url, { perMessageDeflate: this.opts.compress ?? false, ...(headers ? { headers } : {}) });
    } catch (e) {
      this.error = describe(e);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    // On the scheduler's clock rather than the library's own timer, so a simulated clock times it too.
    this.handshakeTimer = this.hooks.scheduler.after(this.opts.handshakeTimeoutMs, () => {
      if (ws !== this.ws || ws.readyState !== WebSocket.CONNECTING) return;
      this.error = this.pendingError = "Opening handshake has timed out";
      ws.terminate();
    });
    this.closed = new Promise((resolve) => ws.once("close", () => resolve()));
    ws.on("open", () => this.onOpen(ws));
    ws.on("message", (data, isBinary) => {
      if (ws !== this.ws) return;
      this.counters.messages++;
      const verdict = this.hooks.onMessage(isBinary ? "" : data.toString());
      if (verdict === "unreadable") return;
      this.heard++;
      if (verdict === "good" && !this.good) {
        this.good = true;
        this.backoff.reset();
      }
    });
    if (this.opts.pingIsLife) ws.on("ping", () => this.heard++);
    ws.on("error", (e) => {
      this.error = this.pendingError ?? describe(e);
    });
    ws.on("unexpected-response", (_req, res) => {
      this.error = this.pendingError = `HTTP ${res.statusCode} on connect`;
      ws.terminate();
    });
    ws.on("close", () => this.onClose(ws));
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws || this.current === "stopped") return;
    this.handshakeTimer?.cancel();
    this.handshakeTimer = null;
    this.current = "open";
    this.hooks.onOpen((text) => ws.send(text));
    const scheduler = this.hooks.scheduler;
    if (this.opts.pingIntervalMs > 0) {
      this.pingTimer = scheduler.every(this.opts.pingIntervalMs, () => {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.ping();
        const k = this.hooks.keepalive?.();
        if (k) ws.send(k);
      });
    }
    // Checked on a timer rather than re-armed per frame: hundreds of frames a second would each reset a timeout.
    const every = Math.max(20, Math.min(1000, Math.floor(this.opts.quietTimeoutMs / 4)));
    let seen = this.heard;
    let lifeAt = scheduler.now();
    this.quietTimer = scheduler.every(every, () => {
      const now = scheduler.now();
      if (this.heard !== seen) {
        seen = this.heard;
        lifeAt = now;
        return;
      }
      const quiet = now - lifeAt;
      if (quiet > this.opts.quietTimeoutMs) {
        this.error = `no message for ${quiet} ms; terminated`;
        this.hooks.log("warn", this.error);
        ws.terminate();
      }
    });
    this.hooks.log("info", `connected to ${this.opts.url}`);
  }

  private onClose(ws: WebSocket): void {
    if (ws !== this.ws) return;
    const wasOpen = this.current === "open";
    this.clearConnectionTimers();
    if (this.current === "stopped") return;
    if (wasOpen) this.hooks.onDropped?.();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.current = "backoff";
    const delay = this.backoff.next();
    this.hooks.log("info", `reconnecting in ${delay} ms (${this.error ?? "closed"})`);
    this.retryTimer = this.hooks.scheduler.after(delay, () => {
      this.counters.reconnects++;
      this.connect();
    });
  }

  private clearConnectionTimers(): void {
    this.handshakeTimer?.cancel();
    this.pingTimer?.cancel();
    this.quietTimer?.cancel();
    this.handshakeTimer = this.pingTimer = this.quietTimer = null;
  }
}

/**
 * Closes with a close frame (1000: we are going away on purpose), so the venue sees a clean
 * goodbye rather than a dropped line (1006); a peer that does not answer within a second is cut off.
 */
function closePolitely(ws: WebSocket, scheduler: Scheduler): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = scheduler.after(CLOSE_GRACE_MS, () => ws.terminate());
    ws.once("close", () => {
      timer.cancel();
      resolve();
    });
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, "client stopping");
    else ws.terminate();
  });
}
