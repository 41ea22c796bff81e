export type SourceState = "connecting" | "live" | "stale" | "backoff" | "stopped" | "disabled";

/** One source's state and counters, as shown by the console and `btc15 feeds`. */
export interface SourceStatus {
  name: string;
  transport: "ws" | "rest";
  /** Quotes in US dollars (false: Binance.US, which quotes USDT). */
  usd: boolean;
  state: SourceState;
  /** The coin this status is of (one connection carries every coin; its connection counters are shared). */
  coin?: string;
  /** The last accepted price, in the source's own quote currency. */
  price: number | null;
  lastUpdateMs: number | null;
  /** Messages the connection received, for every coin it carries (REST: this coin's replies). */
  messages: number;
  /** Prices of this coin accepted. */
  prices: number;
  reconnects: number;
  parseErrors: number;
  /** Prices refused: zero, negative, not a number, or an absurd jump. */
  rejected: number;
  /** Sequence gaps (Coinbase numbers its trades). */
  gaps: number;
  /** Well-formed messages of a type we do not know. */
  unknown: number;
  /** Receive time minus the exchange's own timestamp (REST: request round trip). */
  lastLatencyMs: number | null;
  lastError: string | null;
}

/** The index's price right now, with what made it. */
export interface IndexReading {
  tsMs: number;
  /** The coin ("BTC", "ETH"…). */
  coin: string;
  /** US dollars; null when no source is fresh. */
  price: number | null;
  stale: boolean;
  mode: "composite" | "failover";
  contributors: string[];
  sources: SourceStatus[];
  /** USD per USDT learned from Binance.US against the USD sources; null until learned. */
  usdPerUsdt: number | null;
  /** Failover switches so far (composite: 0). */
  switches: number;
}

/** What every source offers the index. */
export interface PriceSource {
  readonly name: string;
  readonly transport: "ws" | "rest";
  readonly usd: boolean;
  start(): void;
  stop(): Promise<void>;
  /** Delivering prices: connected (or polling) and updated within `stalenessMs`. */
  isLive(nowMs: number): boolean;
  /** The last accepted price, or null. */
  readonly price: number | null;
  status(nowMs: number): SourceStatus;
}

/** Called for every accepted price, with the coin it is of. */
export type TickListener = (tsMs: number, price: number, source: string, coin: string) => void;
