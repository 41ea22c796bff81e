import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Fake one-minute BTC/USD candle endpoints on 127.0.0.1, as documented: Coinbase Exchange
 * `GET /products/BTC-USD/candles?granularity=60&start&end` (rows `[time, low, high, open, close,
 * volume]` as numbers, newest first, at most 300 or an error) and Kraken `GET /0/public/OHLC`
 * (`{error: [], result: {XXBTZUSD: [[time, open, high, low, close, vwap, volume, count]], last}}`,
 * strings, only the 720 most recent rows, the last one the still-open minute).
 */
export interface FakeCandleVenues {
  readonly coinbaseUrl: string;
  readonly krakenUrl: string;
  /** Requests served, "coinbase /path?query" or "kraken /path?query". */
  readonly requests: string[];
  /** Coinbase answers 503 to everything while true. */
  coinbaseDown: boolean;
  /** The fakes' clock, unix seconds. */
  now: number;
  close(): Promise<void>;
}

/** The fake's BTC price path: a close for every minute. */
export function fakeBtcClose(t: number): number {
  return 60_000 + ((t / 60) % 500) + 0.25;
}

export async function startFakeCandleVenues(now: number): Promise<FakeCandleVenues> {
  const requests: string[] = [];
  const state = { coinbaseDown: false, now };
  const bar = (t: number) => {
    const close = fakeBtcClose(t);
    const open = fakeBtcClose(t - 60);
    return { t, open, high: Math.max(open, close) + 3, low: Math.min(open, close) - 2, close, volume: 1.5 };
  };
  const serve = (name: string, handle: (url: URL) => [number, unknown]) =>
    createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      requests.push(`${name} ${url.pathname}${url.search}`);
      const [status, body] = handle(url);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
  const coinbase = serve("coinbase", (url) => {
    if (state.coinbaseDown) return [503, { message: "service unavailable" }];
    if (url.pathname !== "/products/BTC-USD/candles" || url.searchParams.get("granularity") !== "60") return [404, { message: "NotFound" }];
    const start = Date.parse(url.searchParams.get("start") ?? "") / 1000;
    const end = Date.parse(url.searchParams.get("end") ?? "") / 1000;
    if (!(end > start)) return [400, { message: "start must be before end" }];
    if ((end - start) / 60 > 300) return [400, { message: "granularity too small for the requested time range. Count of aggregations requested exceeds 300" }];
    const rows: number[][] = [];
    for (let t = Math.ceil(start / 60) * 60; t <= end && t + 60 <= state.now; t += 60) {
      const b = bar(t);
      rows.unshift([b.t, b.low, b.high, b.open, b.close, b.volume]);
    }
    return [200, rows];
  });
  const kraken = serve("kraken", (url) => {
    if (url.pathname !== "/0/public/OHLC") return [404, { error: ["EGeneral:Unknown method"], result: {} }];
    const since = Number(url.searchParams.get("since") ?? 0);
    const current = Math.floor(state.now / 60) * 60; // the still-open minute is the last row
    const rows: (string | number)[][] = [];
    for (let t = current - 719 * 60; t <= current; t += 60) {
      if (t <= since) continue;
      const b = bar(t);
      rows.push([t, b.open.toFixed(1), b.high.toFixed(1), b.low.toFixed(1), b.close.toFixed(1), b.close.toFixed(1), "1.50000000", 12]);
    }
    return [200, { error: [], result: { XXBTZUSD: rows, last: rows.at(-1)?.[0] ?? since } }];
  });
  await Promise.all([coinbase, kraken].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
  const url = (s: typeof coinbase) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return {
    coinbaseUrl: url(coinbase),
    krakenUrl: url(kraken),
    requests,
    get coinbaseDown() {
      return state.coinbaseDown;
    },
    set coinbaseDown(v: boolean) {
      state.coinbaseDown = v;
    },
    get now() {
      return state.now;
    },
    set now(v: number) {
      state.now = v;
    },
    close: () => Promise.all([coinbase, kraken].map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
  };
}
