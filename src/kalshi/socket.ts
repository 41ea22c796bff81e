import type { BidBook } from "../domain/book.ts";
import { UNITS_PER_DOLLAR } from "../domain/money.ts";
import { windowAt } from "../domain/window.ts";
import { type FrameVerdict, ReconnectingSocket } from "../net/reconnecting-socket.ts";
import { type Scheduler, type Timer, systemScheduler } from "../net/scheduler.ts";
import { LiveBidBook, noBidsAtNoPrices } from "./book.ts";
import type { Clock } from "./clock.ts";
import { type IndexValue, readIndexFrame } from "./index-frames.ts";
import { type KalshiFill, parseSocketFrame } from "./wire.ts";

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
  /** The series whose current and next windows' books are subscribed (one connection for all of them). */
  readonly series: string | readonly string[];
  readonly clock: Clock;
  /** The connection's timers (default the wall clock's). */
  readonly scheduler?: Scheduler;
  /** A connection silent this long (no frame, no ping) is terminated and reopened; also the handshake timeout. */
  readonly staleMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** In [0, 1): the backoff's jitter. */
  readonly random?: () => number;
  /** How often to check tickers and mark in-sequence books current. */
  readonly tickMs?: number;
  readonly onLifecycle?: (e: LifecycleEvent) => void;
  readonly onFill?: (f: KalshiFill) => void;
  /**
   * The order-book channel's `use_yes_price`: true, NO levels arrive as YES-leg prices (a NO bid
   * at q is a level at 1 − q); false, as NO-leg prices (the legacy default). Kalshi will make true
   * the default and then remove the flag, after which true is the only convention: each book is
   * read by the convention its subscription asked for.
   */
  readonly useYesPrice: boolean;
  /** Settlement indices to stream (`cfbenchmarks_value` and `cfbenchmarks_value_5hz`), e.g. ["BRTI"]; empty for none. */
  readonly indexIds?: readonly string[];
  /** Each index value, stamped with when it arrived. */
  readonly onIndex?: (v: IndexValue, receivedMs: number) => void;
  /** Error frames, unreadable frames, and the connection's own notices (reconnects, terminations). */
  readonly onError?: (message: string) => void;
}

export interface KalshiSocketCounters {
  connects: number;
  reconnects: number;
  messages: number;
  parseErrors: number;
  /** Book levels that could not be read and were skipped. */
  badLevels: number;
  seqGaps: number;
  snapshots: number;
  deltas: number;
  serverErrors: number;
  /** Index values received, per channel. */
  index1hz: number;
  index5hz: number;
}

interface BookSub {
  sid: number | null;
  seq: number | null;
  synced: boolean;
  readonly book: LiveBidBook;
  /** The convention this subscription asked for (see KalshiSocketOptions.useYesPrice). */
  readonly yesPrices: boolean;
}

/**
 * Kalshi's WebSocket with a key, over the shared connection lifecycle (src/net): the order book
 * by `orderbook_delta` (snapshot, then deltas checked by `seq`; a gap or an unreadable delta drops
 * the book and asks for a fresh snapshot), `market_lifecycle_v2` and our `fill`s. Frames are
 * validated at the boundary (wire.ts); a data frame proves the connection, an error frame does not.
 */
export class KalshiSocket {
  private readonly frames = { parseErrors: 0, badLevels: 0, seqGaps: 0, snapshots: 0, deltas: 0, serverErrors: 0, index1hz: 0, index5hz: 0 };
  private readonly socket: ReconnectingSocket;
  private nextId = 1;
  private readonly books = new Map<string, BookSub>();
  private readonly pendingSubs = new Map<number, string>();
  private ticker: Timer | null = null;
  private readonly scheduler: Scheduler;
  private readonly series: readonly string[];

