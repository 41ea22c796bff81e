import { MINUTE_MEAN, MINUTE_MEAN_ESTIMATORS, placeBar } from "../domain/bar-placement.ts";
import { WINDOW_SECONDS } from "../domain/window.ts";
import { type CoinProducts, type FeedLog, type FeedsConfig, feedCoins } from "./config.ts";
import { isObject, num } from "./frame.ts";
import { trim } from "./rest-tickers.ts";
import { describe } from "../net/network-error.ts";
import { type Scheduler, systemScheduler, timeoutSignal } from "../net/scheduler.ts";

export interface WarmStart {
  /** Contiguous ascending unix seconds ending at the last completed second; empty when nothing could be had. */
  seconds: WarmSecond[];
  source: string;
  notes: string[];
}

/** One rebuilt second; `exact` when its price was seen then (a trade, a candle's close), not held or carried. */
export interface WarmSecond {
  second: number;
  price: number;
  exact: boolean;
  /**
   * On the last second of a strike or settlement minute known only from its candle: that minute's
   * mean estimated from the candle (the backtest's estimator), known with this second.
   */
  mean?: number;
}

export interface WarmStartDeps {
  /** The clock and the timeout's timer (default the wall clock). */
  scheduler?: Scheduler;
  fetch?: typeof fetch;
  log?: FeedLog;
}

