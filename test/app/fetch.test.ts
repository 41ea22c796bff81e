import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JsonGetter } from "../../src/app/commands/fetch/http-json.ts";
import { FetchError, type FetchSummary, runFetch } from "../../src/app/commands/fetch/run-fetch.ts";
import { formatFetchSummary } from "../../src/app/commands/fetch/summary.ts";
import { FetchProgress } from "../../src/app/commands/fetch/progress.ts";
import { parseConfig } from "../../src/config/load.ts";
import type { AppConfig } from "../../src/config/schema.ts";
import { parseDollars } from "../../src/domain/money.ts";
import { isQuote } from "../../src/domain/quote.ts";
import { windowClosingAt } from "../../src/domain/window.ts";
import { RecordedMarket } from "../../src/engine/recorded-market.ts";
import { BarCsvParser } from "../../src/history/bars-csv.ts";
import { readQuoteFiles } from "../../src/history/quote-files.ts";
import { type FakeCandleVenues, fakeBtcClose, startFakeCandleVenues } from "../fakes/btc-candles.ts";
import { type FakeKalshiHistory, startFakeKalshiHistory } from "../fakes/kalshi-history.ts";
import { ScriptedClock, testClient } from "../kalshi/helpers.ts";
import { createServer } from "node:net";

/** A loopback URL where nothing listens (a port just freed), so connecting is refused. */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const DAY = 86_400;
const D1 = Date.UTC(2026, 2, 11) / 1000; // 2026-03-11, archived: before the cutoff
const D2 = D1 + DAY; // 2026-03-12, on the live tier
const D3 = D2 + DAY;
const NOW = (D3 + 2 * 3600) * 1000; // 2026-03-13 02:00: D1 and D2 are over, D3 is not

const tmp = () => mkdtempSync(join(tmpdir(), "btc15-fetch-"));
const quiet = () => new JsonGetter({ timeoutMs: 5_000, maxRetries: 1, backoffBaseMs: 1, backoffMaxMs: 1, requestsPerSecond: 10_000 });

function config(kalshiUrl: string, venues: FakeCandleVenues, over: Record<string, unknown> = {}): AppConfig {
  return parseConfig({
    kalshi: { baseUrl: kalshiUrl, rateLimit: { readTokensPerSecond: 100_000 }, backoff: { baseMs: 10, maxMs: 100, maxRetries: 4 } },
    feeds: { coinbase: { restUrl: venues.coinbaseUrl }, kraken: { restUrl: venues.krakenUrl } },
    ...over,
  });
}

function bars(path: string): number[][] {
  const out: number[][] = [];
  const p = new BarCsvParser("btc.csv", (...b) => out.push(b));
  p.push(readFileSync(path, "utf8"));
  p.end();
  expect(p.counters.skipped).toBe(0);
  return out;
}

