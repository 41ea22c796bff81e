import { type KeyObject, constants, randomUUID, verify } from "node:crypto";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { takerFee } from "../../src/domain/fees.ts";
import { formatDecimal, parseDollars } from "../../src/domain/money.ts";
import { isoUtc, parseTicker } from "../../src/domain/window.ts";
import { type Scheduler, systemScheduler } from "../../src/net/scheduler.ts";

/**
 * A fake Kalshi on 127.0.0.1 speaking the 2026 formats: markets with fixed-point dollar strings,
 * bids-only ascending order books under `orderbook_fp`, V2 orders, signed portfolio endpoints,
 * and a WebSocket with orderbook_snapshot/orderbook_delta (seq), market_lifecycle_v2 and fill.
 * Controls inject what the real one does on a bad day: 429/500 bursts, slow replies, a removed
 * field, late results, a V1-style silent order failure, a sequence gap.
 */

/** `[price, count]` as Kalshi writes them: ["0.4200", "15.00"]. */
export type WireLevel = [string, string];

export interface FakeBook {
  yes: WireLevel[];
  no: WireLevel[];
}

export interface FakeResult {
  result: "yes" | "no";
  expirationValue: string;
  /** GET /markets/{ticker} answers "closed" without a result this many more times first. */
  afterPolls?: number;
}

export interface ReceivedOrder {
  readonly body: Record<string, unknown>;
  readonly signed: boolean;
}

export interface FakeKalshiOptions {
  /** The fake's clock (ms), deciding each market's status; default the wall clock. */
  now?: () => number;
  /** Verify signatures on /portfolio and the WebSocket with this key; without it, any headers pass. */
  publicKey?: KeyObject;
  /** Order books need a signed request (Kalshi's OpenAPI 3.28+): a keyless one answers 401. */
  booksNeedKey?: boolean;
  /** Error bodies as Kalshi writes them since 2026-08: {code, message, details} at the top level. */
  topLevelErrors?: boolean;
  /** The clock of slow replies (and of `now` when not given apart); default the wall clock. */
  scheduler?: Scheduler;
}

export interface FakeKalshi {
  readonly baseUrl: string;
  readonly wsUrl: string;
  /** Every request, in order: method, path (without query), query string. */
  readonly requests: { method: string; path: string; query: string }[];
  readonly orders: ReceivedOrder[];
  /** Commands received on WebSockets. */
  readonly wsCommands: Record<string, unknown>[];
  /** The close code of every WebSocket that ended (1000: a clean goodbye; 1006: dropped). */
  readonly closeCodes: number[];
  /** Rejected signatures (401s). */
  authFailures: number;
  setMarket(ticker: string, fields: Record<string, unknown>): void;
  /** Replaces a market's book (ascending bids), and sends subscribers a fresh snapshot. */
  setBook(ticker: string, book: FakeBook): void;
  setResult(ticker: string, r: FakeResult): void;
  /** The next `count` requests (matching `pathPrefix`) answer this status. */
  failNext(status: number, count: number, pathPrefix?: string): void;
  /** The next `count` requests wait `ms` before answering. */
  slowNext(ms: number, count: number): void;
  /** Market replies omit this field from now on. */
  dropField(name: string): void;
  /** Orders get the retired V1 answer: HTTP 200 with an error and no order. */
  setV1SilentFailure(on: boolean): void;
  /** The balance in cents; with `shards`, also `balance_breakdown` (exchange index → fixed-point dollars). */
  setBalance(cents: number, shards?: Record<number, string>): void;
  /** The next `count` orders are rejected with HTTP 400 and this Kalshi error code. */
  rejectOrders(code: string, count: number): void;
  setPositions(positions: Record<string, unknown>[]): void;
  /** Changes a level and sends an orderbook_delta; `skipSeq` makes its seq jump (a gap). */
  pushDelta(ticker: string, side: "yes" | "no", price: string, delta: number, skipSeq?: boolean): void;
  /** Sends a frame to every WebSocket subscribed to `channel`. */
  pushChannel(channel: string, frame: Record<string, unknown>): void;
  /** Sends raw text to every open WebSocket (malformed frames). */
  pushRaw(text: string): void;
  wsClients(): number;
  /** Resolves when `predicate` holds, checked on every request and WS command; rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

const API = "/trade-api/v2";
const WS_PATH = "/trade-api/ws/v2";
const PRICE_RANGES = [
  { start: "0.0000", end: "0.1000", step: "0.0010" },
  { start: "0.1000", end: "0.9000", step: "0.0100" },
  { start: "0.9000", end: "1.0000", step: "0.0010" },
];

interface Sub {
  sid: number;
  channel: string;
  ticker: string | null;
  seq: number;
  /** The order-book channel's use_yes_price: NO levels in YES-leg prices. */
  yesPrices: boolean;
}

