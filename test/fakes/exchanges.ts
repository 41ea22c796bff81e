// Fake exchanges on 127.0.0.1: one HTTP server per exchange serving its REST tickers and candles
// and, on the same port, its WebSocket protocol (subscribe handshake, acknowledgements,
// heartbeats, data frames) as documented in ../shared/docs/feeds-reference.md. Controls let a
// test drop connections, go silent, send garbage, skip sequence numbers, send bad prices and
// refuse connections. Nothing here reaches the internet.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { Socket } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { type Scheduler, type Timer, systemScheduler } from "../../src/net/scheduler.ts";
import { SERIES } from "../../src/domain/series.ts";

export type FakeName = "coinbase" | "binanceus" | "kraken" | "bitstamp";
export const FAKE_NAMES: readonly FakeName[] = ["coinbase", "binanceus", "kraken", "bitstamp"];

// ---- frame builders, in each exchange's documented format (also used by the benchmark) ----

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "123Z"); // microseconds, as Coinbase sends
/** A price as exchanges write it: cents, or five decimals below $10 (XRP). */
const px = (p: number) => (Number.isFinite(p) ? p.toFixed(p < 10 ? 5 : 2) : String(p));

/** Each coin's product on every fake exchange, as the series table says (BTC by default). */
const products = (coin: string) => SERIES.find((s) => s.coin === coin)!.products;

export const frames = {
  coinbaseTicker: (price: number, sequence: number, tradeId: number, timeMs: number, product = "BTC-USD") =>
    JSON.stringify({
      type: "ticker",
      sequence,
      product_id: product,
      price: px(price),
      open_24h: "64100.01",
      volume_24h: "8123.45678901",
      low_24h: "63500.00",
      high_24h: "65999.99",
      volume_30d: "250000.12345678",
      best_bid: px(price - 0.01),
      best_bid_size: "0.41000000",
      best_ask: px(price + 0.01),
      best_ask_size: "0.12000000",
      side: "buy",
      time: iso(timeMs),
      trade_id: tradeId,
      last_size: "0.00123456",
    }),
  coinbaseMatch: (price: number, sequence: number, tradeId: number, timeMs: number, type = "match", product = "BTC-USD") =>
    JSON.stringify({
      type,
      trade_id: tradeId,
      maker_order_id: "ac928c66-ca53-498f-9c13-a110027a60e8",
      taker_order_id: "132fb6ae-456b-4654-b4e0-d681ac05cea1",
      side: "sell",
      size: "0.00123456",
      price: px(price),
      product_id: product,
      sequence,
      time: iso(timeMs),
    }),
  coinbaseHeartbeat: (sequence: number, lastTradeId: number, timeMs: number, product = "BTC-USD") =>
    JSON.stringify({ type: "heartbeat", last_trade_id: lastTradeId, product_id: product, sequence, time: iso(timeMs) }),
  binanceTrade: (price: number, tradeId: number, timeMs: number, symbol = "BTCUSDT") =>
    JSON.stringify({ e: "trade", E: timeMs, s: symbol, t: tradeId, p: px(price), q: "0.00100000", T: timeMs - 1, m: true, M: true }),
  binanceBookTicker: (bid: number, ask: number, updateId: number, symbol = "BTCUSDT") =>
    JSON.stringify({ u: updateId, s: symbol, b: px(bid), B: "0.51000000", a: px(ask), A: "0.20000000" }),
  krakenTicker: (price: number, timeMs: number, type = "update", symbol = "BTC/USD") =>
    JSON.stringify({
      channel: "ticker",
      type,
      data: [
        {
          symbol,
          bid: Math.round((price - 0.05) * 100) / 100,
          bid_qty: 0.5,
          ask: Math.round((price + 0.05) * 100) / 100,
          ask_qty: 1.25,
          last: price,
          volume: 1432.12345678,
          vwap: 64321.5,
          low: 63500.1,
          high: 65999.9,
          change: 123.4,
          change_pct: 0.19,
          timestamp: new Date(timeMs).toISOString(),
        },
      ],
    }),
  krakenHeartbeat: () => '{"channel":"heartbeat"}',
  krakenStatus: () => JSON.stringify({ channel: "status", type: "update", data: [{ api_version: "v2", connection_id: 1234567890, system: "online", version: "2.0.10" }] }),
  bitstampTrade: (price: number, id: number, timeMs: number, pair = "btcusd") =>
    JSON.stringify({
      data: { id, timestamp: String(Math.floor(timeMs / 1000)), amount: 0.00123, amount_str: "0.00123000", price: Number(px(price)), price_str: px(price), type: 0, microtimestamp: String(timeMs * 1000), buy_order_id: 1700000000000001, sell_order_id: 1700000000000002 },
      channel: `live_trades_${pair}`,
      event: "trade",
    }),
};

