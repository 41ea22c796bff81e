import type { MinuteBar } from "./day-files.ts";
import type { JsonGetter } from "./http-json.ts";
import { DAY_SECONDS } from "./layout.ts";

export interface BtcSources {
  readonly coinbase: { readonly restUrl: string; readonly product: string };
  readonly kraken: { readonly restUrl: string; readonly restPair: string };
}

export interface BtcDay {
  readonly bars: MinuteBar[];
  readonly source: "coinbase" | "kraken";
  /** False when only part of the day could be had (Kraken keeps only its last 720 minutes). */
  readonly complete: boolean;
  /** Rows the exchange sent that could not be read. */
  readonly skipped: number;
  /** Why Coinbase was not used, when it was not. */
  readonly note: string | null;
}

/** Coinbase answers at most 300 candles a request; 240 minutes keeps inside that whichever end is inclusive. */
const CHUNK_SECONDS = 240 * 60;

/**
 * One UTC day of one-minute BTC/USD bars: Coinbase Exchange candles, or, if Coinbase fails,
 * Kraken's OHLC, which holds only the most recent 720 minutes (so it can fill at most part of a
 * recent day). Bars still open at `nowSeconds` are left out. Throws when neither has the day.
 */
export async function fetchBtcDay(http: JsonGetter, sources: BtcSources, day: number, nowSeconds: number, onRequest: () => void): Promise<BtcDay> {
  let coinbaseFailure: string;
  try {
    const { bars, skipped } = await coinbaseDay(http, sources.coinbase, day, nowSeconds, onRequest);
    return { bars, source: "coinbase", complete: true, skipped, note: null };
  } catch (e) {
    coinbaseFailure = `coinbase: ${(e as Error).message}`;
  }
  let krakenFailure: string;
  try {
    const { bars, skipped } = await krakenDay(http, sources.kraken, day, nowSeconds, onRequest);
    const whole = bars.length === DAY_SECONDS / 60 && bars[0]!.t === day;
    if (bars.length > 0) return { bars, source: "kraken", complete: whole, skipped, note: `${coinbaseFailure}; kraken has only its last 720 minutes` };
    krakenFailure = "kraken: none of this day in its last 720 minutes";
  } catch (e) {
    krakenFailure = `kraken: ${(e as Error).message}`;
  }
  throw new Error(`${coinbaseFailure}; ${krakenFailure}`);
}

async function coinbaseDay(http: JsonGetter, c: BtcSources["coinbase"], day: number, now: number, onRequest: () => void) {
  const iso = (s: number) => new Date(s * 1000).toISOString();
  const bars = new Map<number, MinuteBar>();
  let skipped = 0;
  for (let start = day; start < day + DAY_SECONDS; start += CHUNK_SECONDS) {
    const end = start + CHUNK_SECONDS;
    const json = await http.get(`${trim(c.restUrl)}/products/${c.product}/candles?granularity=60&start=${iso(start)}&end=${iso(end)}`);
    onRequest();
    if (!Array.isArray(json)) throw new Error("candles reply is not an array");
    // Rows are [time, low, high, open, close, volume], numbers, newest first.
    for (const r of json) {
      const bar = Array.isArray(r) ? minuteBar(r[0], r[3], r[2], r[1], r[4], r[5]) : null;
      if (bar === null) skipped++;
      else if (bar.t >= start && bar.t < end && bar.t + 60 <= now) bars.set(bar.t, bar);
    }
  }
  return { bars: [...bars.values()].sort((a, b) => a.t - b.t), skipped };
}

async function krakenDay(http: JsonGetter, k: BtcSources["kraken"], day: number, now: number, onRequest: () => void) {
  const json = await http.get(`${trim(k.restUrl)}/0/public/OHLC?pair=${k.restPair}&interval=1&since=${day - 60}`);
  onRequest();
  const body = json !== null && typeof json === "object" ? (json as Record<string, unknown>) : {};
  if (Array.isArray(body.error) && body.error.length > 0) throw new Error(body.error.join(", "));
  const result = body.result !== null && typeof body.result === "object" ? (body.result as Record<string, unknown>) : {};
  // Keyed by the canonical pair name beside a "last" cursor; rows [time, open, high, low, close, vwap, volume, count].
  const rows = Object.entries(result).find(([key, v]) => key !== "last" && Array.isArray(v))?.[1];
  if (!Array.isArray(rows)) throw new Error("OHLC reply has no rows");
  const bars = new Map<number, MinuteBar>();
  let skipped = 0;
  for (const r of rows) {
    const bar = Array.isArray(r) ? minuteBar(r[0], r[1], r[2], r[3], r[4], r[6]) : null;
    if (bar === null) skipped++;
    else if (bar.t >= day && bar.t < day + DAY_SECONDS && bar.t + 60 <= now) bars.set(bar.t, bar);
  }
  return { bars: [...bars.values()].sort((a, b) => a.t - b.t), skipped };
}

/** A bar from raw fields (numbers or numeric strings), or null when they are not a sane minute bar. */
function minuteBar(t: unknown, open: unknown, high: unknown, low: unknown, close: unknown, volume: unknown): MinuteBar | null {
  const time = Number(t);
  const [o, h, l, c] = [open, high, low, close].map(Number) as [number, number, number, number];
  if (!Number.isInteger(time) || time % 60 !== 0) return null;
  if (!(o > 0 && h > 0 && l > 0 && c > 0) || !Number.isFinite(h) || h < l || h < o || h < c || l > o || l > c) return null;
  const v = Number(volume);
  return { t: time, open: String(open), high: String(high), low: String(low), close: String(close), volume: Number.isFinite(v) && v >= 0 ? String(volume) : "" };
}

const trim = (url: string) => url.replace(/\/+$/, "");
