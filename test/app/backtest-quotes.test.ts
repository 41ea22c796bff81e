import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backtestCommand } from "../../src/app/commands/backtest.ts";
import { readReportData } from "../../src/app/commands/report-html/command.ts";
import { BacktestError, runBacktest } from "../../src/app/drivers/backtest.ts";
import { runSeriesBacktest } from "../../src/app/drivers/backtest-series.ts";
import { defaultConfig, parseConfig } from "../../src/config/load.ts";
import { tickerForClose } from "../../src/domain/window.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";
import { gaussian } from "../helpers.ts";

const START = Date.parse("2026-03-15T00:00:00Z") / 1000;
const dir = mkdtempSync(join(tmpdir(), "btc15-backtest-quotes-"));

/** Four hours of made-up one-minute BTC bars. */
function writePrices(start = START): string {
  const g = gaussian(7);
  const lines = ["timestamp_unix_seconds,open,high,low,close,volume"];
  let p = 70_000;
  for (let i = 0; i < 240; i++) {
    const open = p;
    p = Math.round(p * (1 + 0.0006 * g()) * 100) / 100;
    lines.push(`${start + 60 * i},${open},${Math.max(open, p)},${Math.min(open, p)},${p},1`);
  }
  const path = join(dir, `prices-${start}.csv`);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

/** The mid recorded under label open + 60·j of window k, and made-up official results. */
const midOf = (k: number, j: number) => (20 + ((3 * k + 7 * j) % 60)) / 100;
const resultOf = (k: number) => (k % 2 === 0 ? "yes" : "no");

function writeQuotes(strike: string | null = null): string {
  const lines = [`minute_ts,ticker,open_ts,close_ts,yes_mid,volume,result${strike === null ? "" : ",floor_strike"}`];
  for (let k = 4; k <= 12; k++) {
    const open = START + 900 * k;
    for (let j = 0; j < 15; j++) lines.push(`${open + 60 * j},${tickerForClose(open + 900)},${open},${open + 900},${midOf(k, j).toFixed(4)},,${resultOf(k)}${strike === null ? "" : `,${strike}`}`);
  }
  const path = join(dir, strike === null ? "quotes.csv" : "quotes-strike.csv");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

/** Brier of the recorded mids at every checkpoint of windows 4…12 when the row labelled j minutes in is used `lagRows` minutes later. */
function midBrier(lagRows: number): number {
  let sum = 0;
  let n = 0;
  for (let k = 4; k <= 12; k++) {
    for (let minutes = 1; minutes <= 14; minutes++) {
      const y = resultOf(k) === "yes" ? 1 : 0;
      sum += (midOf(k, 15 - minutes - lagRows) - y) ** 2;
      n++;
    }
  }
  return sum / n;
}

describe("a backtest against recorded quotes", () => {
  const prices = writePrices();
  const quotes = writeQuotes();

  it("uses each row from its label, or from its label plus --quote-delay", async () => {
    const now = await runBacktest({ files: [prices], quotes: [quotes], config: defaultConfig(), outDir: join(dir, "now") });
    const late = await runBacktest({ files: [prices], quotes: [quotes], config: defaultConfig(), outDir: join(dir, "late"), quoteDelaySeconds: 30 });
    expect(now.baselines.market!.forecasts_scored).toBe(9 * 14);
    expect(now.baselines.market!.brier).toBeCloseTo(midBrier(0), 12);
    // 30 s late: at each whole minute the row of the minute before is the latest usable one.
    expect(late.baselines.market!.brier).toBeCloseTo(midBrier(1), 12);
    expect(late.market_data!.quote_delay_seconds).toBe(30);
    expect(late.baselines.note).toMatch(/each row used from 30 s after its label/);
  });

  it("draws model and market in the HTML report only on identical checkpoints", async () => {
    const out = join(dir, "report");
    // Quotes for some windows only: the model forecasts in many more.
    const r = await runBacktest({ files: [prices], quotes: [quotes], config: defaultConfig(), outDir: out });
    expect(r.forecasts_scored).toBeGreaterThan(r.baselines.market!.forecasts_scored);
    const d = await readReportData(out, "2026-03-16T00:00:00Z");
    if ("absent" in d.scores) throw new Error(d.scores.absent);
    const by = new Map(d.scores.forecasters.map((f) => [f.key, f]));
    const m = r.baselines.market!;
    expect(by.get("market")!.brier).toBe(m.brier);
    expect(by.get("model")!.brier).toBe(m.model.brier);
    expect(by.get("model")!.brier).not.toBe(r.brier);
    expect(by.get("model")!.brierByMinutes).toEqual(m.model.brier_by_minutes_to_close);
    expect(by.get("fair_value")!.brier).toBe(m.fair_value.brier);
    for (const f of d.scores.forecasters) expect(f.n).toBe(m.forecasts_scored);
    expect(d.scores.windows).toBe(m.windows);
    expect(d.scores.notes[0]).toMatch(/scored on the same 126 checkpoints \(9 windows\)/);
  });

  it("decides against a quote file's floor_strike, as against Kalshi's live, with our own average beside it", async () => {
    const out = join(dir, "strike");
    // Far below every price: the fair value says up with near certainty, so the strategy buys YES.
    await runBacktest({ files: [prices], quotes: [writeQuotes("60000.00")], config: defaultConfig(), outDir: out });
    const trades = loadTradeJournal(out).records.filter((r) => r.type === "trade");
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) {
      if (t.type !== "trade") continue;
      expect(t.strike).toBe("60000.00");
      expect(t.strike_source).toBe("kalshi");
      expect(Number(t.proxy_strike)).toBeGreaterThan(65_000);
      expect(t.side).toBe("yes");
    }
  });

  it("is an error, in one line, when no window of the prices was quoted", async () => {
    const elsewhere = writePrices(START + 86_400 * 10);
    const run = runBacktest({ files: [elsewhere], quotes: [quotes], config: defaultConfig(), outDir: join(dir, "none") });
    await expect(run).rejects.toThrow(BacktestError);
    await expect(runBacktest({ files: [elsewhere], quotes: [quotes], config: defaultConfig(), outDir: join(dir, "none"), force: true })).rejects.toThrow(
      /^no window was quoted: of [\d,]+ seconds asked, [\d,]+ no row of their market yet \(quotes 2026-03-15T01:00:00Z → 2026-03-15T03:14:00Z, prices 2026-03-25T00:00:00Z → 2026-03-25T03:59:00Z\); do the quotes cover the prices' dates\?$/,
    );
  });

  it("is the same error for one series of a backtest of several", async () => {
    const elsewhere = writePrices(START + 86_400 * 10);
    const config = parseConfig({ series: "KXBTC15M,KXETH15M" });
    const run = runSeriesBacktest({ config, data: { KXBTC15M: [elsewhere], KXETH15M: [elsewhere] }, quotes: { KXBTC15M: [quotes] }, outDir: join(dir, "none-series") });
    await expect(run).rejects.toThrow(/^no window was quoted: of [\d,]+ seconds asked, [\d,]+ no row of their market yet /);
  });

  it("refuses --quote-delay and --assume-spread without --quotes", async () => {
    const io = { out: { write: () => true }, err: { write: () => true } } as never;
    await expect(backtestCommand({ data: [prices], quoteDelay: 10, out: join(dir, "x") }, io)).rejects.toThrow(/--quote-delay only applies with --quotes/);
    await expect(backtestCommand({ data: [prices], assumeSpread: 2, quoteDelay: 10, out: join(dir, "x") }, io)).rejects.toThrow(/--assume-spread and --quote-delay only apply with --quotes/);
  });
});
