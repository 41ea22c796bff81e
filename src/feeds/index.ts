// The feeds layer: live prices of each coin from exchange WebSockets and REST tickers, combined into one index per coin.
export type { CoinProducts, ExchangeName, FeedLog, FeedsConfig, OrderEntry } from "./config.ts";
export { EXCHANGES, feedCoins } from "./config.ts";
export type { IndexReading, SourceState, SourceStatus, TickListener } from "./status.ts";
export { CoinIndex, PriceIndex, type PriceIndexDeps } from "./price-index.ts";
export { warmStart, type WarmStart, type WarmStartDeps } from "./warm-start.ts";