// ---- one fake exchange ----

export interface FakeExchangeOptions {
  /** Heartbeat period of exchanges that send one (Coinbase, Kraken). */
  heartbeatMs?: number;
  /** Starting price. */
  price?: number;
  /** The clock of its frames, heartbeats and ticks (default the wall clock). */
  scheduler?: Scheduler;
}

/** What the REST history endpoints (candles, trades, OHLC) serve: a price for every second up to `nowMs`. */
export interface FakeHistory {
  nowMs: number;
  priceAt: (second: number) => number;
  /** How many seconds of trades (one a second) the trades endpoint returns. */
  tradeSeconds: number;
}

export class FakeExchange {
  /** Each coin's price ("BTC" first); `price` is Bitcoin's. */
  readonly prices = new Map<string, number>();
  /** WebSocket connections accepted so far. */
  connections = 0;
  /** Every message clients sent, in order. */
  readonly received: string[] = [];
  /** REST requests served (path and query). */
  readonly requests: string[] = [];
  /** The close code of every connection that ended (1000: the client said goodbye; 1006: it dropped). */
  readonly closeCodes: number[] = [];
  /** Each coin's history for the REST endpoints; `history` is Bitcoin's. */
  readonly histories = new Map<string, FakeHistory>();
  private silent = false;
  private refusing = false;
  private restFailing = false;
  private restHanging = false;
  /** Binance.US: the coins whose book ticker a SUBSCRIBE asked for. */
  private readonly bookTickers = new Set<string>();
  private sequence = 1000;
  private tradeId = 5000;
  /** Each subscribed socket and the coins it asked for. */
  private readonly subscribed = new Map<WebSocket, Set<string>>();
  private readonly sockets = new Set<WebSocket>();
  private readonly rawSockets = new Set<Socket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private heartbeat: Timer | null = null;
  private readonly scheduler: Scheduler;
  /** Binance.US: the coin of the raw stream named in the URL. */
  private rawStreamCoin = "BTC";
  private constructor(readonly name: FakeName, private readonly server: Server, private readonly opts: FakeExchangeOptions) {
    this.prices.set("BTC", opts.price ?? 65_000);
    this.scheduler = opts.scheduler ?? systemScheduler;
  }

  get price(): number {
    return this.prices.get("BTC")!;
  }

  set price(p: number) {
    this.prices.set("BTC", p);
  }

  get history(): FakeHistory | null {
    return this.histories.get("BTC") ?? null;
  }

  set history(h: FakeHistory | null) {
    if (h === null) this.histories.delete("BTC");
    else this.histories.set("BTC", h);
  }

