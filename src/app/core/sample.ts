import { fileURLToPath } from "node:url";

/** The price history shipped with btc15 (see data/samples/README.md): the backtest's default input. */
export const BUNDLED_SAMPLE = fileURLToPath(new URL("../../../data/samples/binance_btcusdt_1m_2024-11-30_2024-12-29.csv", import.meta.url));
