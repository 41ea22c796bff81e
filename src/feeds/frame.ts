/** What one exchange message means to us. */
export type Frame =
  /** A price of one coin (one connection carries every configured coin). */
  | { kind: "price"; coin: string; price: number; exchangeMs: number; gap?: number }
  /** Proof of life without a price: heartbeats, pongs, acknowledgements, trades we only count; `coin` when it concerns one. */
  | { kind: "alive"; coin?: string; gap?: number }
  | { kind: "unknown" }
  /** The exchange reports an error: reconnect. */
  | { kind: "error"; message: string }
  /** The exchange asks us to reconnect now. */
  | { kind: "reconnect"; message: string };

export const ALIVE: Frame = { kind: "alive" };
export const UNKNOWN: Frame = { kind: "unknown" };

/** Each configured coin's product on one exchange: coin ("BTC") → product ("BTC-USD"). */
export type Products = Readonly<Record<string, string>>;

/**
 * One exchange's WebSocket protocol: where to connect, what to send, how to read a message.
 * The connection lifecycle (ws-source.ts) is shared; an adapter holds only per-connection
 * state such as the last sequence number. One connection carries every configured coin: the
 * subscribe messages name each coin's product, and every price frame names its coin.
 */
export interface ExchangeAdapter {
  readonly name: string;
  readonly usd: boolean;
  readonly url: string;
  /** The coins this connection carries. */
  readonly coins: readonly string[];
  /** Sent on every (re)connection. */
  subscribe(): string[];
  /** Sent every ping interval besides the WebSocket ping, for exchanges that want one. */
  keepalive?(): string;
  /** Forget per-connection state (a new connection starts a new sequence). */
  reset(): void;
  /** Reads one parsed JSON message: one frame, or one per coin when a message carries several. */
  read(msg: unknown): Frame | readonly Frame[];
}

/** Product → coin, built once per adapter: a frame's product is looked up, not searched for. */
export function coinsByProduct(products: Products, spell: (product: string) => string = (p) => p): ReadonlyMap<string, string> {
  return new Map(Object.entries(products).map(([coin, p]) => [spell(p), coin]));
}

/** The coin whose product is `product`, or undefined. */
export function coinOf(byProduct: ReadonlyMap<string, string>, product: unknown): string | undefined {
  return typeof product === "string" ? byProduct.get(product) : undefined;
}

/** A price sent as a string or a number; NaN when it is neither (the guard then refuses it). */
export function num(v: unknown): number {
  return typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
}

/** The mid of a sane top of book, else the fallback (a last-trade price). */
export function midOr(bid: number, ask: number, fallback: number): number {
  return bid > 0 && ask >= bid && Number.isFinite(ask) ? (bid + ask) / 2 : fallback;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