  static async start(name: FakeName, opts: FakeExchangeOptions = {}): Promise<FakeExchange> {
    const server = createServer();
    const fake = new FakeExchange(name, server, opts);
    server.on("request", (req, res) => fake.onRequest(req, res));
    server.on("connection", (s) => {
      fake.rawSockets.add(s);
      s.on("close", () => fake.rawSockets.delete(s));
    });
    server.on("upgrade", (req, socket, head) => fake.onUpgrade(req, socket as Socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake.heartbeat = fake.scheduler.every(opts.heartbeatMs ?? 1000, () => fake.sendHeartbeats());
    return fake;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === "object" && a ? a.port : 0;
  }

  /** The URL the feeds config should use for this exchange's WebSocket. */
  get wsUrl(): string {
    const base = `ws://127.0.0.1:${this.port}`;
    return this.name === "binanceus" ? `${base}/ws/btcusdt@trade` : this.name === "kraken" ? `${base}/v2` : base;
  }

  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Sockets open now. */
  openSockets(): number {
    return this.sockets.size;
  }

  /** Sockets that have subscribed (Binance.US: connected to a raw stream). */
  subscribers(): number {
    return this.subscribed.size;
  }

  /** Sets a coin's price (Bitcoin's by default) and sends it to its subscribers as the exchange's data frames. */
  setPrice(p: number, coin = "BTC"): void {
    this.prices.set(coin, p);
    this.tickCoin(coin);
  }

  /** Sends every coin's current price again (a new trade at the same price). */
  tick(): void {
    for (const coin of this.prices.keys()) this.tickCoin(coin);
  }

  /** Stops (or resumes) one coin's frames and heartbeats while the others go on: a product halted on the exchange. */
  mute(coin: string, on: boolean): void {
    if (on) this.muted.add(coin);
    else this.muted.delete(coin);
  }

  private readonly muted = new Set<string>();

  private tickCoin(coin: string): void {
    if (this.silent || this.muted.has(coin)) return;
    for (const f of this.dataFrames(this.prices.get(coin)!, coin)) this.broadcast(f, coin);
  }

  /** Sends a price as data frames without making it the price REST serves (bad prices, jumps). */
  sendPrice(p: number, coin = "BTC"): void {
    for (const f of this.dataFrames(p, coin)) this.broadcast(f, coin);
  }

  /** Sends text as it is to every subscriber (garbage, truncated frames, unknown types). */
  sendRaw(text: string): void {
    this.broadcast(text);
  }

  /** Closes every connection abruptly, as a crashing server or a network drop would. */
  drop(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** Stops all heartbeats and data while keeping sockets open (a stalled server). */
  silence(on: boolean): void {
    this.silent = on;
  }

  /** Rejects new WebSocket connections with HTTP 503 (and closes the open ones if `dropOpen`). */
  refuse(on: boolean, dropOpen = true): void {
    this.refusing = on;
    if (on && dropOpen) this.drop();
  }

  /** REST endpoints answer 503. */
  restDown(on: boolean): void {
    this.restFailing = on;
  }

  /** REST endpoints never answer (a stalled server). */
  restHang(on: boolean): void {
    this.restHanging = on;
  }

  /** Coinbase: skip `n` trade ids and sequence numbers, as a dropped message would. */
  gap(n: number): void {
    this.sequence += n;
    this.tradeId += n;
  }

  /** Bitstamp: ask clients to reconnect. */
  requestReconnect(): void {
    this.broadcast(JSON.stringify({ event: "bts:request_reconnect", channel: "", data: "" }));
  }

  async close(): Promise<void> {
    this.heartbeat?.cancel();
    for (const ws of this.sockets) ws.terminate();
    for (const s of this.rawSockets) s.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** To every subscriber, or with `coin` only to those that asked for it. */
  private broadcast(text: string, coin?: string): void {
    for (const [ws, coins] of this.subscribed) if (ws.readyState === ws.OPEN && (coin === undefined || coins.has(coin))) ws.send(text);
  }

  /** Coinbase numbers each product's messages apart (sequence and trade ids). */
  private readonly seqs = new Map<string, { sequence: number; tradeId: number }>();

  private seqOf(coin: string): { sequence: number; tradeId: number } {
    if (coin === "BTC") return this as unknown as { sequence: number; tradeId: number };
    let s = this.seqs.get(coin);
    if (s === undefined) this.seqs.set(coin, (s = { sequence: 1000, tradeId: 5000 }));
    return s;
  }

  private dataFrames(p: number, coin = "BTC"): string[] {
    const now = this.scheduler.now();
    const pr = products(coin);
    switch (this.name) {
      case "coinbase": {
        const s = this.seqOf(coin);
        const id = ++s.tradeId;
        const m = frames.coinbaseMatch(p, ++s.sequence, id, now, "match", pr.coinbase);
        return [m, frames.coinbaseTicker(p, s.sequence, id, now, pr.coinbase)];
      }
      case "binanceus": {
        const sym = pr.binanceus.toUpperCase();
        const book = this.bookTickers.has(coin) ? [frames.binanceBookTicker(p - 0.01, p + 0.01, ++this.sequence, sym)] : [];
        return [frames.binanceTrade(p, ++this.tradeId, now, sym), ...book];
      }
      case "kraken":
        return [frames.krakenTicker(p, now, "update", pr.kraken)];
      case "bitstamp":
        return [frames.bitstampTrade(p, ++this.tradeId, now, pr.bitstamp)];
    }
  }

  private sendHeartbeats(): void {
    if (this.silent) return;
    const now = this.scheduler.now();
    if (this.name === "coinbase") {
      for (const coin of this.prices.keys()) {
        if (this.muted.has(coin)) continue;
        const s = this.seqOf(coin);
        this.broadcast(frames.coinbaseHeartbeat(++s.sequence, s.tradeId, now, products(coin).coinbase), coin);
      }
    } else if (this.name === "kraken") this.broadcast(frames.krakenHeartbeat());
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    if (this.refusing) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    const path = req.url ?? "/";
    const raw = /^\/ws\/([a-z]+)@trade$/.exec(path)?.[1];
    const rawCoin = SERIES.find((s) => s.products.binanceus === raw)?.coin;
    if (rawCoin !== undefined) this.rawStreamCoin = rawCoin;
    const ok = this.name === "binanceus" ? rawCoin !== undefined : this.name === "kraken" ? path === "/v2" : true;
    if (!ok) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    this.connections++;
    this.sockets.add(ws);
    ws.on("close", (code) => {
      this.closeCodes.push(code);
      this.sockets.delete(ws);
      this.subscribed.delete(ws);
    });
    ws.on("error", () => {});
    ws.on("message", (data) => this.onClientMessage(ws, data.toString()));
    if (this.name === "kraken") ws.send(frames.krakenStatus());
    if (this.name === "binanceus") this.subscribed.set(ws, new Set([this.rawStreamCoin])); // a raw stream needs no subscribe
  }

  private onClientMessage(ws: WebSocket, text: string): void {
    this.received.push(text);
    if (this.silent) return;
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const now = this.scheduler.now();
    const subscribe = (coin: string) => {
      const set = this.subscribed.get(ws) ?? new Set<string>();
      set.add(coin);
      this.subscribed.set(ws, set);
      if (!this.prices.has(coin)) this.prices.set(coin, this.price);
    };
    const coinWhere = (f: (p: ReturnType<typeof products>) => string, v: unknown) => SERIES.find((x) => f(x.products) === v)?.coin;
    switch (this.name) {
      case "coinbase":
        if (m.type === "subscribe") {
          ws.send(JSON.stringify({ type: "subscriptions", channels: (m.channels as string[]).map((name) => ({ name, product_ids: m.product_ids })) }));
          for (const product of m.product_ids as string[]) {
            const coin = coinWhere((p) => p.coinbase, product);
            if (coin === undefined) continue;
            subscribe(coin);
            const s = this.seqOf(coin);
            ws.send(frames.coinbaseMatch(this.prices.get(coin)!, ++s.sequence, s.tradeId, now, "last_match", product));
            ws.send(frames.coinbaseTicker(this.prices.get(coin)!, s.sequence, s.tradeId, now, product));
          }
        }
        break;
      case "binanceus":
        if (m.method === "SUBSCRIBE") {
          for (const stream of m.params as string[]) {
            const [sym, kind] = stream.split("@") as [string, string];
            const coin = coinWhere((p) => p.binanceus, sym);
            if (coin === undefined) continue;
            subscribe(coin);
            if (kind === "bookTicker") this.bookTickers.add(coin);
          }
          ws.send(JSON.stringify({ result: null, id: m.id }));
        }
        break;
      case "kraken": {
        if (m.method === "ping") ws.send(JSON.stringify({ method: "pong", req_id: m.req_id, time_in: iso(now), time_out: iso(now) }));
        if (m.method !== "subscribe") break;
        const params = m.params as { channel: string; symbol: string[]; event_trigger?: string };
        // One acknowledgement per symbol, as Kraken's v2 sends them.
        for (const symbol of params.symbol) {
          const coin = coinWhere((p) => p.kraken, symbol);
          if (coin === undefined) {
            ws.send(JSON.stringify({ error: `Currency pair not supported ${symbol}`, method: "subscribe", success: false, symbol, time_in: iso(now), time_out: iso(now), req_id: m.req_id }));
            continue;
          }
          ws.send(JSON.stringify({ method: "subscribe", result: { channel: params.channel, event_trigger: params.event_trigger, snapshot: true, symbol }, success: true, time_in: iso(now), time_out: iso(now), req_id: m.req_id }));
          subscribe(coin);
          ws.send(frames.krakenTicker(this.prices.get(coin)!, now, "snapshot", symbol));
        }
        break;
      }
      case "bitstamp":
        if (m.event === "bts:heartbeat") ws.send(JSON.stringify({ event: "bts:heartbeat", channel: "", data: { status: "success" } }));
        if (m.event === "bts:subscribe") {
          const channel = (m.data as { channel: string }).channel;
          ws.send(JSON.stringify({ event: "bts:subscription_succeeded", channel, data: {} }));
          const coin = coinWhere((p) => `live_trades_${p.bitstamp}`, channel);
          if (coin !== undefined) subscribe(coin);
        }
        break;
    }
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    this.requests.push(url.pathname + url.search);
    if (this.restHanging) return; // never answered; the client's timeout must end it
    if (this.restFailing) return reply(res, 503, { message: "service unavailable" });
    // The coin a request is about: Coinbase names the product in the path, the others in a query or the path's end.
    const byPath = /^\/products\/([A-Z]+-USD)\//.exec(url.pathname)?.[1];
    const coin =
      (this.name === "coinbase" && byPath ? SERIES.find((x) => x.products.coinbase === byPath)?.coin : undefined) ??
      (this.name === "binanceus" ? SERIES.find((x) => x.products.binanceus.toUpperCase() === url.searchParams.get("symbol"))?.coin : undefined) ??
      (this.name === "kraken" ? SERIES.find((x) => x.products.krakenRest === url.searchParams.get("pair"))?.coin : undefined) ??
      (this.name === "bitstamp" ? SERIES.find((x) => url.pathname === `/api/v2/ticker/${x.products.bitstamp}/`)?.coin : undefined) ??
      "BTC";
    const pr = products(coin);
    const p = this.prices.get(coin) ?? this.price;
    // Kraken keys replies by its canonical pair name.
    const krakenKey = coin === "BTC" ? "XXBTZUSD" : coin === "ETH" ? "XETHZUSD" : coin === "XRP" ? "XXRPZUSD" : `${coin}USD`;
    const h = this.histories.get(coin) ?? null;
    const route = `${this.name} ${url.pathname.replace(pr.coinbase, "{product}").replace(`/ticker/${pr.bitstamp}/`, "/ticker/{pair}/")}`;
    switch (route) {
      case "coinbase /products/{product}/ticker":
        return reply(res, 200, { ask: px(p + 0.01), bid: px(p - 0.01), volume: "8123.45678901", trade_id: this.tradeId, price: px(p), size: "0.001", time: new Date(this.scheduler.now()).toISOString(), rfq_volume: "0" });
      case "coinbase /products/{product}/candles": {
        if (!h) return reply(res, 200, []);
        const start = Date.parse(url.searchParams.get("start") ?? "") / 1000;
        const end = Math.min(Date.parse(url.searchParams.get("end") ?? "") / 1000, Math.floor(h.nowMs / 60_000) * 60);
        const rows: number[][] = [];
        for (let t = Math.floor(start / 60) * 60; t + 60 <= end; t += 60) rows.unshift([t, h.priceAt(t) * 0.9999, h.priceAt(t) * 1.0001, h.priceAt(t), h.priceAt(t + 59), 1.5]);
        return reply(res, 200, rows.slice(0, 300));
      }
      case "coinbase /products/{product}/trades": {
        if (!h) return reply(res, 200, []);
        const last = Math.floor(h.nowMs / 1000) - 1;
        const out = [];
        for (let s = last; s > last - h.tradeSeconds; s--) out.push({ time: new Date(s * 1000 + 250).toISOString(), trade_id: s, price: px(h.priceAt(s)), size: "0.001", side: "buy" });
        return reply(res, 200, out);
      }
      case "binanceus /api/v3/ticker/price":
        return reply(res, 200, { symbol: pr.binanceus.toUpperCase(), price: p.toFixed(8) });
      case "kraken /0/public/Ticker":
        return reply(res, 200, { error: [], result: { [krakenKey]: { a: [px(p + 0.05), "1", "1.000"], b: [px(p - 0.05), "2", "2.000"], c: [px(p), "0.001"], v: ["1", "2"], p: ["1", "2"], t: [1, 2], l: ["1", "2"], h: ["1", "2"], o: px(p) } } });
      case "kraken /0/public/OHLC": {
        if (!h) return reply(res, 200, { error: [], result: { [krakenKey]: [], last: 0 } });
        const since = Number(url.searchParams.get("since") ?? 0);
        const rows = [];
        for (let t = Math.floor(since / 60) * 60; t <= h.nowMs / 1000; t += 60) rows.push([t, px(h.priceAt(t)), "0", "0", px(h.priceAt(Math.min(t + 59, Math.floor(h.nowMs / 1000)))), "0", "1.0", 10]);
        return reply(res, 200, { error: [], result: { [krakenKey]: rows, last: rows.at(-1)?.[0] ?? 0 } });
      }
      case "bitstamp /api/v2/ticker/{pair}/":
        return reply(res, 200, { last: px(p), bid: px(p - 0.5), ask: px(p + 0.5), timestamp: String(Math.floor(this.scheduler.now() / 1000)) });
      default:
        return reply(res, 404, { message: "NotFound" });
    }
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

// ---- all four together ----

export interface FakeExchanges {
  readonly exchanges: Record<FakeName, FakeExchange>;
  /**
   * A partial feeds configuration (merge it over the defaults, e.g. `feedsConfigSchema.parse(...)`)
   * pointing every WebSocket and REST URL at the fakes, with short timings so that faults show
   * within a second.
   */
  readonly feedsConfig: FakeFeedsConfig;
  /** Sets a coin's price (Bitcoin's by default) on every exchange (Binance.US quotes it as USDT at par). */
  setPrice(p: number, coin?: string): void;
  close(): Promise<void>;
}

export interface FakeFeedsConfig {
  stalenessMs: number;
  superviseIntervalMs: number;
  failover: { switchDeadlineMs: number; failbackAfterMs: number };
  connection: { handshakeTimeoutMs: number; pingIntervalMs: number; backoffBaseMs: number; backoffMaxMs: number };
  rest: { pollIntervalMs: number; timeoutMs: number };
  warmStart: { timeoutMs: number };
  coinbase: { wsUrl: string; restUrl: string; quietTimeoutMs: number };
  binanceus: { wsUrl: string; restUrl: string; quietTimeoutMs: number };
  kraken: { wsUrl: string; restUrl: string; quietTimeoutMs: number };
  bitstamp: { wsUrl: string; restUrl: string; quietTimeoutMs: number };
}

export interface StartFakeExchangesOptions extends FakeExchangeOptions {
  /** Every exchange sends its current price this often (0: only on setPrice/tick). Default 100 ms. */
  tickMs?: number;
}

/** Starts the four fake exchanges on ephemeral ports of 127.0.0.1. */
export async function startFakeExchanges(opts: StartFakeExchangesOptions = {}): Promise<FakeExchanges> {
  const heartbeatMs = opts.heartbeatMs ?? 200;
  const list = await Promise.all(FAKE_NAMES.map((n) => FakeExchange.start(n, { ...opts, heartbeatMs })));
  const exchanges = Object.fromEntries(list.map((f) => [f.name, f])) as Record<FakeName, FakeExchange>;
  const tickMs = opts.tickMs ?? 100;
  const ticker = tickMs > 0 ? (opts.scheduler ?? systemScheduler).every(tickMs, () => list.forEach((f) => f.tick())) : null;
  const urls = (f: FakeExchange) => ({ wsUrl: f.wsUrl, restUrl: f.restUrl, quietTimeoutMs: 1000 });
  return {
    exchanges,
    feedsConfig: {
      stalenessMs: 600,
      superviseIntervalMs: 50,
      failover: { switchDeadlineMs: 1000, failbackAfterMs: 800 },
      connection: { handshakeTimeoutMs: 1000, pingIntervalMs: 250, backoffBaseMs: 50, backoffMaxMs: 400 },
      rest: { pollIntervalMs: 100, timeoutMs: 1000 },
      warmStart: { timeoutMs: 2000 },
      coinbase: urls(exchanges.coinbase),
      binanceus: urls(exchanges.binanceus),
      kraken: urls(exchanges.kraken),
      bitstamp: urls(exchanges.bitstamp),
    },
    setPrice: (p, coin) => list.forEach((f) => f.setPrice(p, coin)),
    close: async () => {
      ticker?.cancel();
      await Promise.all(list.map((f) => f.close()));
    },
  };
}
