import { ALIVE, type ExchangeAdapter, type Frame, type Products, UNKNOWN, coinOf, coinsByProduct, isObject, midOr, num } from "../frame.ts";

/**
 * Binance.US streams: `<symbol>@trade` (one may come from the URL, a raw stream) and
 * `<symbol>@bookTicker`, subscribed live on the same connection for every coin, because trades on
 * Binance.US can pause for a long time while the book keeps moving. Every frame names its symbol
 * (`s`), which says the coin. Prices are USDT (usd = false): the index converts them or keeps them out.
 */
export class BinanceUsAdapter implements ExchangeAdapter {
  readonly name = "binanceus";
  readonly usd = false;
  readonly coins: readonly string[];
  /** Upper-case symbol (as frames name it) → coin. */
  private readonly bySymbol: ReadonlyMap<string, string>;

  constructor(readonly url: string, private readonly products: Products, private readonly bookTicker: boolean) {
    this.coins = Object.keys(products);
    this.bySymbol = coinsByProduct(products, (sym) => sym.toUpperCase());
  }

  subscribe(): string[] {
    const streams: string[] = [];
    for (const sym of Object.values(this.products)) {
      const s = sym.toLowerCase();
      // The URL's own raw stream is not asked for twice.
      if (!this.url.includes(`/${s}@trade`)) streams.push(`${s}@trade`);
      if (this.bookTicker) streams.push(`${s}@bookTicker`);
    }
    return streams.length ? [JSON.stringify({ method: "SUBSCRIBE", params: streams, id: 1 })] : [];
  }

  reset(): void {}

  read(m: unknown): Frame {
    if (!isObject(m)) return UNKNOWN;
    if (m.e === "trade" || (typeof m.u === "number" && "b" in m && "a" in m)) {
      const coin = coinOf(this.bySymbol, m.s);
      if (coin === undefined) return UNKNOWN;
      if (m.e === "trade") return { kind: "price", coin, price: num(m.p), exchangeMs: num(m.E) };
      // bookTicker has no event type and no timestamp.
      return { kind: "price", coin, price: midOr(num(m.b), num(m.a), NaN), exchangeMs: NaN };
    }
    if ("result" in m && "id" in m) return ALIVE;
    if ("code" in m && "msg" in m) return { kind: "error", message: `binanceus: ${String(m.code)} ${String(m.msg)}` };
    return UNKNOWN;
  }
}
