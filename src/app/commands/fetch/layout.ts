import { existsSync } from "node:fs";
import { join } from "node:path";

export const DAY_SECONDS = 86_400;

/**
 * Where `btc15 fetch` keeps what it downloads: one file per UTC day, written atomically, so a
 * day's file exists only once the whole day was fetched and "complete" is a file check.
 *
 *   OUT/kalshi/KXBTC15M_2026-03-11.csv       quotes of the markets closing that day
 *   OUT/btc/btcusd_1m_2026-03-11.csv         that day's BTC/USD minutes (Coinbase)
 *   OUT/btc/btcusd_1m_2026-03-11.partial.csv part of a day (Kraken's last 720 minutes), fetched again next run
 *   OUT/eth/ethusd_1m_2026-03-11.csv         another series' coin: its own folder
 */
export interface FetchLayout {
  readonly kalshiDir: string;
  readonly btcDir: string;
  quotes(day: number): string;
  btc(day: number): string;
  btcPartial(day: number): string;
}

/** `coin`: whose minutes (OUT/eth/ethusd_1m_….csv for ETH); Bitcoin's by default. */
export function fetchLayout(outDir: string, series: string, coin = "BTC"): FetchLayout {
  const c = coin.toLowerCase();
  const kalshiDir = join(outDir, "kalshi");
  const btcDir = join(outDir, c);
  return {
    kalshiDir,
    btcDir,
    quotes: (day) => join(kalshiDir, `${series}_${dayLabel(day)}.csv`),
    btc: (day) => join(btcDir, `${c}usd_1m_${dayLabel(day)}.csv`),
    btcPartial: (day) => join(btcDir, `${c}usd_1m_${dayLabel(day)}.partial.csv`),
  };
}

export function isComplete(path: string): boolean {
  return existsSync(path);
}

/** "2026-03-11" for the UTC day starting at `day`. */
export function dayLabel(day: number): string {
  return new Date(day * 1000).toISOString().slice(0, 10);
}

/** The starts of the UTC days that [from, to) touches: fetching works in whole days. */
export function utcDays(from: number, to: number): number[] {
  const days: number[] = [];
  for (let d = Math.floor(from / DAY_SECONDS) * DAY_SECONDS; d < to; d += DAY_SECONDS) days.push(d);
  return days;
}
