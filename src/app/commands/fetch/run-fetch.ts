import { rmSync } from "node:fs";
import type { AppConfig } from "../../../config/schema.ts";
import { UserError } from "../../../domain/errors.ts";
import { isoUtc } from "../../../domain/window.ts";
import { type KalshiClient, KalshiRequestError } from "../../../kalshi/client.ts";
import { parseHistoricalCutoff } from "../../../kalshi/wire.ts";
import { kalshiClient } from "../../venue/kalshi-market.ts";
import { seriesSpec } from "../../../domain/series.ts";
import { feedCoins } from "../../../feeds/index.ts";
import { fetchBtcDay } from "./btc-day.ts";
import { writeBtcDay, writeQuoteDay } from "./day-files.ts";
import { JsonGetter } from "./http-json.ts";
import { HistoricalListing, fetchKalshiDay } from "./kalshi-day.ts";
import { DAY_SECONDS, dayLabel, fetchLayout, isComplete, utcDays } from "./layout.ts";
import type { FetchProgress } from "./progress.ts";

export class FetchError extends UserError {}

export interface FetchOptions {
  readonly from: number;
  readonly to: number;
  readonly series: string;
  readonly outDir: string;
  readonly config: AppConfig;
  /** Wall clock (ms): which days are over. */
  readonly now?: () => number;
  readonly progress?: FetchProgress;
}

export interface FetchDeps {
  /** Kalshi's REST client; by default one from `config.kalshi` (its pacing and retries). */
  readonly kalshi?: KalshiClient;
  /** For Coinbase and Kraken. */
  readonly http?: JsonGetter;
}

export interface FetchSummary {
  readonly series: string;
  /** The coin whose minutes were fetched (the `btc` field holds them, whatever the coin). */
  readonly coin: string;
  readonly from: string;
  readonly to: string;
  readonly out_dir: string;
  readonly days: number;
  /** Days not fetched because they are not over yet (with a margin for official results). */
  readonly not_over: string[];
  /** Kalshi's live/historical boundary (market_settled_ts), when it gave one. */
  readonly cutoff: string | null;
  readonly quotes: { written: string[]; already_complete: number; markets: number; historical_markets: number; rows: number; markets_without_candles: number; skipped: number };
  readonly btc: { written: string[]; already_complete: number; partial: string[]; failed: string[]; rows: number; skipped: number };
  readonly requests: { kalshi: number; kalshi_rate_limited: number; kalshi_retries: number; exchanges: number; exchanges_rate_limited: number };
  readonly notes: string[];
  readonly files: string[];
}

/** A day counts as over this long after its last close, so that its official results are in. */
export const RESULT_GRACE_SECONDS = 30 * 60;
/** Requests a day is expected to take, for the progress estimate: two listings and 96 markets; six Coinbase chunks. */
const KALSHI_REQUESTS_PER_DAY = 98;
const BTC_REQUESTS_PER_DAY = 6;

/**
 * `btc15 fetch`: for every UTC day touching [from, to) that is over, the series' markets closing
 * that day with one quote a minute (Kalshi), and the day's BTC/USD minutes (Coinbase, Kraken
 * if Coinbase fails). Each day's file is written atomically when complete; days already on disk
 * are skipped, so an interrupted run is resumed by running it again.
 */
