import { ALIVE, type ExchangeAdapter, type Frame, type Products, UNKNOWN, coinOf, coinsByProduct, isObject, midOr, num } from "../frame.ts";

/**
 * Coinbase Exchange: ticker (price = top-of-book mid, which tracks BRTI better than the last
 * trade), heartbeat (1/s per product, proof of life) and matches (only for gap detection: trade
 * ids rise by one per match, and the heartbeat names the last one, so a missed match shows). One
 * subscribe names every coin's product; sequences and trade ids are each product's own.
 */
export class CoinbaseAdapter implements ExchangeAdapter {
  readonly name = "coinbase";
  readonly usd = true;
  readonly coins: readonly string[];
  private readonly lastSequence = new Map<string, number>();
  private readonly lastTradeId = new Map<string, number>();
  private readonly byProduct: ReadonlyMap<string, string>;

  constructor(readonly url: string, private readonly products: Products) {
    this.coins = Object.keys(products);
    this.byProduct = coinsByProduct(products);
  }

  subscribe(): string[] {
    return [JSON.stringify({ type: "subscribe", product_ids: Object.values(this.products), channels: ["ticker", "heartbeat", "matches"] })];
  }

  reset(): void {
    this.lastSequence.clear();
    this.lastTradeId.clear();
  }

  read(m: unknown): Frame {
    if (!isObject(m)) return UNKNOWN;
    const type = m.type;
    if (type === "ticker" || type === "heartbeat" || type === "match" || type === "last_match") {
      const coin = coinOf(this.byProduct, m.product_id);
      if (coin === undefined) return UNKNOWN;
      // A sequence below the last one is a late message: it must not overwrite a newer price. (A
      // ticker shares its sequence with the match that caused it, so equal is not late.)
      const seq = m.sequence;
      if (typeof seq === "number") {
        if (seq < (this.lastSequence.get(coin) ?? -1)) return { kind: "alive", coin };
        this.lastSequence.set(coin, seq);
      }
      if (type === "ticker") return { kind: "price", coin, price: midOr(num(m.best_bid), num(m.best_ask), num(m.price)), exchangeMs: Date.parse(m.time as string) };
      const gap = this.tradeGap(coin, type === "heartbeat" ? m.last_trade_id : m.trade_id, type === "match");
      return gap > 0 ? { kind: "alive", coin, gap } : { kind: "alive", coin };
    }
    if (type === "subscriptions") return ALIVE;
    if (type === "error") return { kind: "error", message: `coinbase: ${String(m.message)}${m.reason ? ` (${String(m.reason)})` : ""}` };
    return UNKNOWN;
  }

  /** Trades missed before this one: a match must follow the last by one; a heartbeat may not be ahead of it. */
  private tradeGap(coin: string, id: unknown, isMatch: boolean): number {
    if (typeof id !== "number") return 0;
    const last = this.lastTradeId.get(coin) ?? -1;
    if (id <= last) return 0;
    this.lastTradeId.set(coin, id);
    if (last < 0) return 0;
    return isMatch ? id - last - 1 : id - last;
  }
}