export async function startFakeKalshi(opts: FakeKalshiOptions = {}): Promise<FakeKalshi> {
  const scheduler = opts.scheduler ?? systemScheduler;
  const now = opts.now ?? (() => scheduler.now());
  const markets = new Map<string, Record<string, unknown>>();
  const books = new Map<string, { yes: Map<string, number>; no: Map<string, number> }>();
  const results = new Map<string, FakeResult & { polls: number }>();
  const fills = new Map<string, Record<string, unknown>[]>();
  const failures: { status: number; count: number; prefix: string }[] = [];
  let slow = { ms: 0, count: 0 };
  const dropped = new Set<string>();
  let v1Silent = false;
  let balanceCents = 100_000;
  let shardBalances: Record<number, string> | null = null;
  let rejections = { code: "", count: 0 };
  let positions: Record<string, unknown>[] = [];
  const subs = new Map<WebSocket, Sub[]>();
  let nextSid = 1;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  const requests: FakeKalshi["requests"] = [];
  const orders: ReceivedOrder[] = [];
  const wsCommands: Record<string, unknown>[] = [];
  const closeCodes: number[] = [];

  const bookOf = (ticker: string) => {
    let b = books.get(ticker);
    if (b === undefined) books.set(ticker, (b = { yes: new Map(), no: new Map() }));
    return b;
  };
  const wireLevels = (m: Map<string, number>): WireLevel[] =>
    [...m].filter(([, c]) => c > 0).sort((a, b) => parseDollars(a[0]) - parseDollars(b[0])).map(([p, c]) => [p, c.toFixed(2)]);
  const best = (m: Map<string, number>) => {
    const l = wireLevels(m).at(-1);
    return l ? parseDollars(l[0]) : null;
  };

  function marketJson(ticker: string): Record<string, unknown> | null {
    let closes: readonly number[];
    try {
      closes = parseTicker(ticker).closes;
    } catch {
      return null;
    }
    const close = closes[0]!;
    const open = close - 900;
    const t = now() / 1000;
    const r = results.get(ticker);
    let status = t < open ? "initialized" : t < close ? "active" : "closed";
    let result = "";
    let expiration = "";
    if (status === "closed" && r !== undefined) {
      if (r.polls >= (r.afterPolls ?? 0)) {
        status = "determined";
        result = r.result;
        expiration = r.expirationValue;
      }
      r.polls++;
    }
    const b = bookOf(ticker);
    const yesBid = best(b.yes);
    const noBid = best(b.no);
    const m: Record<string, unknown> = {
      ticker,
      event_ticker: ticker.replace(/-\d{2}$/, ""),
      market_type: "binary",
      title: "BTC price up in next 15 mins?",
      yes_sub_title: "Target Price: $64,839.26",
      open_time: isoUtc(open),
      close_time: isoUtc(close),
      expected_expiration_time: isoUtc(close + 300),
      latest_expiration_time: isoUtc(close + 7 * 86400),
      settlement_timer_seconds: 1,
      status,
      result,
      floor_strike: 64839.26,
      strike_type: "greater_or_equal",
      custom_strike: { round_digits: "2" },
      // New crypto events live on exchange shard 2 since 2026-08-24.
      exchange_index: 2,
      expiration_value: expiration,
      settlement_value_dollars: result === "" ? undefined : result === "yes" ? "1.0000" : "0.0000",
      yes_bid_dollars: formatDecimal(yesBid ?? 0),
      yes_ask_dollars: formatDecimal(noBid === null ? 10_000 : 10_000 - noBid),
      no_bid_dollars: formatDecimal(noBid ?? 0),
      no_ask_dollars: formatDecimal(yesBid === null ? 10_000 : 10_000 - yesBid),
      last_price_dollars: "0.5000",
      volume_fp: "1250.00",
      open_interest_fp: "800.00",
      price_level_structure: "tapered_deci_cent",
      price_ranges: PRICE_RANGES,
      rules_primary: "If the simple average of the sixty seconds of CF Benchmarks' BRTI before the close is at least the simple average before the open, then the market resolves to Yes.",
      ...markets.get(ticker),
    };
    for (const f of dropped) delete m[f];
    return m;
  }

  function verified(method: string, path: string, headers: IncomingMessage["headers"]): boolean {
    const key = headers["kalshi-access-key"];
    const ts = headers["kalshi-access-timestamp"];
    const sig = headers["kalshi-access-signature"];
    if (typeof key !== "string" || typeof ts !== "string" || typeof sig !== "string") return false;
    if (opts.publicKey === undefined) return true;
    return verify("sha256", Buffer.from(ts + method + path), { key: opts.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, Buffer.from(sig, "base64"));
  }

  /** Immediate-or-cancel against the book: a YES bid at p takes NO bids at ≥ 1 − p, best first. */
  function execute(body: Record<string, unknown>) {
    const ticker = String(body.ticker);
    const b = bookOf(ticker);
    const isBid = body.side === "bid";
    const limit = parseDollars(String(body.price));
    let want = Number(body.count);
    const against = isBid ? b.no : b.yes;
    const levels = wireLevels(against).reverse();
    const taken: { yesPrice: number; count: number }[] = [];
    for (const [p, c] of levels) {
      if (want <= 0) break;
      const bid = parseDollars(p);
      const yesPrice = isBid ? 10_000 - bid : bid;
      if (isBid ? yesPrice > limit : yesPrice < limit) break;
      const n = Math.min(want, Number(c));
      taken.push({ yesPrice, count: n });
      against.set(p, Number(c) - n);
      want -= n;
    }
    const side = isBid ? "yes" : "no";
    const filled = taken.reduce((s, x) => s + x.count, 0);
    const paid = taken.map((x) => ({ price: side === "yes" ? x.yesPrice : 10_000 - x.yesPrice, contracts: x.count }));
    const fee = takerFee(paid, 700);
    const orderId = randomUUID();
    fills.set(
      orderId,
      taken.map((x, i) => ({
        fill_id: randomUUID(),
        trade_id: randomUUID(),
        order_id: orderId,
        ticker,
        count_fp: x.count.toFixed(2),
        yes_price_dollars: formatDecimal(x.yesPrice),
        no_price_dollars: formatDecimal(10_000 - x.yesPrice),
        is_taker: true,
        fee_cost: formatDecimal(i === 0 ? fee : 0),
        outcome_side: side,
        book_side: body.side,
        created_time: new Date(now()).toISOString(),
      })),
    );
    const avgYes = filled === 0 ? null : Math.round(taken.reduce((s, x) => s + x.yesPrice * x.count, 0) / filled);
    return {
      order_id: orderId,
      client_order_id: body.client_order_id,
      fill_count: filled.toFixed(2),
      remaining_count: want.toFixed(2),
      ...(avgYes === null ? {} : { average_fill_price: formatDecimal(avgYes), average_fee_paid: (fee / filled / 10_000).toFixed(6) }),
      ts_ms: now(),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      // Since 2026-08 every error carries {code, message, details} at the top level.
      const e = (body as { error?: unknown }).error;
      const top = opts.topLevelErrors && status >= 400 && e !== null && typeof e === "object" ? { ...(e as object), details: {} } : body;
      res.end(JSON.stringify(top));
    };
    let raw = "";
    for await (const chunk of req) raw += chunk;
    requests.push({ method, path: url.pathname, query: url.search });
    notify();
    if (slow.count > 0) {
      slow.count--;
      await new Promise((r) => scheduler.after(slow.ms, () => r(undefined)));
    }
    const failure = failures.find((f) => f.count > 0 && url.pathname.startsWith(API + f.prefix));
    if (failure) {
      failure.count--;
      return send(failure.status, failure.status === 429 ? { error: "too many requests" } : { error: { code: "internal_server_error", message: "internal error" } });
    }
    if (!url.pathname.startsWith(API)) return send(404, { error: { code: "not_found" } });
    const path = url.pathname.slice(API.length);
    if (path.startsWith("/portfolio")) {
      if (!verified(method, url.pathname, req.headers)) {
        fake.authFailures++;
        return send(401, { error: { code: "authentication_error", message: "invalid signature" } });
      }
    }
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/exchange/status") return send(200, { exchange_active: true, trading_active: true });
    if (method === "GET" && (m = /^\/markets\/([^/]+)\/orderbook$/.exec(path))) {
      if (opts.booksNeedKey && !verified(method, url.pathname, req.headers)) {
        fake.authFailures++;
        return send(401, { error: { code: "authentication_error", message: "authentication required" } });
      }
      const b = bookOf(m[1]!);
      const fp: Record<string, WireLevel[]> = {};
      if (b.yes.size) fp.yes_dollars = wireLevels(b.yes);
      if (b.no.size) fp.no_dollars = wireLevels(b.no);
      for (const f of dropped) delete fp[f];
      return send(200, dropped.has("orderbook_fp") ? {} : { orderbook_fp: fp });
    }
    if (method === "GET" && (m = /^\/markets\/([^/]+)$/.exec(path))) {
      const market = marketJson(m[1]!);
      return market === null ? send(404, { error: { code: "not_found", message: "market not found" } }) : send(200, { market });
    }
    if (method === "GET" && path === "/portfolio/balance") {
      const breakdown = shardBalances === null ? {} : { balance_breakdown: Object.entries(shardBalances).map(([i, b]) => ({ exchange_index: Number(i), balance: b })) };
      return send(200, { balance: balanceCents, balance_dollars: formatDecimal(balanceCents * 100), portfolio_value: 0, updated_ts: Math.floor(now() / 1000), ...breakdown });
    }
    if (method === "GET" && path === "/portfolio/positions") return send(200, { market_positions: positions, event_positions: [], cursor: "" });
    if (method === "GET" && path === "/portfolio/fills") return send(200, { fills: fills.get(url.searchParams.get("order_id") ?? "") ?? [], cursor: "" });
    if (method === "POST" && (path === "/portfolio/events/orders" || path === "/portfolio/orders")) {
      const body = JSON.parse(raw || "{}") as Record<string, unknown>;
      orders.push({ body, signed: true });
      notify();
      if (path === "/portfolio/orders") return send(410, { error: { code: "deprecated_v1_order_endpoint", message: "use /portfolio/events/orders" } });
      if (v1Silent) return send(200, { error: { code: "deprecated_v1_order_endpoint", message: "use /portfolio/events/orders" } });
      if (rejections.count > 0) {
        rejections.count--;
        return send(400, { error: { code: rejections.code, message: `order rejected: ${rejections.code}` } });
      }
      return send(201, execute(body));
    }
    return send(404, { error: { code: "not_found", message: `no route ${method} ${path}` } });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      res.writeHead(500);
      res.end(JSON.stringify({ error: { code: "fake_bug", message: e.message } }));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== WS_PATH || !verified("GET", WS_PATH, req.headers)) {
      fake.authFailures++;
      socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws));
  });

  /** NO levels as a subscription asked for them: NO-leg prices, or (use_yes_price) the YES prices they cross at. */
  const noLevels = (sub: Sub, levels: WireLevel[]): WireLevel[] => (sub.yesPrices ? levels.map(([p, c]): WireLevel => [formatDecimal(10_000 - parseDollars(p)), c]).reverse() : levels);
  const snapshotFrame = (sub: Sub) => {
    const b = bookOf(sub.ticker!);
    const msg: Record<string, unknown> = { market_ticker: sub.ticker, market_id: randomUUID() };
    if (b.yes.size) msg.yes_dollars_fp = wireLevels(b.yes);
    if (b.no.size) msg.no_dollars_fp = noLevels(sub, wireLevels(b.no));
    return { type: "orderbook_snapshot", sid: sub.sid, seq: ++sub.seq, msg };
  };

  wss.on("connection", (ws) => {
    subs.set(ws, []);
    notify();
    ws.on("close", (code) => {
      subs.delete(ws);
      closeCodes.push(code);
    });
    ws.on("message", (data) => {
      let cmd: Record<string, unknown>;
      try {
        cmd = JSON.parse(String(data));
      } catch {
        return;
      }
      wsCommands.push(cmd);
      const params = (cmd.params ?? {}) as Record<string, unknown>;
      const mine = subs.get(ws) ?? [];
      if (cmd.cmd === "subscribe") {
        for (const channel of (params.channels as string[]) ?? []) {
          const sub: Sub = { sid: nextSid++, channel, ticker: typeof params.market_ticker === "string" ? params.market_ticker : null, seq: 0, yesPrices: params.use_yes_price === true };
          mine.push(sub);
          ws.send(JSON.stringify({ id: cmd.id, type: "subscribed", msg: { channel, sid: sub.sid } }));
          if (channel === "orderbook_delta" && sub.ticker !== null) ws.send(JSON.stringify(snapshotFrame(sub)));
        }
      } else if (cmd.cmd === "update_subscription" && params.action === "get_snapshot") {
        for (const sub of mine) if ((params.sids as number[] | undefined)?.includes(sub.sid) && sub.ticker !== null) ws.send(JSON.stringify(snapshotFrame(sub)));
      } else if (cmd.cmd === "unsubscribe") {
        subs.set(ws, mine.filter((s) => !(params.sids as number[] | undefined)?.includes(s.sid)));
      }
      notify();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  const fake: FakeKalshi = {
    baseUrl: `http://127.0.0.1:${port}${API}`,
    wsUrl: `ws://127.0.0.1:${port}${WS_PATH}`,
    requests,
    orders,
    wsCommands,
    closeCodes,
    authFailures: 0,
    setMarket: (ticker, fields) => markets.set(ticker, { ...markets.get(ticker), ...fields }),
    setBook(ticker, book) {
      const b = bookOf(ticker);
      b.yes = new Map(book.yes.map(([p, c]) => [p, Number(c)]));
      b.no = new Map(book.no.map(([p, c]) => [p, Number(c)]));
      for (const [ws, list] of subs) for (const sub of list) if (sub.channel === "orderbook_delta" && sub.ticker === ticker) ws.send(JSON.stringify(snapshotFrame(sub)));
    },
    setResult: (ticker, r) => void results.set(ticker, { ...r, polls: 0 }),
    failNext: (status, count, pathPrefix = "") => void failures.push({ status, count, prefix: pathPrefix }),
    slowNext: (ms, count) => void (slow = { ms, count }),
    dropField: (name) => void dropped.add(name),
    setV1SilentFailure: (on) => void (v1Silent = on),
    setBalance(cents, shards) {
      balanceCents = cents;
      shardBalances = shards ?? null;
    },
    rejectOrders: (code, count) => void (rejections = { code, count }),
    setPositions: (p) => void (positions = p),
    pushDelta(ticker, side, price, delta, skipSeq = false) {
      const levels = bookOf(ticker)[side];
      levels.set(price, (levels.get(price) ?? 0) + delta);
      for (const [ws, list] of subs) {
        for (const sub of list) {
          if (sub.channel !== "orderbook_delta" || sub.ticker !== ticker) continue;
          sub.seq += skipSeq ? 2 : 1;
          const d = delta >= 0 ? delta.toFixed(2) : `-${(-delta).toFixed(2)}`;
          const wirePrice = side === "no" && sub.yesPrices ? formatDecimal(10_000 - parseDollars(price)) : price;
          ws.send(JSON.stringify({ type: "orderbook_delta", sid: sub.sid, seq: sub.seq, msg: { market_ticker: ticker, price_dollars: wirePrice, delta_fp: d, side, ts_ms: now() } }));
        }
      }
    },
    pushChannel(channel, frame) {
      for (const [ws, list] of subs) for (const sub of list) if (sub.channel === channel) ws.send(JSON.stringify({ type: channel, sid: sub.sid, ...frame }));
    },
    pushRaw(text) {
      for (const ws of subs.keys()) ws.send(text);
    },
    wsClients: () => subs.size,
    waitFor(predicate, timeoutMs = 10_000, what = "condition") {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate()) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fake Kalshi: timed out waiting for ${what}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const ws of subs.keys()) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
