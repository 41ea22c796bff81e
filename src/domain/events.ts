import type { BidBook } from "./book.ts";
import type { Fill } from "./fees.ts";
import type { Side } from "./settlement.ts";
import type { PriceRange } from "./ticks.ts";

/**
 * Everything the engine learns, as stamped events: the only door into the core. Drivers (live,
 * demo, backtest, replay) build these from the world; a recording of them, fed back in the same
 * order, makes the same decisions. Times are unix milliseconds unless named `second`.
 */
export type EngineEvent = SecondEvent | MeanEvent | GapEvent | MarketEvent | BookEvent | ResultEvent | OrderEvent | KillSwitchEvent | WarmUpEvent | StopEvent;

/** The price of one second: the last price seen before the second ended. */
export interface SecondEvent {
  readonly type: "second";
  readonly second: number;
  readonly cents: number;
  /** No live source during this second: the previous price carried forward. */
  readonly carried: boolean;
  /**
   * The price was really seen then (a tick, a trade, a bar's close), not drawn on the line
   * inside a rebuilt minute: only returns between exact seconds measure volatility. Absent: not carried.
   */
  readonly exact?: boolean;
  /**
   * "index": the settlement index itself priced this second (CF Benchmarks' value, streamed by
   * Kalshi with a key: the value stamped at the second's end, the instant `second + 1`, so the 60
   * seconds before a boundary are exactly the 60 values Kalshi averages over (close − 60 s, close]).
   * Absent: the exchange median (or a history file) priced it, as without a key.
   */
  readonly source?: "index";
  /** Beside an index price: the exchange median's price of the same second, cents (the proxy's cross-check); absent when it had none. */
  readonly proxyCents?: number;
}

/**
 * The mean price over the 60 seconds [end − 60, end), estimated from the one-minute bar that
 * covers them (history without one-second prices). At a quarter-hour it is the strike of the
 * window that opens and the settlement of the one that closes, in place of the mean of the
 * seconds, which inside a minute bar hold only its open. It comes just before second end − 1.
 */
export interface MeanEvent {
  readonly type: "mean";
  readonly end: number;
  readonly cents: number;
}

/** Seconds [from, to) have no price and were too many to carry forward. */
export interface GapEvent {
  readonly type: "gap";
  readonly from: number;
  readonly to: number;
}

/** What the venue says of one market: whether it trades now, its official strike, its tick grid. */
export interface MarketEvent {
  readonly type: "market";
  /** When this was learned. */
  readonly t: number;
  readonly ticker: string;
  /** Window open and close, unix seconds. */
  readonly open: number;
  readonly close: number;
  readonly tradable: boolean;
  /** The official strike (Kalshi's floor_strike), cents, once published. */
  readonly strikeCents: number | null;
  readonly ranges: readonly PriceRange[] | null;
}

/** A venue order book (bids only), with when it was asked for and when it arrived. */
export interface BookEvent {
  readonly type: "book";
  readonly ticker: string;
  /** When the request was sent (REST), or the venue's own timestamp of the change (WebSocket). */
  readonly requestedMs: number;
  readonly receivedMs: number;
  /** Null: the book is no longer known (a missed WebSocket message, a dropped connection). */
  readonly book: BidBook | null;
}

/** A window's official outcome. */
export interface ResultEvent {
  readonly type: "result";
  readonly t: number;
  readonly ticker: string;
  /** Window close, unix seconds. */
  readonly close: number;
  readonly result: Side;
  readonly settlementCents: number | null;
  readonly strikeCents: number | null;
  /** Who said so: "kalshi", or "file" for a quotes file. */
  readonly source: string;
}

/** What became of an order the engine sent to a venue: its fill, or nothing (unfilled or failed). */
export interface OrderEvent {
  readonly type: "order";
  readonly t: number;
  readonly ref: string;
  readonly fill: Fill | null;
  /** Why nothing filled, when the venue or the network said. */
  readonly error: string | null;
}

/** The kill switch was turned on or off (its file appeared or went). */
export interface KillSwitchEvent {
  readonly type: "kill_switch";
  readonly t: number;
  readonly on: boolean;
}

/**
 * Start or end of a warm-up: history replayed at start-up only fills the buffers (no trade, no
 * prediction) until it ends.
 */
export interface WarmUpEvent {
  readonly type: "warm_up";
  readonly on: boolean;
}

/** No new trades from here on (shutdown); open positions still settle. */
export interface StopEvent {
  readonly type: "stop";
  readonly t: number;
}
