import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCore } from "../../../src/app/core/builder.ts";
import { lagFromMinuteFiles } from "../../../src/app/research/lag/collect.ts";
import { minuteCaveats } from "../../../src/app/research/lag/summary.ts";
import { parseConfig } from "../../../src/config/load.ts";
import { windowAt } from "../../../src/domain/window.ts";
import { MemoryJournal } from "../../../src/engine/journal.ts";
import { replayHistory } from "../../../src/history/files.ts";
import { gaussian } from "../../helpers.ts";

/**
 * Minute bars and a quotes file whose row labelled L holds our own fair value at instant L: a
 * market with no delay, recorded a row a minute.
 */
async function minuteFiles(dir: string) {
  const config = parseConfig({ model: { warmupSeconds: 120 } });
  const g = gaussian(11);
  const start = Date.parse("2026-11-02T00:00:00Z") / 1000 - 600;
  const rows = ["timestamp_unix_seconds,open,high,low,close,volume"];
  let p = 64_000;
  for (let m = 0; m < 10 + 4 * 15 * 4; m++) {
    const open = p;
    p *= 1 + 0.0015 * g();
    rows.push(`${start + 60 * m},${open.toFixed(2)},${Math.max(open, p).toFixed(2)},${Math.min(open, p).toFixed(2)},${p.toFixed(2)},1`);
  }
  const prices = join(dir, "prices.csv");
  writeFileSync(prices, rows.join("\n") + "\n");
  const fair = new Map<number, { fv: number; ticker: string }>();
  const core = buildCore({ config, market: { kind: "none" }, settlement: "proxy", journal: new MemoryJournal(), predictionEverySeconds: 0, listeners: [{ onForecast: (e) => fair.set(e.t, { fv: e.forecast.fairValue, ticker: e.window.ticker }) }] });
  await replayHistory([prices], core.sampler);
  core.sampler.flush();
  const quotes = ["minute_ts,ticker,yes_mid"];
  for (const [t, { fv, ticker }] of fair) if (t % 60 === 0 && ticker === windowAt(t).ticker) quotes.push(`${t},${ticker},${Math.min(0.97, Math.max(0.03, fv)).toFixed(4)}`);
  const quotesFile = join(dir, "quotes.csv");
  writeFileSync(quotesFile, quotes.join("\n") + "\n");
  return { config, prices, quotesFile };
}

describe("btc15 research lag on minute files", () => {
  it("has the rows' resolution: a market with no delay is found at the quote delay, to the second", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-lag-min-"));
    const f = await minuteFiles(dir);
    for (const delay of [0, 10]) {
      const { result, facts } = await lagFromMinuteFiles([f.prices], [f.quotesFile], { config: f.config, quoteDelaySeconds: delay, lag: { resamples: 50 } });
      expect(result.lag_seconds).toBe(delay);
      expect(result.n_windows).toBeGreaterThanOrEqual(6);
      expect(facts.quote_delay_seconds).toBe(delay);
      expect(minuteCaveats(result, facts).join(" ")).toMatch(/--quote-delay plus a whole number of minutes/);
    }
  });
});
