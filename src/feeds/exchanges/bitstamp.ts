import { ALIVE, type ExchangeAdapter, type Frame, UNKNOWN, isObject, num } from "../frame.ts";

/**
 * Bitstamp: live trades (it has no ticker channel). The server sends no heartbeat of its own,
 * so we send `bts:heartbeat` every ping interval and its reply proves the connection alive.
 */
export class BitstampAdapter implements ExchangeAdapter {
  readonly name = "bitstamp";
  readonly usd = true;
  private readonly channel: string;

  constructor(readonly url: string, pair: string) {
    this.channel = `live_trades_${pair}`;
  }

  subscribe(): string[] {
    return [JSON.stringify({ event: "bts:subscribe", data: { channel: this.channel } })];
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
      if (m.channel !== this.channel || !isObject(d)) return UNKNOWN;
      return { kind: "price", price: num(d.price_str ?? d.price), exchangeMs: num(d.microtimestamp) / 1000 };
    }
    if (event === "bts:heartbeat" || event === "bts:subscription_succeeded") return ALIVE;
    if (event === "bts:request_reconnect") return { kind: "reconnect", message: "bitstamp asked to reconnect" };
    if (event === "bts:error") return { kind: "error", message: `bitstamp: ${isObject(m.data) ? String(m.data.message) : "error"}` };
    return UNKNOWN;
  }
}