/** One-minute bar: its open second and prices. */
interface Bar {
  t: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** Trades (second, price), oldest first. */
type Trade = [number, number];

/**
 * Rebuilds one coin's recent past from REST so volatility and the 60-s average are ready at once:
 * Coinbase one-minute candles (at most 300), refined by its latest 1000 trades at one-second
 * resolution; Kraken's one-minute OHLC if Coinbase fails. Candles are placed in seconds as the
 * backtest places its bars (placeBar: each close at its minute's last second, the open held
 * before it), so live and backtest see the same seconds from the same bars.
 * Never throws on network failure; bounded by `warmStart.timeoutMs`.
 */
export async function warmStart(config: FeedsConfig, deps: WarmStartDeps = {}, products: CoinProducts = feedCoins(config)[0]!, priceDigits = 2): Promise<WarmStart> {
  const w = config.warmStart;
  if (!w.enabled) return { seconds: [], source: "none", notes: ["warm start is off (feeds.warmStart.enabled)"] };
  const scheduler = deps.scheduler ?? systemScheduler;
  const now = scheduler.now();
  const end = Math.floor(now / 1000) - 1;
  const start = end - w.seconds + 1;
  const doFetch = deps.fetch ?? fetch;
  const timeout = timeoutSignal(scheduler, w.timeoutMs, () => new Error(`timed out after ${w.timeoutMs} ms`));
  const signal = timeout.signal;
  const get = async (url: string): Promise<unknown> => {
    const res = await doFetch(url, { signal, headers: { accept: "application/json" } });
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
    return JSON.parse(text);
  };
  const notes: string[] = [];
  const attempts: { name: string; enabled: boolean; run: () => Promise<{ bars: Bar[]; trades: Trade[] }> }[] = [
    { name: "coinbase", enabled: config.coinbase.enabled || config.rest.sources.includes("coinbase"), run: () => coinbase(config, products.coinbase, start, end, get, notes) },
    { name: "kraken", enabled: config.kraken.enabled || config.rest.sources.includes("kraken"), run: () => kraken(config, products.krakenRest, start, get) },
  ];
  try {
    for (const a of attempts) {
      if (!a.enabled) continue;
      try {
        const { bars, trades } = await a.run();
        const seconds = toSeconds(bars, trades, start, end, priceDigits);
        if (seconds.length === 0) {
          notes.push(`${a.name}: no prices in the last ${w.seconds} s`);
          continue;
        }
        const carried = end - lastKnown(bars, trades, end);
        if (carried > 60) notes.push(`${a.name}: last price is ${carried} s old; carried forward`);
        deps.log?.("info", `warm start: ${products.coin} ${seconds.length} s from ${a.name}`);
        return { seconds, source: a.name, notes };
      } catch (e) {
        notes.push(`${a.name}: ${signal.aborted ? `timed out after ${w.timeoutMs} ms` : describe(e)}`);
      }
    }
  } finally {
    timeout.cancel();
  }
  if (notes.length === 0) notes.push("no REST source for warm start is enabled (coinbase or kraken)");
  return { seconds: [], source: "none", notes };
}

async function coinbase(config: FeedsConfig, product: string, start: number, end: number, get: (url: string) => Promise<unknown>, notes: string[]) {
  const base = `${trim(config.coinbase.restUrl)}/products/${product}`;
  const iso = (s: number) => new Date(s * 1000).toISOString();
  const from = Math.floor(start / 60) * 60;
  let tradesError: string | null = null;
  const [candles, trades] = await Promise.all([
    get(`${base}/candles?granularity=60&start=${iso(from)}&end=${iso(end + 1)}`),
    get(`${base}/trades?limit=1000`).catch((e: unknown) => {
      tradesError = describe(e);
      return [];
    }),
  ]);
  if (!Array.isArray(candles)) throw new Error("coinbase candles: not an array");
  if (tradesError) notes.push(`coinbase trades: ${tradesError}; candles only`);
  // Rows are [time, low, high, open, close, volume], newest first.
  const bars: Bar[] = [];
  for (const r of candles) if (Array.isArray(r)) bars.push({ t: num(r[0]), open: num(r[3]), high: num(r[2]), low: num(r[1]), close: num(r[4]) });
  const ticks: Trade[] = [];
  if (Array.isArray(trades)) {
    for (const t of trades) if (isObject(t)) ticks.push([Math.floor(Date.parse(String(t.time)) / 1000), num(t.price)]);
  }
  ticks.reverse(); // newest first on the wire; oldest first here, so the last trade of a second wins
  return { bars, trades: ticks };
}

async function kraken(config: FeedsConfig, pair: string, start: number, get: (url: string) => Promise<unknown>) {
  const body = await get(`${trim(config.kraken.restUrl)}/0/public/OHLC?pair=${pair}&interval=1&since=${start - 60}`);
  if (!isObject(body)) throw new Error("kraken OHLC: not an object");
  if (Array.isArray(body.error) && body.error.length > 0) throw new Error(`kraken: ${body.error.join(", ")}`);
  const result = isObject(body.result) ? body.result : {};
  // Keyed by the canonical pair name, beside a "last" cursor. Rows: [time, open, high, low, close, vwap, volume, count].
  const rows = Object.entries(result).find(([k, v]) => k !== "last" && Array.isArray(v))?.[1];
  const bars: Bar[] = [];
  if (Array.isArray(rows)) for (const r of rows) if (Array.isArray(r)) bars.push({ t: num(r[0]), open: num(r[1]), high: num(r[2]), low: num(r[3]), close: num(r[4]) });
  return { bars, trades: [] as Trade[] };
}

const sane = (p: number) => p > 0 && Number.isFinite(p);

/**
 * One price per second in [start, end]: trades where we have them, else the candles placed as
 * the backtest places bars; gaps carried forward. Trade seconds and each candle's close (its
 * minute's last second) are exact; held or carried seconds are not. A candle still open at `end`
 * gives only its open. A strike or settlement minute known only from its candle carries the
 * candle's estimate of its mean (`estimator`, the backtest's) on its last second.
 */
export function toSeconds(bars: Bar[], trades: Trade[], start: number, end: number, priceDigits = 2): WarmSecond[] {
  const perDollar = 10 ** priceDigits;
  const n = end - start + 1;
  if (n <= 0) return [];
  const px = new Float64Array(n).fill(NaN);
  const exact = new Uint8Array(n);
  const means = new Map<number, number>();
  const place = (s: number, p: number, ex: boolean) => {
    if (s < start || s > end) return;
    px[s - start] = p;
    exact[s - start] = ex ? 1 : 0;
  };
  const inOrder = bars.filter((b) => Number.isInteger(b.t) && sane(b.open) && sane(b.close)).sort((a, b) => a.t - b.t);
  for (const b of inOrder) {
    if (b.t + 59 > end) {
      for (let s = b.t; s <= end; s++) place(s, b.open, false);
      continue;
    }
    placeBar(b.t, 60, b.open, b.close, place);
    if ((b.t + 60) % WINDOW_SECONDS === 0 && sane(b.high) && sane(b.low)) means.set(b.t + 59, MINUTE_MEAN_ESTIMATORS[MINUTE_MEAN](b.open, b.high, b.low, b.close));
  }
  // A stable sort keeps trades of the same second in their order, so the last one sets the price.
  const sorted = trades.filter(([s, p]) => Number.isFinite(s) && sane(p)).sort((a, b) => a[0] - b[0]);
  let tradesFrom = Infinity;
  if (sorted.length) {
    const first = Math.max(sorted[0]![0], start);
    tradesFrom = first;
    for (let s = first; s <= end; s++) px[s - start] = NaN;
    for (const [s, p] of sorted) {
      if (s < start || s > end) continue;
      px[s - start] = p;
      exact[s - start] = 1;
    }
  }
  const out: WarmSecond[] = [];
  let carry = NaN;
  for (let i = 0; i < n; i++) {
    const seen = !Number.isNaN(px[i]!);
    const p = seen ? px[i]! : carry;
    if (Number.isNaN(p)) continue;
    carry = p;
    const second = start + i;
    const w: WarmSecond = { second, price: Math.round(p * perDollar) / perDollar, exact: seen && exact[i] === 1 };
    // The minute's seconds must all come from its candle: trades from inside it replace them.
    const mean = means.get(second);
    if (mean !== undefined && second < tradesFrom) w.mean = mean;
    out.push(w);
  }
  return out;
}

function lastKnown(bars: Bar[], trades: Trade[], end: number): number {
  let last = -Infinity;
  for (const b of bars) if (sane(b.close)) last = Math.max(last, Math.min(b.t + 59, end));
  for (const [s] of trades) last = Math.max(last, Math.min(s, end));
  return last;
}
