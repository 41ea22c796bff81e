import { ALIVE, type ExchangeAdapter, type Frame, type Products, UNKNOWN, coinOf, coinsByProduct, isObject, midOr, num } from "../frame.ts";

/**
 * Kraken WebSocket v2: the ticker channel, published on every change of the best bid or offer,
 * one subscription naming every coin's symbol; a message's `data` may hold several symbols.
 */
export class KrakenAdapter implements ExchangeAdapter {
  readonly name = "kraken";
  readonly usd = true;
  readonly coins: readonly string[];
  private readonly byProduct: ReadonlyMap<string, string>;

  constructor(readonly url: string, private readonly products: Products) {
    this.coins = Object.keys(products);
    this.byProduct = coinsByProduct(products);
  }

  subscribe(): string[] {
    return [JSON.stringify({ method: "subscribe", params: { channel: "ticker", symbol: Object.values(this.products), event_trigger: "bbo", snapshot: true }, req_id: 1 })];
  }

  reset(): void {}

  read(m: unknown): Frame | readonly Frame[] {
    if (!isObject(m)) return UNKNOWN;
    const channel = m.channel;
    if (channel === "ticker") {
      const data = m.data;
      if (!Array.isArray(data)) return UNKNOWN;
      // The last entry of each symbol is its latest.
      const latest = new Map<string, Frame>();
      for (const d of data as unknown[]) {
        if (!isObject(d)) continue;
        const coin = coinOf(this.byProduct, d.symbol);
        if (coin === undefined) continue;
        latest.set(coin, { kind: "price", coin, price: midOr(num(d.bid), num(d.ask), num(d.last)), exchangeMs: typeof d.timestamp === "string" ? Date.parse(d.timestamp) : NaN });
      }
      if (latest.size === 0) return UNKNOWN;
      return latest.size === 1 ? latest.values().next().value! : [...latest.values()];
    }
    if (channel === "heartbeat" || channel === "status") return ALIVE;
    const method = m.method;
    if (method === "subscribe" || method === "pong") return m.success === false ? { kind: "error", message: `kraken: ${String(m.error)}` } : ALIVE;
    if (m.error !== undefined) return { kind: "error", message: `kraken: ${String(m.error)}` };
    return UNKNOWN;
  }
}
