import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { formatDecimal } from "../../src/domain/money.ts";
import { isoUtc, parseTicker } from "../../src/domain/window.ts";

/**
 * A fake of Kalshi's public history endpoints on 127.0.0.1, in the documented 2026 formats:
 * GET /historical/cutoff ({market_settled_ts, …} ISO times), GET /markets (series_ticker,
 * min_close_ts/max_close_ts, limit, cursor), GET /historical/markets (series_ticker or tickers, limit, cursor),
 * and one-minute candlesticks on both tiers: live ones with `{open,low,high,close}_dollars` and
 * `volume_fp`, historical ones with `{open,low,high,close}` and `volume`. Every 15-minute
 * window of the series has a settled market; it is historical when it settled before the cutoff.
 */
export interface FakeKalshiHistoryOptions {
  readonly series?: string;
  /** market_settled_ts (unix s); null: no /historical/cutoff endpoint (404). */
  readonly cutoff: number | null;
  /** Markets per page, whatever `limit` asks (to exercise the cursor). */
  readonly pageSize?: number;
  /** Markets (by ticker) that have no candles. */
  readonly withoutCandles?: readonly string[];
  /** Historical markets (by ticker) whose candles only the live path serves (the archive 404s). */
  readonly liveCandlesFor?: readonly string[];
  /** The series' first close (unix s): what /historical/markets lists by series_ticker; default two days before the cutoff. */
  readonly seriesStart?: number;
}

export interface FakeKalshiHistory {
  readonly baseUrl: string;
  /** Every request: path and parsed query. */
  readonly requests: { path: string; query: URLSearchParams }[];
  /** The next `count` requests whose path starts with `pathPrefix` (after /trade-api/v2) answer `status`. */
  failNext(status: number, count: number, pathPrefix?: string): void;
  /** What the fake's market closing at `close` is: the expected content of a fetched file. */
  market(close: number): FakeMarket;
  /** The YES bid and ask (dollar strings) at the end of the minute ending `endTs` in the market closing at `close`. */
  quoteAt(close: number, endTs: number): { bid: string; ask: string };
  close(): Promise<void>;
}

export interface FakeMarket {
  readonly ticker: string;
  readonly open: number;
  readonly close: number;
  /** floor_strike, dollars with cents. */
  readonly strike: string;
  readonly result: "yes" | "no";
  readonly expirationValue: string;
}

const API = "/trade-api/v2";
/** Settlement comes a few seconds after the close (Kalshi: median 4 s). */
const SETTLE_SECONDS = 4;

