// The feeds layer: live BTC prices from exchange WebSockets and REST tickers, combined into one index.
export type { ExchangeName, FeedLog, FeedsConfig, OrderEntry } from "./config.ts";
export { EXCHANGES } from "./config.ts";
export type { IndexReading, SourceState, SourceStatus, TickListener } from "./status.ts";
export { PriceIndex, type PriceIndexDeps } from "./price-index.ts";
export { warmStart, type WarmStart, type WarmStartDeps } from "./warm-start.ts";
