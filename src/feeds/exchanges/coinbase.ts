import { ALIVE, type ExchangeAdapter, type Frame, UNKNOWN, isObject, midOr, num } from "../frame.ts";

/**
 * Coinbase Exchange: ticker (price = top-of-book mid, which tracks BRTI better than the last
 * trade), heartbeat (1/s, proof of life) and matches (only for gap detection: trade ids rise by
 * one per match, and the heartbeat names the last one, so a missed match shows).
 */
export class CoinbaseAdapter implements ExchangeAdapter {
  readonly name = "coinbase";
  readonly usd = true;
  private lastSequence = -1;
  private lastTradeId = -1;

  constructor(readonly url: string, private readonly product: string) {}

  subscribe(): string[] {
    return [JSON.stringify({ type: "subscribe", product_ids: [this.product], channels: ["ticker", "heartbeat", "matches"] })];
  }

  reset(): void {
    this.lastSequence = -1;
    this.lastTradeId = -1;
  }

  read(m: unknown): Frame {
    if (!isObject(m)) return UNKNOWN;
    const type = m.type;
    if (type === "ticker" || type === "heartbeat" || type === "match" || type === "last_match") {
      if (m.product_id !== this.product) return UNKNOWN;
      // A sequence below the last one is a late message: it must not overwrite a newer price. (A
      // ticker shares its sequence with the match that caused it, so equal is not late.)
      const seq = m.sequence;
      if (typeof seq === "number") {
        if (seq < this.lastSequence) return ALIVE;
        this.lastSequence = seq;
      }
      if (type === "ticker") return { kind: "price", price: midOr(num(m.best_bid), num(m.best_ask), num(m.price)), exchangeMs: Date.parse(m.time as string) };
      const gap = this.tradeGap(type === "heartbeat" ? m.last_trade_id : m.trade_id, type === "match");
      return gap > 0 ? { kind: "alive", gap } : ALIVE;
    }
    if (type === "subscriptions") return ALIVE;
    if (type === "error") return { kind: "error", message: `coinbase: ${String(m.message)}${m.reason ? ` (${String(m.reason)})` : ""}` };
    return UNKNOWN;
  }

  /** Trades missed before this one: a match must follow the last by one; a heartbeat may not be ahead of it. */
  private tradeGap(id: unknown, isMatch: boolean): number {
    if (typeof id !== "number") return 0;
    const last = this.lastTradeId;
    if (id <= last) return 0;
    this.lastTradeId = id;
    if (last < 0) return 0;
    return isMatch ? id - last - 1 : id - last;
  }
}
