import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../../src/app/drivers/backtest.ts";
import { collectMarketCheckpoints } from "../../../src/app/research/fit/market-checkpoints.ts";
import { defaultConfig } from "../../../src/config/load.ts";
import { tickerForClose } from "../../../src/domain/window.ts";
import { readQuoteFiles } from "../../../src/history/quote-files.ts";
import { gaussian } from "../../helpers.ts";

const START = Date.parse("2026-03-15T00:00:00Z") / 1000;
const dir = mkdtempSync(join(tmpdir(), "btc15-market-checkpoints-"));

/** Four hours of made-up one-minute BTC bars. */
function writePrices(): string {
  const g = gaussian(11);
  const lines = ["timestamp_unix_seconds,open,high,low,close,volume"];
  let p = 70_000;
  for (let i = 0; i < 240; i++) {
    const open = p;
    p = Math.round(p * (1 + 0.0006 * g()) * 100) / 100;
    lines.push(`${START + 60 * i},${open},${Math.max(open, p)},${Math.min(open, p)},${p},1`);
  }
  const path = join(dir, "prices.csv");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

/** The mid quoted j minutes into window k: whole cents inside 10–90¢, so a 2¢ spread keeps it exact. */
const midOf = (k: number, j: number) => (20 + ((3 * k + 4 * j) % 60)) / 100;
/** Made-up official results: not what our prices say, so the test sees which one is used. */
const resultOf = (k: number) => (k % 3 === 0 ? "yes" : "no");

/** Mid-only quotes of windows 4…12 (one row a minute, as the development data), window 9 without a result. */
function writeQuotes(withResultless: boolean): string {
  const lines = ["minute_ts,ticker,open_ts,close_ts,yes_mid,volume,result"];
  for (let k = 4; k <= 12; k++) {
    if (k === 9 && !withResultless) continue;
    const open = START + 900 * k;
    for (let j = 0; j < 15; j++) lines.push(`${open + 60 * j},${tickerForClose(open + 900)},${open},${open + 900},${midOf(k, j).toFixed(4)},,${k === 9 ? "" : resultOf(k)}`);
  }
  const path = join(dir, withResultless ? "quotes-all.csv" : "quotes.csv");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

describe("the market checkpoints the blend is fitted on", () => {
  const prices = writePrices();
  const quotes = writeQuotes(false);
  const all = writeQuotes(true);

  it("are each quoted window's whole minutes 1–14 before the close, with the mid then quoted and Kalshi's official result", async () => {
    const rows = await collectMarketCheckpoints([prices], await readQuoteFiles([quotes]), defaultConfig());
    expect(rows).toHaveLength(8 * 14);
    for (const r of rows) {
      const k = (r.close - START) / 900 - 1;
      expect(k).toBeGreaterThanOrEqual(4);
      expect(k).toBeLessThanOrEqual(12);
      expect(r.minutes).toBeGreaterThanOrEqual(1);
      expect(r.minutes).toBeLessThanOrEqual(14);
      // The row that holds at the checkpoint, close − 60·minutes = open + 60·(15 − minutes): never a later one.
      expect(r.mid).toBeCloseTo(midOf(k, 15 - r.minutes), 12);
      expect(r.up).toBe(resultOf(k) === "yes");
      expect(r.fairValue).toBeGreaterThanOrEqual(0);
      expect(r.fairValue).toBeLessThanOrEqual(1);
      expect(r.pUp).toBe(r.fairValue); // the fitted default forecaster is the fair value
    }
  });

  it("leave out a window the recording has no official result for", async () => {
    const rows = await collectMarketCheckpoints([prices], await readQuoteFiles([all]), defaultConfig());
    const without = await collectMarketCheckpoints([prices], await readQuoteFiles([quotes]), defaultConfig());
    expect(rows).toEqual(without);
  });

  it("are the checkpoints the backtest's market baseline scores, with the same scores", async () => {
    const rows = await collectMarketCheckpoints([prices], await readQuoteFiles([quotes]), defaultConfig());
    const r = await runBacktest({ files: [prices], quotes: [quotes], config: defaultConfig(), outDir: join(dir, "backtest") });
    const m = r.baselines.market!;
    expect(m.forecasts_scored).toBe(rows.length);
    expect(m.windows).toBe(new Set(rows.map((c) => c.close)).size);
    const brier = (p: (c: (typeof rows)[0]) => number) => rows.reduce((s, c) => s + (p(c) - (c.up ? 1 : 0)) ** 2, 0) / rows.length;
    expect(m.brier).toBeCloseTo(brier((c) => c.mid), 12);
    expect(m.fair_value.brier).toBeCloseTo(brier((c) => c.fairValue), 12);
  });
});