  constructor(private readonly opts: KalshiSocketOptions) {
    this.series = typeof opts.series === "string" ? [opts.series] : opts.series;
    const report = (m: string) => opts.onError?.(`kalshi ws: ${m}`);
    this.scheduler = opts.scheduler ?? { ...systemScheduler, now: () => opts.clock.now() };
    this.socket = new ReconnectingSocket(
      {
        url: opts.url,
        handshakeTimeoutMs: opts.staleMs,
        // Kalshi pings us every 10 s; the ws library answers, and each ping proves the line.
        pingIntervalMs: 0,
        pingIsLife: true,
        quietTimeoutMs: opts.staleMs,
        backoffBaseMs: opts.backoffBaseMs,
        backoffMaxMs: opts.backoffMaxMs,
        compress: true,
      },
      {
        scheduler: this.scheduler,
        random: opts.random,
        log: (_level, m) => report(m),
        headers: opts.headers,
        onOpen: () => this.onOpen(),
        onMessage: (text) => this.onMessage(text),
        onDropped: () => this.onDropped(),
      },
    );
  }

  get counters(): KalshiSocketCounters {
    const { connects, reconnects, messages } = this.socket.counters;
    return { connects, reconnects, messages, ...this.frames };
  }

  /** The connection is open. */
  get isOpen(): boolean {
    return this.socket.isOpen;
  }

  /** The socket holds an in-sequence book of `ticker` now (else REST should stand in). */
  hasBook(ticker: string): boolean {
    return this.socket.isOpen && this.books.get(ticker)?.synced === true;
  }

  /** Connects and keeps connecting until stop(); once per socket. */
  start(): void {
    if (this.ticker !== null || this.socket.phase !== "idle") return;
    this.socket.start();
    this.ticker = this.scheduler.every(this.opts.tickMs ?? 1000, () => this.tick());
  }

  /** Says goodbye with a close frame; resolves when the socket has closed. */
  stop(): Promise<void> {
    this.ticker?.cancel();
    this.ticker = null;
    return this.socket.stop();
  }

  private onOpen(): void {
    this.books.clear();
    this.pendingSubs.clear();
    this.send({ cmd: "subscribe", params: { channels: ["market_lifecycle_v2"] } });
    this.send({ cmd: "subscribe", params: { channels: ["fill"] } });
    const ids = this.opts.indexIds ?? [];
    if (ids.length > 0) {
      // Both channels: the 1 Hz values are the ones Kalshi averages; the 5 Hz ones keep the price fresh if the 1 Hz lags.
      this.send({ cmd: "subscribe", params: { channels: ["cfbenchmarks_value"], index_ids: [...ids] } });
      this.send({ cmd: "subscribe", params: { channels: ["cfbenchmarks_value_5hz"], index_ids: [...ids] } });
    }
    this.ensureTickers();
  }

  /** A dead connection's books are not trusted. */
  private onDropped(): void {
    for (const [ticker, sub] of this.books) if (sub.synced) this.opts.onBookLost?.(ticker);
    this.books.clear();
  }