describe("btc15 fetch against loopback Kalshi, Coinbase and Kraken", () => {
  let kalshi: FakeKalshiHistory;
  let venues: FakeCandleVenues;
  const out = tmp();
  let first: FetchSummary;

  beforeAll(async () => {
    kalshi = await startFakeKalshiHistory({ cutoff: D2, pageSize: 7 });
    venues = await startFakeCandleVenues(NOW / 1000);
    first = await runFetch({ from: D1, to: D3, series: "KXBTC15M", outDir: out, config: config(kalshi.baseUrl, venues), now: () => NOW }, { http: quiet() });
  });
  afterAll(async () => {
    await kalshi.close();
    await venues.close();
  });

  it("writes one quote file per UTC day that the quote reader reads: every market, one quote a minute, official strike and result", async () => {
    expect(first.quotes).toMatchObject({ written: ["2026-03-11", "2026-03-12"], already_complete: 0, markets: 192, historical_markets: 96, rows: 192 * 15, markets_without_candles: 0, skipped: 0 });
    const files = [join(out, "kalshi", "KXBTC15M_2026-03-11.csv"), join(out, "kalshi", "KXBTC15M_2026-03-12.csv")];
    const history = await readQuoteFiles(files);
    expect(history.stats).toMatchObject({ tickers: 192, quotes: 192 * 15, skipped: 0, results: 192, assumed: 0, assumedSpreadCents: null, reordered: 0 });
    for (const close of [D1 + 900, D2 + 12 * 900]) {
      const m = kalshi.market(close);
      const rows = history.quotes.get(m.ticker)!;
      // The candle ending at the open (the minute before it) is not a quote of this window.
      expect(rows.map((r) => r.t)).toEqual(Array.from({ length: 15 }, (_, i) => m.open + 60 * (i + 1)));
      expect(rows[0]).toEqual({ t: m.open + 60, bid: parseDollars(kalshi.quoteAt(close, m.open + 60).bid), ask: parseDollars(kalshi.quoteAt(close, m.open + 60).ask), assumed: false });
      expect(rows.at(-1)!.ask).toBeNull(); // Kalshi's "1.0000": nothing offered
      expect(history.markets.get(m.ticker)).toEqual({ ticker: m.ticker, result: m.result, strikeCents: Math.round(Number(m.strike) * 100), settlementCents: Math.round(Number(m.expirationValue) * 100), openTs: m.open, closeTs: m.close });
    }
    // And the recorded market quotes them: the minute's quote holds until the next minute's.
    const market = new RecordedMarket(history);
    const w = windowClosingAt(D2 + 12 * 900);
    const quote = market.quote(w.open + 90, w, 0.5);
    expect(isQuote(quote) && quote.yes.bid).toBe(parseDollars(kalshi.quoteAt(w.close, w.open + 60).bid));
    expect(market.officialResult(w, w.close)).toBe(kalshi.market(w.close).result);
  });

  it("asks the historical tier for archived days and the live tier after the cutoff, following the cursor", () => {
    expect(first.cutoff).toBe("2026-03-12T00:00:00Z");
    const paths = kalshi.requests.map((r) => r.path);
    const archivedLists = kalshi.requests.filter((r) => r.path === "/historical/markets");
    const liveLists = kalshi.requests.filter((r) => r.path === "/markets");
    // 96 markets a day, 7 a page: 14 pages for the live day; the archive is listed once by series
    // (the fake's holds the two days before the cutoff: 192 markets, 28 pages), each page's cursor passed on.
    expect(archivedLists.length).toBe(28);
    expect(liveLists.length).toBe(14);
    expect(liveLists.map((r) => r.query.get("cursor"))).toEqual([null, ...Array.from({ length: 13 }, (_, i) => String(7 * (i + 1)))]);
    expect(liveLists[0]!.query.get("series_ticker")).toBe("KXBTC15M");
    expect(archivedLists.map((r) => r.query.get("series_ticker"))).toEqual(Array(28).fill("KXBTC15M"));
    expect(archivedLists.some((r) => r.query.has("tickers"))).toBe(false);
    const archivedCandles = paths.filter((p) => p.startsWith("/historical/markets/"));
    const liveCandles = paths.filter((p) => p.startsWith("/series/KXBTC15M/markets/"));
    expect(archivedCandles.length).toBe(96);
    expect(liveCandles.length).toBe(96);
    expect(archivedCandles).toContain(`/historical/markets/${kalshi.market(D1 + 900).ticker}/candlesticks`);
    expect(liveCandles).toContain(`/series/KXBTC15M/markets/${kalshi.market(D2 + 900).ticker}/candlesticks`);
    const candleQuery = kalshi.requests.find((r) => r.path.endsWith("/candlesticks"))!.query;
    expect(candleQuery.get("period_interval")).toBe("1");
    expect(first.requests.kalshi).toBe(1 + 28 + 14 + 192);
  });

  it("writes each day's BTC/USD minutes from Coinbase in the backtest's price format, sorted", () => {
    expect(first.btc).toMatchObject({ written: ["2026-03-11", "2026-03-12"], partial: [], failed: [], rows: 2 * 1440 });
    const rows = bars(join(out, "btc", "btcusd_1m_2026-03-11.csv"));
    expect(rows.length).toBe(1440);
    expect(rows[0]).toEqual([D1, fakeBtcClose(D1 - 60), fakeBtcClose(D1) + 3, Math.min(fakeBtcClose(D1 - 60), fakeBtcClose(D1)) - 2, fakeBtcClose(D1)]);
    expect(rows.at(-1)![0]).toBe(D2 - 60);
    expect(readFileSync(join(out, "btc", "btcusd_1m_2026-03-11.csv"), "utf8").split("\n")[0]).toBe("timestamp_unix_seconds,open,high,low,close,volume");
    // At most 300 candles a request: a day takes six 240-minute requests.
    expect(venues.requests.filter((r) => r.startsWith("coinbase")).length).toBe(12);
  });

  it("resumes: a second run asks for nothing that is complete on disk, and fetches only what is missing", async () => {
    const before = kalshi.requests.length;
    const venueBefore = venues.requests.length;
    const again = await runFetch({ from: D1, to: D3, series: "KXBTC15M", outDir: out, config: config(kalshi.baseUrl, venues), now: () => NOW }, { http: quiet() });
    expect(kalshi.requests.length).toBe(before);
    expect(venues.requests.length).toBe(venueBefore);
    expect(again.quotes).toMatchObject({ written: [], already_complete: 2 });
    expect(again.btc).toMatchObject({ written: [], already_complete: 2 });

    const d2quotes = readFileSync(join(out, "kalshi", "KXBTC15M_2026-03-12.csv"), "utf8");
    rmSync(join(out, "kalshi", "KXBTC15M_2026-03-12.csv"));
    rmSync(join(out, "btc", "btcusd_1m_2026-03-11.csv"));
    const third = await runFetch({ from: D1, to: D3, series: "KXBTC15M", outDir: out, config: config(kalshi.baseUrl, venues), now: () => NOW }, { http: quiet() });
    expect(third.quotes.written).toEqual(["2026-03-12"]);
    expect(third.btc.written).toEqual(["2026-03-11"]);
    const asked = kalshi.requests.slice(before).map((r) => r.path);
    const completeDay = Array.from({ length: 96 }, (_, i) => kalshi.market(D1 + i * 900).ticker);
    expect(asked.filter((p) => completeDay.some((t) => p.includes(t)))).toEqual([]); // nothing about the complete day
    expect(asked.filter((p) => p.endsWith("/candlesticks")).length).toBe(96);
    expect(readFileSync(join(out, "kalshi", "KXBTC15M_2026-03-12.csv"), "utf8")).toBe(d2quotes);
  });

  it("rides out 429s (no Retry-After) with backoff and still writes the same files", async () => {
    const dir = tmp();
    kalshi.failNext(429, 3, "/series/");
    kalshi.failNext(429, 2, "/historical/markets");
    // The backoff is waited on a test clock: each wait is counted, none slept.
    const waits: number[] = [];
    const client = testClient(kalshi.baseUrl, { maxRetries: 4, backoffBaseMs: 500, backoffMaxMs: 8_000, wait: async (ms) => void waits.push(ms) });
    const s = await runFetch({ from: D1, to: D3, series: "KXBTC15M", outDir: dir, config: config(kalshi.baseUrl, venues), now: () => NOW }, { kalshi: client, http: quiet() });
    expect(waits).toHaveLength(5);
    expect(waits.every((ms) => ms > 0 && ms <= 8_000)).toBe(true);
    expect(s.requests).toMatchObject({ kalshi_rate_limited: 5, kalshi_retries: 5, kalshi: 1 + 28 + 14 + 192 + 5 });
    for (const f of ["KXBTC15M_2026-03-11.csv", "KXBTC15M_2026-03-12.csv"]) expect(readFileSync(join(dir, "kalshi", f), "utf8")).toBe(readFileSync(join(out, "kalshi", f), "utf8"));
    expect(formatFetchSummary(s)).toMatch(/Kalshi 240 \(5 answered 429, 5 retried\)/);
  });

  it("paces Kalshi requests under the configured token bucket", async () => {
    const clock = new ScriptedClock(0);
    let waited = 0;
    // 20 tokens a second at 10 a request: two requests a second.
    const client = testClient(kalshi.baseUrl, { readTokensPerSecond: 20, tokensPerRequest: 10, pacingClock: clock, wait: async (ms) => { waited += ms; clock.t += ms; } });
    const s = await runFetch({ from: D2, to: D2 + 1, series: "KXBTC15M", outDir: tmp(), config: config(kalshi.baseUrl, venues), now: () => NOW }, { kalshi: client, http: quiet() });
    expect(s.quotes.written).toEqual(["2026-03-12"]);
    expect(client.counters.requests).toBe(1 + 14 + 96);
    expect(waited).toBeGreaterThanOrEqual((client.counters.requests - 2) * 500 - 1);
  });

  it("falls back to Kraken when Coinbase fails, writes what it has as a partial day, and completes it later", async () => {
    const dir = tmp();
    const now = D2 + 2 * 3600; // D1 ended two hours ago: Kraken's last 720 minutes reach back to 14:01 of D1
    venues.now = now;
    venues.coinbaseDown = true;
    try {
      const s = await runFetch({ from: D1, to: D1 + 1, series: "KXBTC15M", outDir: dir, config: config(kalshi.baseUrl, venues), now: () => now * 1000 }, { http: quiet() });
      expect(s.btc).toMatchObject({ written: [], partial: ["2026-03-11"], failed: [] });
      const partial = join(dir, "btc", "btcusd_1m_2026-03-11.partial.csv");
      const rows = bars(partial);
      expect(rows.length).toBe(599);
      expect(rows[0]![0]).toBe(D1 + 14 * 3600 + 60);
      expect(rows.at(-1)![0]).toBe(D2 - 60);
      expect(s.notes.join("\n")).toMatch(/2026-03-11 BTC minutes from kraken, 599 of 1440 minutes: coinbase: GET \/products\/BTC-USD\/candles: HTTP 503; kraken has only its last 720 minutes/);
      venues.coinbaseDown = false;
      const later = await runFetch({ from: D1, to: D1 + 1, series: "KXBTC15M", outDir: dir, config: config(kalshi.baseUrl, venues), now: () => now * 1000 }, { http: quiet() });
      expect(later.btc.written).toEqual(["2026-03-11"]);
      expect(existsSync(partial)).toBe(false);
      expect(bars(join(dir, "btc", "btcusd_1m_2026-03-11.csv")).length).toBe(1440);
    } finally {
      venues.coinbaseDown = false;
      venues.now = NOW / 1000;
    }
  });

  it("names both failures when neither Coinbase nor Kraken has the day, and keeps the Kalshi quotes", async () => {
    venues.coinbaseDown = true;
    try {
      const dir = tmp();
      const cfg = config(kalshi.baseUrl, venues, { feeds: { coinbase: { restUrl: venues.coinbaseUrl }, kraken: { restUrl: await refusedUrl() } } });
      const s = await runFetch({ from: D1, to: D1 + 1, series: "KXBTC15M", outDir: dir, config: cfg, now: () => NOW }, { http: quiet() });
      expect(s.btc.failed).toEqual([expect.stringMatching(/^2026-03-11: coinbase: GET \/products\/BTC-USD\/candles: HTTP 503; kraken: GET \/0\/public\/OHLC: ECONNREFUSED$/)]);
      expect(s.quotes.written).toEqual(["2026-03-11"]);
      expect(formatFetchSummary(s)).toMatch(/BTC minutes failed {2}2026-03-11: coinbase/);
    } finally {
      venues.coinbaseDown = false;
    }
  });

  it("stops with a clear error when Kalshi fails mid-run, keeping the days already complete", async () => {
    const dir = tmp();
    kalshi.failNext(500, 1_000, "/series/");
    try {
      const err = await runFetch({ from: D1, to: D3, series: "KXBTC15M", outDir: dir, config: config(kalshi.baseUrl, venues, { kalshi: { baseUrl: kalshi.baseUrl, rateLimit: { readTokensPerSecond: 100_000 }, backoff: { baseMs: 10, maxMs: 100, maxRetries: 1 } } }), now: () => NOW }, { http: quiet() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FetchError);
      expect((err as Error).message).toMatch(/^Kalshi, 2026-03-12: GET \/series\/KXBTC15M\/markets\/KXBTC15M-26MAR1120\d\d-\d\d\/candlesticks: HTTP 500 \(internal_server_error: internal error\)\. The 1 complete day\(s\) are kept: run the same command again to resume\.$/);
      expect(existsSync(join(dir, "kalshi", "KXBTC15M_2026-03-11.csv"))).toBe(true);
      expect(existsSync(join(dir, "kalshi", "KXBTC15M_2026-03-12.csv"))).toBe(false);
    } finally {
      kalshi.failNext(500, 0);
      kalshi.failNext(429, 0);
    }
  });
});

describe("btc15 fetch: edges", () => {
  it("refuses from ≥ to, and a bad series, before any request", async () => {
    const venues = await startFakeCandleVenues(NOW / 1000);
    try {
      const cfg = config("http://127.0.0.1:9/trade-api/v2", venues);
      await expect(runFetch({ from: D2, to: D2, series: "KXBTC15M", outDir: tmp(), config: cfg, now: () => NOW })).rejects.toThrow(/--from \(2026-03-12T00:00:00Z\) must be before --to \(2026-03-12T00:00:00Z\)/);
      await expect(runFetch({ from: D1, to: D2, series: "btc-15", outDir: tmp(), config: cfg, now: () => NOW })).rejects.toThrow(/--series must be a series ticker/);
      expect(venues.requests).toEqual([]);
    } finally {
      await venues.close();
    }
  });

  it("says Kalshi cannot be reached, naming the URL", async () => {
    const venues = await startFakeCandleVenues(NOW / 1000);
    try {
      const url = `${await refusedUrl()}/trade-api/v2`;
      const cfg = config(url, venues, { kalshi: { baseUrl: url, backoff: { baseMs: 10, maxMs: 100, maxRetries: 0 } } });
      const err = await runFetch({ from: D1, to: D2, series: "KXBTC15M", outDir: tmp(), config: cfg, now: () => NOW }, { http: quiet() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FetchError);
      expect((err as Error).message).toBe(`cannot reach Kalshi at ${url}: GET /historical/cutoff: ECONNREFUSED`);
    } finally {
      await venues.close();
    }
  });

  it("fetches no day that is not over, and says so", async () => {
    const kalshi = await startFakeKalshiHistory({ cutoff: D2 });
    const venues = await startFakeCandleVenues(NOW / 1000);
    try {
      const s = await runFetch({ from: D3, to: D3 + 3600, series: "KXBTC15M", outDir: tmp(), config: config(kalshi.baseUrl, venues), now: () => NOW }, { http: quiet() });
      expect(s.not_over).toEqual(["2026-03-13"]);
      expect(s.notes[0]).toMatch(/not over yet .*2026-03-13/);
      expect(s.files).toEqual([]);
      expect(kalshi.requests).toEqual([]);
      expect(venues.requests).toEqual([]);
    } finally {
      await kalshi.close();
      await venues.close();
    }
  });

  it("lists the live tier only when there is no cutoff endpoint; tries the other tier when one has no candles; counts markets without any", async () => {
    const noCutoff = await startFakeKalshiHistory({ cutoff: null, withoutCandles: [windowClosingAt(D1 + 3 * 900).ticker] });
    const venues = await startFakeCandleVenues(NOW / 1000);
    const misfiled = windowClosingAt(D1 + 5 * 900).ticker;
    const archive = await startFakeKalshiHistory({ cutoff: D2, liveCandlesFor: [misfiled] });
    try {
      const a = await runFetch({ from: D1, to: D1 + 1, series: "KXBTC15M", outDir: tmp(), config: config(noCutoff.baseUrl, venues), now: () => NOW }, { http: quiet() });
      expect(a.cutoff).toBeNull();
      expect(a.notes.join("\n")).toMatch(/no \/historical\/cutoff here: markets listed on the live tier only/);
      expect(a.quotes).toMatchObject({ markets: 96, historical_markets: 0, markets_without_candles: 1, rows: 95 * 15 });
      const b = await runFetch({ from: D1, to: D1 + 1, series: "KXBTC15M", outDir: tmp(), config: config(archive.baseUrl, venues), now: () => NOW }, { http: quiet() });
      expect(b.quotes).toMatchObject({ markets: 96, historical_markets: 96, markets_without_candles: 0, rows: 96 * 15 });
      expect(archive.requests.map((r) => r.path).filter((p) => p.includes(misfiled))).toEqual([`/historical/markets/${misfiled}/candlesticks`, `/series/KXBTC15M/markets/${misfiled}/candlesticks`]);
    } finally {
      await noCutoff.close();
      await archive.close();
      await venues.close();
    }
  });

  it("shows progress with the time left at the pace so far, only where asked to draw", () => {
    let now = 0;
    const written: string[] = [];
    const stream = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const p = new FetchProgress(stream, true, () => now);
    p.expect(10);
    now = 2_000;
    p.step("2026-03-11");
    now = 4_000;
    p.step("2026-03-11");
    expect(p.line()).toBe(`fetch 2026-03-11 [${"#".repeat(6)}${" ".repeat(24)}]  20%  2/10  ETA 16s`);
    p.finish();
    expect(written.at(-1)).toBe("\r\x1b[K");
    const off: string[] = [];
    const silent = new FetchProgress({ isTTY: false, write: (s: string) => off.push(s) } as unknown as NodeJS.WriteStream);
    silent.expect(1);
    silent.step("x");
    silent.finish();
    expect(off).toEqual([]);
  });
});
