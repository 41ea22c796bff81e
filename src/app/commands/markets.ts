import { type Io, PROCESS_IO } from "./io.ts";
import { resolveConfig } from "../../config/load.ts";
import type { AppConfig } from "../../config/schema.ts";
import { UserError } from "../../domain/errors.ts";
import { sumContracts } from "../../domain/contracts.ts";
import { formatDecimal } from "../../domain/money.ts";
import type { Quote, SideQuote } from "../../domain/quote.ts";
import { type Window, isoUtc, windowAt } from "../../domain/window.ts";
import { quoteFromBids } from "../../domain/book.ts";
import type { KalshiClient } from "../../kalshi/client.ts";
import { FALLBACK_GRID } from "../../domain/ticks.ts";
import { type KalshiMarket, parseMarket, parseOrderbook } from "../../kalshi/wire.ts";
import { kalshiClient } from "../venue/kalshi-market.ts";
import { seriesSpec } from "../../domain/series.ts";
import { priceScale, priceText } from "../../domain/price-scale.ts";
import { readKalshiCredentials } from "../venue/kalshi-credentials.ts";
import { bookKeyNotice } from "../venue/kalshi-status.ts";

export interface MarketView {
  readonly series: string;
  readonly window: "current" | "next";
  readonly ticker: string;
  readonly listed: boolean;
  readonly status: string | null;
  readonly open: string;
  readonly close: string;
  /** Kalshi's strike in dollars at the series' decimals ("64839.26"; "2.1234" for XRP), or null. */
  readonly strike: string | null;
  /** The decimals Kalshi says it rounds this market's strike to (custom_strike.round_digits, else floor_strike's), or null. */
  readonly round_digits: number | null;
  readonly yes: SideView | null;
  readonly no: SideView | null;
  /** "api_key_required": Kalshi answered the keyless book request 401; null when the book was read (or not asked). */
  readonly book_error: "api_key_required" | null;
  /** The exchange shard the market lives on, when Kalshi says. */
  readonly exchange_index: number | null;
}

interface SideView {
  readonly bid: string | null;
  readonly ask: string | null;
  /** Contracts offered at all ask levels. */
  readonly ask_depth: number;
  readonly levels: number;
}

/** The current and next window's markets and books from Kalshi's public endpoints. */
export async function fetchMarketViews(client: KalshiClient, series: string, nowSeconds: number): Promise<MarketView[]> {
  const current = windowAt(nowSeconds, series);
  const next = windowAt(current.close, series);
  const digits = seriesSpec(series).priceDigits;
  return Promise.all([view(client, "current", current, digits), view(client, "next", next, digits)]);
}

async function view(client: KalshiClient, which: "current" | "next", w: Window, digits: number): Promise<MarketView> {
  let market: KalshiMarket | null = null;
  try {
    market = parseMarket(await client.get(`/markets/${w.ticker}`), digits);
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
  }
  const base = { series: w.series, window: which, ticker: w.ticker, open: isoUtc(market?.openTime ?? w.open), close: isoUtc(market?.closeTime ?? w.close) };
  if (market === null) return { ...base, listed: false, status: null, strike: null, round_digits: null, yes: null, no: null, book_error: null, exchange_index: null };
  let quote: Quote | null = null;
  let bookError: MarketView["book_error"] = null;
  if (market.status === "active") {
    try {
      // Signed whenever there is a key: Kalshi's API reference puts order books behind one.
      const { book } = parseOrderbook(await client.get(`/markets/${w.ticker}/orderbook`, { query: { depth: 0 }, auth: client.hasKey }));
      quote = quoteFromBids(w.ticker, book, market.priceRanges ?? FALLBACK_GRID).quote;
    } catch (e) {
      if (client.hasKey || (e as { status?: number }).status !== 401) throw e;
      bookError = "api_key_required";
    }
  }
  return {
    ...base,
    book_error: bookError,
    exchange_index: market.exchangeIndex,
    listed: true,
    status: market.status,
    strike: market.strikeCents === null ? null : priceText(market.strikeCents, priceScale(digits)),
    round_digits: market.roundDigits,
    yes: quote ? side(quote.yes) : null,
    no: quote ? side(quote.no) : null,
  };
}

function side(s: SideQuote): SideView {
  return {
    bid: s.bid === null ? null : formatDecimal(s.bid),
    ask: s.asks[0] ? formatDecimal(s.asks[0].price) : null,
    // Counts are fixed-point ("80.40"): summed in hundredths, never as floats.
    ask_depth: sumContracts(s.asks.map((l) => l.size)),
    levels: s.asks.length,
  };
}

export function formatMarketViews(views: readonly MarketView[], config?: AppConfig): string {
  const lines: string[] = [];
  for (const v of views) {
    lines.push(`${v.window.padEnd(7)} ${v.ticker}`);
    lines.push(`  open ${v.open}  close ${v.close}`);
    if (!v.listed) {
      lines.push("  not listed by Kalshi (yet)");
      continue;
    }
    const unconfirmed = v.round_digits !== null && v.round_digits !== seriesSpec(v.series).priceDigits ? ` (rounded to ${v.round_digits} decimals; btc15's table says ${seriesSpec(v.series).priceDigits})` : "";
    lines.push(`  status ${v.status}  strike ${v.strike ?? "not set yet"}${unconfirmed}${v.exchange_index === null ? "" : `  exchange shard ${v.exchange_index}`}`);
    if (v.book_error === "api_key_required") {
      lines.push(`  ${config ? bookKeyNotice(config) : "Kalshi requires an API key for order books"}`);
      continue;
    }
    for (const [name, s] of [["YES", v.yes], ["NO", v.no]] as const) {
      if (s === null) continue;
      lines.push(`  ${name.padEnd(3)} bid ${s.bid ?? "none"}  ask ${s.ask ?? "none"}  depth ${s.ask_depth} contracts on ${s.levels} level(s)`);
    }
    if (v.yes === null && v.status === "active") lines.push("  (no book)");
  }
  return lines.join("\n");
}

async function marketsText(config: AppConfig, json: boolean, env: NodeJS.ProcessEnv): Promise<string> {
  // Two quick tries at most: a command line answer, never a long wait. With a key, the book request is signed.
  const client = kalshiClient(config, { maxRetries: 1, key: readKalshiCredentials(env, config.kalshi.env) });
  let views: MarketView[];
  try {
    views = [];
    for (const series of config.series) views.push(...(await fetchMarketViews(client, series, Math.floor(Date.now() / 1000))));
  } catch (e) {
    throw new UserError(`cannot get market data from Kalshi at ${config.kalshi.baseUrl}: ${(e as Error).message}`);
  } finally {
    client.close();
  }
  return json ? JSON.stringify(views, null, 2) + "\n" : formatMarketViews(views, config) + "\n";
}

/** `btc15 markets`: each configured series' current and next markets from Kalshi (the book signed when a key is set). */
export async function marketsCommand(o: { readonly json?: boolean; readonly config?: string; readonly kalshiEnv?: "production" | "demo"; readonly series?: string }, io: Io = PROCESS_IO): Promise<void> {
  const flags = { ...(o.kalshiEnv ? { kalshi: { env: o.kalshiEnv } } : {}), ...(o.series ? { series: o.series } : {}) };
  const config = resolveConfig({ ...(o.config ? { file: o.config } : {}), env: io.env, flags });
  io.out.write(await marketsText(config, o.json === true, io.env));
}
