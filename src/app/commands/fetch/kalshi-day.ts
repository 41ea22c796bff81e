import { type KalshiClient, KalshiRequestError } from "../../../kalshi/client.ts";
import { type KalshiCandle, type KalshiMarket, parseCandlesticks, parseMarketList } from "../../../kalshi/wire.ts";
import type { QuoteDayRow } from "./day-files.ts";
import { DAY_SECONDS } from "./layout.ts";

export interface KalshiDay {
  readonly rows: QuoteDayRow[];
  readonly markets: number;
  /** Markets that came from the historical tier. */
  readonly historical: number;
  /** Markets for which Kalshi returned no candle inside the window. */
  readonly withoutCandles: number;
  /** Markets or candles Kalshi sent that could not be read. */
  readonly skipped: number;
}

/**
 * The historical tier's markets of one series, listed by `series_ticker` (accepted since
 * 2026-04-10; the tier has no time filter) once, on first use, and kept for every day a run
 * fetches: what Kalshi archived, whatever its tickers say (a ticker computed from a close time
 * can miss a market named otherwise, as around the autumn DST change).
 */
export class HistoricalListing {
  private listing: Promise<{ markets: KalshiMarket[]; skipped: number }> | null = null;
  private skippedTold = false;

  constructor(
    private readonly client: KalshiClient,
    readonly series: string,
    /** The series' price decimals: strikes and settlement values are read to them. */
    readonly digits: number,
  ) {}

  /** The archived markets closing in [from, to); markets Kalshi sent that could not be read are counted once. */
  async closingIn(from: number, to: number, onRequest: () => void): Promise<{ markets: KalshiMarket[]; skipped: number }> {
    this.listing ??= listAll(this.client, "/historical/markets", { series_ticker: this.series }, onRequest, this.digits);
    let all: { markets: KalshiMarket[]; skipped: number };
    try {
      all = await this.listing;
    } catch (e) {
      this.listing = null; // a failed listing is asked again by the next run of the same command
      throw e;
    }
    const skipped = this.skippedTold ? 0 : all.skipped;
    this.skippedTold = true;
    return { markets: all.markets.filter((m) => m.closeTime >= from && m.closeTime < to), skipped };
  }
}

/**
 * One UTC day of a series from Kalshi's public API: the markets closing in it, then each one's
 * one-minute candlesticks, turned into one quote row per minute (the candle's closing YES bid
 * and ask, known at its end). Markets settled before `cutoff` live only under /historical: the
 * live tier is listed by close time, the historical one by series (`archive`, listed once a
 * run). A candlestick request that finds nothing (404) on one tier tries the other.
 */
export async function fetchKalshiDay(client: KalshiClient, archive: HistoricalListing, day: number, cutoff: number | null, onRequest: () => void): Promise<KalshiDay> {
  const { series, digits } = archive;
  const end = day + DAY_SECONDS;
  const found = new Map<string, { market: KalshiMarket; historical: boolean }>();
  let skipped = 0;
  const keep = (markets: KalshiMarket[], historical: boolean) => {
    for (const m of markets) {
      if (m.closeTime < day || m.closeTime >= end || !m.ticker.startsWith(`${series}-`) || found.has(m.ticker)) continue;
      found.set(m.ticker, { market: m, historical });
    }
  };
  if (cutoff !== null && day < cutoff) {
    const r = await archive.closingIn(day, end, onRequest);
    skipped += r.skipped;
    keep(r.markets, true);
  }
  if (cutoff === null || end > cutoff) {
    const r = await listAll(client, "/markets", { series_ticker: series, min_close_ts: day, max_close_ts: end }, onRequest, digits);
    skipped += r.skipped;
    keep(r.markets, false);
  }

  const rows: QuoteDayRow[] = [];
  let withoutCandles = 0;
  let historical = 0;
  const markets = [...found.values()].sort((a, b) => a.market.closeTime - b.market.closeTime);
  for (const { market: m, historical: fromArchive } of markets) {
    if (fromArchive) historical++;
    const { candles, skipped: bad } = await candlesOf(client, series, m, fromArchive, onRequest);
    skipped += bad;
    const inWindow = candles.filter((c) => c.endTs > m.openTime && c.endTs <= m.closeTime).sort((a, b) => a.endTs - b.endTs);
    if (inWindow.length === 0) withoutCandles++;
    let last = -1;
    for (const c of inWindow) {
      if (c.endTs === last) continue;
      last = c.endTs;
      rows.push({
        minuteTs: c.endTs,
        ticker: m.ticker,
        yesBid: c.yesBid,
        yesAsk: c.yesAsk,
        openTs: m.openTime,
        closeTs: m.closeTime,
        strikeCents: m.strikeCents,
        result: m.result,
        settlementCents: m.expirationCents,
        volume: c.volume,
      });
    }
  }
  return { rows, markets: markets.length, historical, withoutCandles, skipped };
}

/** Every page of a market listing, following `cursor`. */
async function listAll(client: KalshiClient, path: string, query: Record<string, string | number>, onRequest: () => void, digits = 2): Promise<{ markets: KalshiMarket[]; skipped: number }> {
  const markets: KalshiMarket[] = [];
  let skipped = 0;
  let cursor: string | null = null;
  const seen = new Set<string>();
  do {
    const page = parseMarketList(await client.get(path, { query: { ...query, limit: 1000, ...(cursor ? { cursor } : {}) } }), digits);
    onRequest();
    markets.push(...page.markets);
    skipped += page.skipped;
    // A cursor seen before would loop for ever: stop rather than trust it.
    cursor = page.cursor !== null && !seen.has(page.cursor) ? page.cursor : null;
    if (cursor !== null) seen.add(cursor);
  } while (cursor !== null);
  return { markets, skipped };
}

async function candlesOf(client: KalshiClient, series: string, m: KalshiMarket, historical: boolean, onRequest: () => void): Promise<{ candles: KalshiCandle[]; skipped: number }> {
  const query = { start_ts: m.openTime, end_ts: m.closeTime, period_interval: 1 };
  const paths = [`/historical/markets/${m.ticker}/candlesticks`, `/series/${series}/markets/${m.ticker}/candlesticks`];
  if (!historical) paths.reverse();
  for (const path of paths) {
    try {
      const reply = await client.get(path, { query });
      onRequest();
      return parseCandlesticks(reply);
    } catch (e) {
      onRequest();
      if (!(e instanceof KalshiRequestError && e.status === 404)) throw e;
    }
  }
  return { candles: [], skipped: 0 }; // neither tier knows it: a market without candles
}
