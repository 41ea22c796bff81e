import { type Io, PROCESS_IO } from "./io.ts";
import { resolveConfig } from "../../config/load.ts";
import type { AppConfig } from "../../config/schema.ts";
import { UserError } from "../../domain/errors.ts";
import { formatDecimal } from "../../domain/money.ts";
import type { Quote, SideQuote } from "../../domain/quote.ts";
import { type Window, isoUtc, windowAt } from "../../domain/window.ts";
import { quoteFromBids } from "../../domain/book.ts";
import type { KalshiClient } from "../../kalshi/client.ts";
import { FALLBACK_GRID } from "../../domain/ticks.ts";
import { type KalshiMarket, parseMarket, parseOrderbook } from "../../kalshi/wire.ts";
import { kalshiClient } from "../venue/kalshi-market.ts";

export interface MarketView {
  readonly window: "current" | "next";
  readonly ticker: string;
  readonly listed: boolean;
  readonly status: string | null;
  readonly open: string;
  readonly close: string;
  /** Kalshi's strike, dollars with cents ("64839.26"), or null. */
  readonly strike: string | null;
  readonly yes: SideView | null;
  readonly no: SideView | null;
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
  return Promise.all([view(client, "current", current), view(client, "next", next)]);
}

async function view(client: KalshiClient, which: "current" | "next", w: Window): Promise<MarketView> {
  let market: KalshiMarket | null = null;
  try {
    market = parseMarket(await client.get(`/markets/${w.ticker}`));
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
  }
  const base = { window: which, ticker: w.ticker, open: isoUtc(market?.openTime ?? w.open), close: isoUtc(market?.closeTime ?? w.close) };
  if (market === null) return { ...base, listed: false, status: null, strike: null, yes: null, no: null };
  let quote: Quote | null = null;
  if (market.status === "active") {
    const { book } = parseOrderbook(await client.get(`/markets/${w.ticker}/orderbook`, { query: { depth: 0 } }));
    quote = quoteFromBids(w.ticker, book, market.priceRanges ?? FALLBACK_GRID).quote;
  }
  return {
    ...base,
    listed: true,
    status: market.status,
    strike: market.strikeCents === null ? null : (market.strikeCents / 100).toFixed(2),
    yes: quote ? side(quote.yes) : null,
    no: quote ? side(quote.no) : null,
  };
}

function side(s: SideQuote): SideView {
  return {
    bid: s.bid === null ? null : formatDecimal(s.bid),
    ask: s.asks[0] ? formatDecimal(s.asks[0].price) : null,
    ask_depth: s.asks.reduce((n, l) => n + l.size, 0),
    levels: s.asks.length,
  };
}

export function formatMarketViews(views: readonly MarketView[]): string {
  const lines: string[] = [];
  for (const v of views) {
    lines.push(`${v.window.padEnd(7)} ${v.ticker}`);
    lines.push(`  open ${v.open}  close ${v.close}`);
    if (!v.listed) {
      lines.push("  not listed by Kalshi (yet)");
      continue;
    }
    lines.push(`  status ${v.status}  strike ${v.strike ?? "not set yet"}`);
    for (const [name, s] of [["YES", v.yes], ["NO", v.no]] as const) {
      if (s === null) continue;
      lines.push(`  ${name.padEnd(3)} bid ${s.bid ?? "none"}  ask ${s.ask ?? "none"}  depth ${s.ask_depth} contracts on ${s.levels} level(s)`);
    }
    if (v.yes === null && v.status === "active") lines.push("  (no book)");
  }
  return lines.join("\n");
}

async function marketsText(config: AppConfig, json: boolean): Promise<string> {
  // Two quick tries at most: a command line answer, never a long wait.
  const client = kalshiClient(config, { maxRetries: 1 });
  let views: MarketView[];
  try {
    views = await fetchMarketViews(client, config.series, Math.floor(Date.now() / 1000));
  } catch (e) {
    throw new UserError(`cannot get market data from Kalshi at ${config.kalshi.baseUrl}: ${(e as Error).message}`);
  } finally {
    client.close();
  }
  return json ? JSON.stringify(views, null, 2) + "\n" : formatMarketViews(views) + "\n";
}

/** `btc15 markets`: the current and next KXBTC15M markets from Kalshi's public data (no key). */
export async function marketsCommand(o: { readonly json?: boolean; readonly config?: string }, io: Io = PROCESS_IO): Promise<void> {
  const config = resolveConfig({ ...(o.config ? { file: o.config } : {}), env: io.env });
  io.out.write(await marketsText(config, o.json === true));
}