export async function runFetch(o: FetchOptions, deps: FetchDeps = {}): Promise<FetchSummary> {
  if (!(o.from < o.to)) throw new FetchError(`--from (${isoUtc(o.from)}) must be before --to (${isoUtc(o.to)})`);
  if (!/^[A-Z0-9]+$/.test(o.series)) throw new FetchError(`--series must be a series ticker like KXBTC15M: ${o.series}`);
  const spec = seriesSpec(o.series);
  // Bitcoin's products are the configuration's (feeds.coinbase.product…); the other coins' the series table's.
  const products = feedCoins(o.config.feeds, [spec.products])[0]!;
  const sources = { coinbase: { restUrl: o.config.feeds.coinbase.restUrl, product: products.coinbase }, kraken: { restUrl: o.config.feeds.kraken.restUrl, restPair: products.krakenRest } };
  const nowSeconds = Math.floor((o.now ?? Date.now)() / 1000);
  const layout = fetchLayout(o.outDir, o.series, spec.coin);
  const days = utcDays(o.from, o.to);
  const over = days.filter((d) => d + DAY_SECONDS + RESULT_GRACE_SECONDS <= nowSeconds);
  const quoteDays = new Set(over.filter((d) => !isComplete(layout.quotes(d))));
  const btcDays = new Set(over.filter((d) => !isComplete(layout.btc(d))));
  const s = {
    series: o.series,
    coin: spec.coin,
    from: isoUtc(o.from),
    to: isoUtc(o.to),
    out_dir: o.outDir,
    days: days.length,
    not_over: days.filter((d) => !over.includes(d)).map(dayLabel),
    cutoff: null as string | null,
    quotes: { written: [] as string[], already_complete: over.length - quoteDays.size, markets: 0, historical_markets: 0, rows: 0, markets_without_candles: 0, skipped: 0 },
    btc: { written: [] as string[], already_complete: over.length - btcDays.size, partial: [] as string[], failed: [] as string[], rows: 0, skipped: 0 },
    requests: { kalshi: 0, kalshi_rate_limited: 0, kalshi_retries: 0, exchanges: 0, exchanges_rate_limited: 0 },
    notes: [] as string[],
    files: [] as string[],
  };
  if (s.not_over.length > 0) s.notes.push(`not over yet (whole UTC days only, ${RESULT_GRACE_SECONDS / 60} min after the last close): ${s.not_over.join(", ")}`);
  const progress = o.progress;
  progress?.expect(quoteDays.size * KALSHI_REQUESTS_PER_DAY + btcDays.size * BTC_REQUESTS_PER_DAY);

  const kalshi = quoteDays.size > 0 ? (deps.kalshi ?? kalshiClient(o.config)) : null;
  // A client shared by several series' fetches: this one's requests are the difference.
  const before = kalshi === null ? null : { ...kalshi.counters };
  const http = deps.http ?? new JsonGetter({ timeoutMs: 10_000, maxRetries: 4, backoffBaseMs: 500, backoffMaxMs: 8_000, requestsPerSecond: 5 });
  try {
    let cutoff: number | null = null;
    const archive = kalshi === null ? null : new HistoricalListing(kalshi, o.series, spec.priceDigits);
    if (kalshi !== null) {
      cutoff = await historicalCutoff(kalshi, o.config.kalshi.baseUrl, s.notes);
      s.cutoff = cutoff === null ? null : isoUtc(cutoff);
    }
    for (const day of over) {
      const label = dayLabel(day);
      if (kalshi !== null && quoteDays.has(day)) {
        let k;
        try {
          k = await fetchKalshiDay(kalshi, archive!, day, cutoff, () => progress?.step(label));
        } catch (e) {
          throw new FetchError(`Kalshi, ${label}: ${(e as Error).message}. The ${s.quotes.already_complete + s.quotes.written.length} complete day(s) are kept: run the same command again to resume.`);
        }
        const path = layout.quotes(day);
        writeQuoteDay(path, k.rows, spec.priceDigits);
        s.quotes.written.push(label);
        s.files.push(path);
        s.quotes.markets += k.markets;
        s.quotes.historical_markets += k.historical;
        s.quotes.rows += k.rows.length;
        s.quotes.markets_without_candles += k.withoutCandles;
        s.quotes.skipped += k.skipped;
        if (k.markets === 0) s.notes.push(`${label}: Kalshi listed no ${o.series} market closing that day`);
      }
      if (btcDays.has(day)) {
        try {
          const b = await fetchBtcDay(http, sources, day, nowSeconds, () => progress?.step(label));
          const path = b.complete ? layout.btc(day) : layout.btcPartial(day);
          writeBtcDay(path, b.bars);
          if (b.complete) rmSync(layout.btcPartial(day), { force: true });
          (b.complete ? s.btc.written : s.btc.partial).push(label);
          s.files.push(path);
          s.btc.rows += b.bars.length;
          s.btc.skipped += b.skipped;
          if (b.note) s.notes.push(`${label} ${spec.coin} minutes from ${b.source}, ${b.complete ? "whole day" : `${b.bars.length} of 1440 minutes`}: ${b.note}`);
        } catch (e) {
          s.btc.failed.push(`${label}: ${(e as Error).message}`);
        }
      }
    }
  } finally {
    if (kalshi !== null) {
      s.requests.kalshi = kalshi.counters.requests - (before?.requests ?? 0);
      s.requests.kalshi_rate_limited = kalshi.counters.rateLimited - (before?.rateLimited ?? 0);
      s.requests.kalshi_retries = kalshi.counters.retries - (before?.retries ?? 0);
      if (deps.kalshi === undefined) kalshi.close();
    }
    s.requests.exchanges = http.counters.requests;
    s.requests.exchanges_rate_limited = http.counters.rateLimited;
    progress?.finish();
  }
  return s;
}

/** Kalshi's live/historical boundary; null (with a note) when it has none; a clear error when unreachable. */
async function historicalCutoff(kalshi: KalshiClient, baseUrl: string, notes: string[]): Promise<number | null> {
  let reply: unknown;
  try {
    reply = await kalshi.get("/historical/cutoff");
  } catch (e) {
    if (e instanceof KalshiRequestError && e.status === 404) {
      notes.push("Kalshi has no /historical/cutoff here: markets listed on the live tier only");
      return null;
    }
    throw new FetchError(`cannot reach Kalshi at ${baseUrl}: ${(e as Error).message}`);
  }
  const cutoff = parseHistoricalCutoff(reply);
  if (cutoff === null) notes.push("Kalshi's /historical/cutoff reply has no readable market_settled_ts: markets listed on the live tier only");
  return cutoff;
}
