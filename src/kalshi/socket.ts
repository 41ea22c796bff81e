import WebSocket from "ws";
import type { BidBook } from "../domain/book.ts";
import { parseDollars } from "../domain/money.ts";
import { windowAt } from "../domain/window.ts";
import { LiveBidBook } from "./book.ts";
import type { Clock } from "./clock.ts";
import { type KalshiFill, parseCount, parseFill, parseLevels } from "./wire.ts";

/** A market lifecycle event we act on (determinations hurry the result poll). */
export interface LifecycleEvent {
  readonly ticker: string;
  readonly eventType: string;
  readonly result: string | null;
}

export interface KalshiSocketOptions {
  readonly url: string;
  /** Signed handshake headers (the WebSocket needs a key even for public channels). */
  readonly headers: () => Record<string, string>;
  /**
   * A market's book as the socket knows it: after a snapshot or delta (stamped with the venue's
   * own time when the frame gives one), and once a second while the subscription is healthy and in
   * sequence (the book is then known current as of that second).
   */
  readonly onBook: (ticker: string, book: BidBook, asOfMs: number, receivedMs: number) => void;
  /** A book is no longer known (a sequence gap, a dropped connection). */
  readonly onBookLost?: (ticker: string) => void;
  readonly series: string;
  readonly clock: Clock;
  /** A connection silent this long (no frame, no ping) is terminated and reopened. */
  readonly staleMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** How often to check tickers and health, and mark in-sequence books current. */
  readonly tickMs?: number;
  readonly onLifecycle?: (e: LifecycleEvent) => void;
  readonly onFill?: (f: KalshiFill) => void;
  readonly onError?: (message: string) => void;
}

export interface KalshiSocketCounters {
  connects: number;
  reconnects: number;
  messages: number;
  parseErrors: number;
  seqGaps: number;
  snapshots: number;
  deltas: number;
  serverErrors: number;
}

interface BookSub {
  sid: number | null;
  seq: number | null;
  synced: boolean;
  readonly book: LiveBidBook;
}

/**
 * Kalshi's WebSocket with a key: the order book by `orderbook_delta` (snapshot, then deltas
 * checked by `seq`; a gap drops the book and asks for a fresh snapshot), `market_lifecycle_v2`
 * and our `fill`s. Reconnects with capped backoff, reset after the first good message.
 */
