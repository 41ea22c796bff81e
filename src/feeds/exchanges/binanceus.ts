import { ALIVE, type ExchangeAdapter, type Frame, UNKNOWN, isObject, midOr, num } from "../frame.ts";

/**
 * Binance.US raw streams: `<symbol>@trade` from the URL, and `<symbol>@bookTicker` subscribed
 * live because trades on Binance.US can pause for a long time while the book keeps moving.
 * Prices are USDT (usd = false): the index converts them or keeps them out.
 */
export class BinanceUsAdapter implements ExchangeAdapter {
  readonly name = "binanceus";
  readonly usd = false;

  constructor(readonly url: string, private readonly symbol: string, private readonly bookTicker: boolean) {}

  subscribe(): string[] {
    return this.bookTicker ? [JSON.stringify({ method: "SUBSCRIBE", params: [`${this.symbol.toLowerCase()}@bookTicker`], id: 1 })] : [];
  }

  reset(): void {}

  read(m: unknown): Frame {
    if (!isObject(m)) return UNKNOWN;
    if (m.e === "trade") return { kind: "price", price: num(m.p), exchangeMs: num(m.E) };
    // bookTicker has no event type and no timestamp.
    if (typeof m.u === "number" && "b" in m && "a" in m) return { kind: "price", price: midOr(num(m.b), num(m.a), NaN), exchangeMs: NaN };
    if ("result" in m && "id" in m) return ALIVE;
    if ("code" in m && "msg" in m) return { kind: "error", message: `binanceus: ${String(m.code)} ${String(m.msg)}` };
    return UNKNOWN;
  }
}
