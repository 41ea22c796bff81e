import { ALIVE, type ExchangeAdapter, type Frame, type Products, UNKNOWN, isObject, num } from "../frame.ts";

/**
 * Bitstamp: live trades (it has no ticker channel), one `live_trades_<pair>` channel per coin on
 * the same connection. The server sends no heartbeat of its own, so we send `bts:heartbeat` every
 * ping interval and its reply proves the connection alive.
 */
export class BitstampAdapter implements ExchangeAdapter {
  readonly name = "bitstamp";
  readonly usd = true;
  readonly coins: readonly string[];
  /** Channel → coin. */
  private readonly channels: ReadonlyMap<string, string>;

  constructor(readonly url: string, products: Products) {
    this.coins = Object.keys(products);
    this.channels = new Map(Object.entries(products).map(([coin, pair]) => [`live_trades_${pair}`, coin]));
  }

  subscribe(): string[] {
    return [...this.channels.keys()].map((channel) => JSON.stringify({ event: "bts:subscribe", data: { channel } }));
  }

  keepalive(): string {
    return '{"event":"bts:heartbeat"}';
  }

  reset(): void {}

  read(m: unknown): Frame {
    if (!isObject(m)) return UNKNOWN;
    const event = m.event;
    if (event === "trade") {
      const d = m.data;
      const coin = typeof m.channel === "string" ? this.channels.get(m.channel) : undefined;
      if (coin === undefined || !isObject(d)) return UNKNOWN;
      return { kind: "price", coin, price: num(d.price_str ?? d.price), exchangeMs: num(d.microtimestamp) / 1000 };
    }
    if (event === "bts:heartbeat" || event === "bts:subscription_succeeded") return ALIVE;
    if (event === "bts:request_reconnect") return { kind: "reconnect", message: "bitstamp asked to reconnect" };
    if (event === "bts:error") return { kind: "error", message: `bitstamp: ${isObject(m.data) ? String(m.data.message) : "error"}` };
    return UNKNOWN;
  }
}