export async function startFakeKalshiHistory(opts: FakeKalshiHistoryOptions): Promise<FakeKalshiHistory> {
  const series = opts.series ?? "KXBTC15M";
  const pageSize = opts.pageSize ?? 1000;
  const noCandles = new Set(opts.withoutCandles ?? []);
  const liveCandles = new Set(opts.liveCandlesFor ?? []);
  const requests: FakeKalshiHistory["requests"] = [];
  const failures: { status: number; count: number; prefix: string }[] = [];

  const market = (close: number): FakeMarket => {
    const k = close / 900;
    const strikeCents = 6_000_000 + (k % 997) * 137;
    const result = k % 3 === 0 ? "no" : "yes";
    const settle = strikeCents + (result === "yes" ? 250 : -250);
    return { ticker: tickerOf(close), open: close - 900, close, strike: (strikeCents / 100).toFixed(2), result, expirationValue: (settle / 100).toFixed(2) };
  };
  const tickerOf = (close: number) => {
    // The module under test computes tickers the same way; here the ticker comes from parsing back, so a mismatch shows.
    const t = isoTicker(series, close);
    if (!parseTicker(t).closes.includes(close)) throw new Error(`fake: bad ticker ${t}`);
    return t;
  };
  const quoteAt = (close: number, endTs: number) => {
    const minute = (endTs - (close - 900)) / 60; // 0 … 15
    const bid = 3000 + (((close / 900) * 7 + minute * 3) % 40) * 100;
    // The last minute shows an empty ask side, as Kalshi writes it.
    return { bid: formatDecimal(bid), ask: minute === 15 ? "1.0000" : formatDecimal(bid + 200) };
  };
  const isHistorical = (m: FakeMarket) => opts.cutoff !== null && m.close + SETTLE_SECONDS < opts.cutoff;
  const closeOfTicker = (ticker: string): number | null => {
    try {
      const p = parseTicker(ticker);
      return p.series === series ? p.closes[0]! : null;
    } catch {
      return null;
    }
  };

  const marketJson = (m: FakeMarket) => ({
    ticker: m.ticker,
    event_ticker: m.ticker.replace(/-\d{2}$/, ""),
    market_type: "binary",
    yes_sub_title: `Target Price: $${m.strike}`,
    open_time: isoUtc(m.open),
    close_time: isoUtc(m.close),
    settlement_ts: isoUtc(m.close + SETTLE_SECONDS),
    status: "finalized",
    result: m.result,
    floor_strike: Number(m.strike),
    strike_type: "greater_or_equal",
    expiration_value: m.expirationValue,
    settlement_value_dollars: m.result === "yes" ? "1.0000" : "0.0000",
    yes_bid_dollars: "0.0000",
    yes_ask_dollars: "1.0000",
    volume_fp: "1520.00",
    price_level_structure: "tapered_deci_cent",
  });

  /** Candles for the minutes ending in [start, end] (Kalshi: "ending on or after start_ts … on or before end_ts"). */
  const candles = (m: FakeMarket, start: number, end: number, historical: boolean) => {
    const out: Record<string, unknown>[] = [];
    if (noCandles.has(m.ticker)) return out;
    for (let t = Math.ceil(start / 60) * 60; t <= end; t += 60) {
      if (t < m.open || t > m.close) continue;
      const q = quoteAt(m.close, t);
      const ohlc = (close: string) => (historical ? { open: close, low: close, high: close, close } : { open_dollars: close, low_dollars: close, high_dollars: close, close_dollars: close });
      const none = historical ? { open: null, low: null, high: null, close: null, mean: null, previous: null } : { open_dollars: null, low_dollars: null, high_dollars: null, close_dollars: null, mean_dollars: null, previous_dollars: null };
      out.push({ end_period_ts: t, yes_bid: ohlc(q.bid), yes_ask: ohlc(q.ask), price: none, ...(historical ? { volume: "3.00", open_interest: "40.00" } : { volume_fp: "3.00", open_interest_fp: "40.00" }) });
    }
    return out;
  };

  const page = (all: FakeMarket[], query: URLSearchParams) => {
    const offset = Number(query.get("cursor") || 0);
    const limit = Math.min(Number(query.get("limit") || 100), pageSize);
    const slice = all.slice(offset, offset + limit);
    return { markets: slice.map(marketJson), cursor: offset + limit < all.length ? String(offset + limit) : "" };
  };

  const route = (path: string, q: URLSearchParams): [number, unknown] => {
    if (path === "/historical/cutoff") {
      if (opts.cutoff === null) return [404, { error: { code: "not_found", message: "not found" } }];
      const iso = isoUtc(opts.cutoff);
      return [200, { market_settled_ts: iso, trades_created_ts: iso, orders_updated_ts: iso }];
    }
    if (path === "/markets") {
      if (q.get("series_ticker") !== series) return [200, { markets: [], cursor: "" }];
      const min = Number(q.get("min_close_ts"));
      const max = Number(q.get("max_close_ts"));
      const all: FakeMarket[] = [];
      for (let c = Math.ceil(min / 900) * 900; c <= max; c += 900) if (!isHistorical(market(c))) all.push(market(c));
      return [200, page(all, q)];
    }
    if (path === "/historical/markets") {
      // Filters are mutually exclusive (Kalshi's reference): by series, every archived market of it, oldest first.
      if (q.has("series_ticker")) {
        if (q.get("series_ticker") !== series || opts.cutoff === null) return [200, { markets: [], cursor: "" }];
        const all: FakeMarket[] = [];
        for (let c = opts.seriesStart ?? Math.floor(opts.cutoff / 900) * 900 - 2 * 86_400; isHistorical(market(c)); c += 900) all.push(market(c));
        return [200, page(all, q)];
      }
      const all = (q.get("tickers") ?? "").split(",").map(closeOfTicker).filter((c): c is number => c !== null).map(market).filter(isHistorical);
      return [200, page(all, q)];
    }
    const live = new RegExp(`^/series/${series}/markets/([^/]+)/candlesticks$`).exec(path);
    const hist = /^\/historical\/markets\/([^/]+)\/candlesticks$/.exec(path);
    const ticker = live?.[1] ?? hist?.[1];
    if (ticker !== undefined) {
      if (q.get("period_interval") !== "1" || !q.get("start_ts") || !q.get("end_ts")) return [400, { error: { code: "bad_request", message: "start_ts, end_ts, period_interval required" } }];
      const close = closeOfTicker(ticker);
      const m = close === null ? null : market(close);
      const servedBy = m === null ? null : isHistorical(m) && !liveCandles.has(m.ticker) ? "historical" : "live";
      if (m === null || servedBy !== (hist ? "historical" : "live")) return [404, { error: { code: "not_found", message: "market not found" } }];
      return [200, { ticker, candlesticks: candles(m, Number(q.get("start_ts")), Number(q.get("end_ts")), Boolean(hist)) }];
    }
    return [404, { error: { code: "not_found", message: "no such endpoint" } }];
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.startsWith(API) ? url.pathname.slice(API.length) : url.pathname;
    requests.push({ path, query: url.searchParams });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const f = failures.find((x) => x.count > 0 && path.startsWith(x.prefix));
    if (f) {
      f.count--;
      return send(f.status, f.status === 429 ? { error: "too many requests" } : { error: { code: "internal_server_error", message: "internal error" } });
    }
    const [status, body] = route(path, url.searchParams);
    send(status, body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}${API}`,
    requests,
    failNext: (status, count, prefix = "") => void failures.push({ status, count, prefix }),
    market,
    quoteAt,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/** The ticker of the window closing at `close`, from the time-zone database (not the code under test). */
function isoTicker(series: string, close: number): string {
  const parts: Record<string, string> = {};
  const f = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hourCycle: "h23", year: "2-digit", month: "numeric", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  for (const p of f.formatToParts(new Date(close * 1000))) parts[p.type] = p.value;
  return `${series}-${parts.year}${MONTHS[Number(parts.month) - 1]}${parts.day}${parts.hour}${parts.minute}-${parts.minute}`;
}