export class KalshiSocket {
  readonly counters: KalshiSocketCounters = { connects: 0, reconnects: 0, messages: 0, parseErrors: 0, seqGaps: 0, snapshots: 0, deltas: 0, serverErrors: 0 };
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly books = new Map<string, BookSub>();
  private readonly pendingSubs = new Map<number, string>();
  private lastFrame = 0;
  private attempt = 0;
  private ticker: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(private readonly opts: KalshiSocketOptions) {}

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
    this.ticker = setInterval(() => this.tick(), this.opts.tickMs ?? 1000);
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.ticker !== null) clearInterval(this.ticker);
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.ticker = this.reconnectTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    // A close frame, so Kalshi sees a clean goodbye; cut off if it does not answer.
    return new Promise((resolve) => {
      const timer = setTimeout(() => ws.terminate(), 1000);
      ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, "client stopping");
      else ws.terminate();
    });
  }

  private connect(): void {
    let headers: Record<string, string>;
    try {
      headers = this.opts.headers();
    } catch (e) {
      this.opts.onError?.(`kalshi ws: ${(e as Error).message}`);
      return;
    }
    this.counters.connects++;
    const ws = new WebSocket(this.opts.url, { headers, handshakeTimeout: this.opts.staleMs });
    this.ws = ws;
    this.lastFrame = this.opts.clock.now();
    ws.on("open", () => {
      this.lastFrame = this.opts.clock.now();
      this.books.clear();
      this.pendingSubs.clear();
      this.send({ cmd: "subscribe", params: { channels: ["market_lifecycle_v2"] } });
      this.send({ cmd: "subscribe", params: { channels: ["fill"] } });
      this.ensureTickers();
    });
    // The ws library answers Kalshi's pings itself; a ping still proves the line is alive.
    ws.on("ping", () => (this.lastFrame = this.opts.clock.now()));
    ws.on("message", (data) => this.onMessage(String(data)));
    ws.on("error", (e) => this.opts.onError?.(`kalshi ws: ${e.message}`));
    ws.on("close", () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const [ticker, sub] of this.books) if (sub.synced) this.opts.onBookLost?.(ticker);
      this.books.clear();
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.counters.reconnects++;
    const delay = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** this.attempt++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private send(command: { cmd: string; params: Record<string, unknown> }): number {
    const id = this.nextId++;
    if (this.connected) this.ws!.send(JSON.stringify({ id, ...command }));
    return id;
  }

  /** The current and next window's books are subscribed; older ones are dropped. */
  private ensureTickers(): void {
    if (!this.connected) return;
    const now = Math.floor(this.opts.clock.now() / 1000);
    const current = windowAt(now, this.opts.series);
    const wanted = [current.ticker, windowAt(current.close, this.opts.series).ticker];
    for (const ticker of wanted) {
      if (this.books.has(ticker)) continue;
      this.books.set(ticker, { sid: null, seq: null, synced: false, book: new LiveBidBook() });
      const id = this.send({ cmd: "subscribe", params: { channels: ["orderbook_delta"], market_ticker: ticker, use_yes_price: false } });
      this.pendingSubs.set(id, ticker);
    }
    for (const [ticker, sub] of this.books) {
      if (wanted.includes(ticker)) continue;
      if (sub.sid !== null) this.send({ cmd: "unsubscribe", params: { sids: [sub.sid] } });
      this.books.delete(ticker);
    }
  }

  private tick(): void {
    const now = this.opts.clock.now();
    if (this.ws !== null && now - this.lastFrame > this.opts.staleMs) {
      this.opts.onError?.(`kalshi ws: silent for ${now - this.lastFrame} ms, reconnecting`);
      this.ws.terminate();
      return;
    }
    this.ensureTickers();
    if (this.connected) for (const [ticker, sub] of this.books) if (sub.synced) this.opts.onBook(ticker, sub.book.bids(), now, now);
  }

  private onMessage(text: string): void {
    this.counters.messages++;
    this.lastFrame = this.opts.clock.now();
    let frame: { type?: unknown; id?: unknown; sid?: unknown; seq?: unknown; msg?: Record<string, unknown> };
    try {
      frame = JSON.parse(text);
      if (frame === null || typeof frame !== "object") throw new Error("not an object");
    } catch {
      this.counters.parseErrors++;
      return;
    }
    try {
      this.dispatch(frame);
      this.attempt = 0;
    } catch (e) {
      this.counters.parseErrors++;
      this.opts.onError?.(`kalshi ws: unreadable ${String(frame.type)} frame: ${(e as Error).message}`);
    }
  }

  private dispatch(frame: { type?: unknown; id?: unknown; sid?: unknown; seq?: unknown; msg?: Record<string, unknown> }): void {
    const msg = frame.msg ?? {};
    switch (frame.type) {
      case "subscribed": {
        const ticker = this.pendingSubs.get(Number(frame.id));
        if (ticker !== undefined && msg.channel === "orderbook_delta") {
          this.pendingSubs.delete(Number(frame.id));
          const sub = this.books.get(ticker);
          if (sub !== undefined) sub.sid = Number(msg.sid);
        }
        return;
      }
      case "orderbook_snapshot": {
        const [ticker, sub] = this.subFor(msg, frame.sid);
        if (sub === undefined) return;
        const yes = parseLevels(msg.yes_dollars_fp);
        const no = parseLevels(msg.no_dollars_fp);
        sub.book.replace({ yes: yes.levels, no: no.levels });
        sub.seq = Number(frame.seq);
        sub.synced = true;
        this.counters.snapshots++;
        const now = this.opts.clock.now();
        this.opts.onBook(ticker, sub.book.bids(), now, now);
        return;
      }
      case "orderbook_delta": {
        const [ticker, sub] = this.subFor(msg, frame.sid);
        if (sub === undefined || !sub.synced) return;
        const seq = Number(frame.seq);
        if (sub.seq === null || seq !== sub.seq + 1) return this.resync(ticker, sub);
        sub.seq = seq;
        const side = msg.side;
        if (side !== "yes" && side !== "no") throw new Error(`delta side ${JSON.stringify(side)}`);
        const delta = String(msg.delta_fp ?? "");
        const sign = delta.startsWith("-") ? -1 : 1;
        sub.book.apply(side, parseDollars(String(msg.price_dollars)), sign * parseCount(delta.replace(/^[+-]/, "")));
        this.counters.deltas++;
        const now = this.opts.clock.now();
        const venueMs = Number(msg.ts_ms);
        this.opts.onBook(ticker, sub.book.bids(), Number.isFinite(venueMs) && venueMs > 0 ? Math.min(venueMs, now) : now, now);
        return;
      }
      case "market_lifecycle_v2": {
        const ticker = String(msg.market_ticker ?? "");
        if (!ticker.startsWith(`${this.opts.series}-`)) return;
        this.opts.onLifecycle?.({ ticker, eventType: String(msg.event_type ?? ""), result: typeof msg.result === "string" ? msg.result : null });
        return;
      }
      case "fill":
        this.opts.onFill?.(parseFill(msg));
        return;
      case "error":
        this.counters.serverErrors++;
        this.opts.onError?.(`kalshi ws error ${String(msg.code)}: ${String(msg.msg)}`);
        return;
      default:
        return;
    }
  }

  private subFor(msg: Record<string, unknown>, sid: unknown): [string, BookSub | undefined] {
    const ticker = String(msg.market_ticker ?? "");
    const sub = this.books.get(ticker);
    if (sub !== undefined && sub.sid === null) sub.sid = Number(sid);
    return [ticker, sub];
  }

  /** A missed message: the book is unknown until a fresh snapshot arrives. */
  private resync(ticker: string, sub: BookSub): void {
    this.counters.seqGaps++;
    sub.synced = false;
    sub.seq = null;
    this.opts.onBookLost?.(ticker);
    if (sub.sid !== null) this.send({ cmd: "update_subscription", params: { sids: [sub.sid], action: "get_snapshot", market_tickers: [ticker] } });
  }
}