  private send(command: { cmd: string; params: Record<string, unknown> }): number {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, ...command }));
    return id;
  }

  /** The current and next window's books are subscribed; older ones are dropped. */
  private ensureTickers(): void {
    if (!this.socket.isOpen) return;
    const now = Math.floor(this.opts.clock.now() / 1000);
    const wanted: string[] = [];
    for (const series of this.series) {
      const current = windowAt(now, series);
      wanted.push(current.ticker, windowAt(current.close, series).ticker);
    }
    for (const ticker of wanted) {
      if (this.books.has(ticker)) continue;
      const yesPrices = this.opts.useYesPrice;
      this.books.set(ticker, { sid: null, seq: null, synced: false, book: new LiveBidBook(), yesPrices });
      const id = this.send({ cmd: "subscribe", params: { channels: ["orderbook_delta"], market_ticker: ticker, use_yes_price: yesPrices } });
      this.pendingSubs.set(id, ticker);
    }
    for (const [ticker, sub] of this.books) {
      if (wanted.includes(ticker)) continue;
      if (sub.sid !== null) this.send({ cmd: "unsubscribe", params: { sids: [sub.sid] } });
      this.books.delete(ticker);
    }
  }

  private tick(): void {
    this.ensureTickers();
    if (!this.socket.isOpen) return;
    const now = this.opts.clock.now();
    for (const [ticker, sub] of this.books) if (sub.synced) this.opts.onBook(ticker, sub.book.bids(), now, now);
  }

  private onMessage(text: string): FrameVerdict {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.frames.parseErrors++;
      return "unreadable";
    }
    let index: IndexValue | null;
    try {
      index = readIndexFrame(json);
    } catch (e) {
      this.frames.parseErrors++;
      this.opts.onError?.(`kalshi ws: unreadable index frame: ${(e as Error).message}`);
      return "unreadable";
    }
    if (index !== null) {
      this.frames[index.channel === "1hz" ? "index1hz" : "index5hz"]++;
      this.opts.onIndex?.(index, this.opts.clock.now());
      return "good";
    }
    const frame = parseSocketFrame(json);
    switch (frame.type) {
      case "subscribed": {
        const ticker = frame.id === null ? undefined : this.pendingSubs.get(frame.id);
        if (ticker !== undefined && frame.channel === "orderbook_delta") {
          this.pendingSubs.delete(frame.id!);
          const sub = this.books.get(ticker);
          if (sub !== undefined) sub.sid = frame.sid;
        }
        return "good";
      }
      case "orderbook_snapshot": {
        const sub = this.subFor(frame.ticker, frame.sid);
        if (sub === undefined) return "good";
        sub.book.replace(sub.yesPrices ? { yes: frame.book.yes, no: noBidsAtNoPrices(frame.book.no) } : frame.book);
        sub.seq = frame.seq;
        sub.synced = true;
        this.frames.snapshots++;
        this.frames.badLevels += frame.skipped;
        const now = this.opts.clock.now();
        this.opts.onBook(frame.ticker, sub.book.bids(), now, now);
        return "good";
      }
      case "orderbook_delta": {
        const sub = this.subFor(frame.ticker, frame.sid);
        if (sub === undefined || !sub.synced) return "good";
        if (sub.seq === null || frame.seq !== sub.seq + 1) {
          this.frames.seqGaps++;
          this.resync(frame.ticker, sub);
          return "good";
        }
        sub.seq = frame.seq;
        // In YES-leg pricing a NO level's price is the YES price it crosses: the NO bid is 1 − it.
        sub.book.apply(frame.side, sub.yesPrices && frame.side === "no" ? UNITS_PER_DOLLAR - frame.price : frame.price, frame.delta);
        this.frames.deltas++;
        const now = this.opts.clock.now();
        this.opts.onBook(frame.ticker, sub.book.bids(), frame.venueMs !== null ? Math.min(frame.venueMs, now) : now, now);
        return "good";
      }
      case "market_lifecycle_v2":
        if (this.series.some((s) => frame.ticker.startsWith(`${s}-`))) this.opts.onLifecycle?.({ ticker: frame.ticker, eventType: frame.eventType, result: frame.result });
        return "good";
      case "fill":
        this.opts.onFill?.(frame.fill);
        return "good";
      case "error":
        this.frames.serverErrors++;
        this.opts.onError?.(`kalshi ws error ${frame.code}: ${frame.message}`);
        return "alive";
      case "other":
        return "alive";
      case "unreadable": {
        this.frames.parseErrors++;
        this.opts.onError?.(`kalshi ws: unreadable ${frame.frameType} frame: ${frame.reason}`);
        // A book message we could not apply is a lost one: the book is unknown until a fresh snapshot.
        const sub = frame.ticker === null ? undefined : this.books.get(frame.ticker);
        if (sub !== undefined && sub.synced && frame.frameType.startsWith("orderbook_")) this.resync(frame.ticker!, sub);
        return "unreadable";
      }
    }
  }

  private subFor(ticker: string, sid: number): BookSub | undefined {
    const sub = this.books.get(ticker);
    if (sub !== undefined && sub.sid === null) sub.sid = sid;
    return sub;
  }

  /** A missed message: the book is unknown until a fresh snapshot arrives. */
  private resync(ticker: string, sub: BookSub): void {
    sub.synced = false;
    sub.seq = null;
    this.opts.onBookLost?.(ticker);
    if (sub.sid !== null) this.send({ cmd: "update_subscription", params: { sids: [sub.sid], action: "get_snapshot", market_tickers: [ticker] } });
  }
}
