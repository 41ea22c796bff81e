import { ALIVE, type ExchangeAdapter, type Frame, UNKNOWN, isObject, midOr, num } from "../frame.ts";

/** Kraken WebSocket v2: the ticker channel, published on every change of the best bid or offer. */
export class KrakenAdapter implements ExchangeAdapter {
  readonly name = "kraken";
  readonly usd = true;

  constructor(readonly url: string, private readonly symbol: string) {}

  subscribe(): string[] {
    return [JSON.stringify({ method: "subscribe", params: { channel: "ticker", symbol: [this.symbol], event_trigger: "bbo", snapshot: true }, req_id: 1 })];
  }

  reset(): void {}

  read(m: unknown): Frame {
    if (!isObject(m)) return UNKNOWN;
    const channel = m.channel;
    if (channel === "ticker") {
      const data = m.data;
      if (!Array.isArray(data)) return UNKNOWN;
      for (let i = data.length - 1; i >= 0; i--) {
        const d: unknown = data[i];
        if (isObject(d) && d.symbol === this.symbol) return { kind: "price", price: midOr(num(d.bid), num(d.ask), num(d.last)), exchangeMs: typeof d.timestamp === "string" ? Date.parse(d.timestamp) : NaN };
      }
      return UNKNOWN;
    }
    if (channel === "heartbeat" || channel === "status") return ALIVE;
    const method = m.method;
    if (method === "subscribe" || method === "pong") return m.success === false ? { kind: "error", message: `kraken: ${String(m.error)}` } : ALIVE;
    if (m.error !== undefined) return { kind: "error", message: `kraken: ${String(m.error)}` };
    return UNKNOWN;
  }
}
