// Backtests of other series on generated prices (btc15 bundles only Bitcoin's, and no ETH, SOL or
// XRP history is available to it): KXETH15M on ETH-like prices near $3,000, KXXRP15M on XRP-like
// prices near $2 whose strikes Kalshi rounds to four decimals. Each window's ticker is the
// series', each strike the minute bar's estimate of the 60 seconds before the open at the series'
// decimals, each settlement the next strike, and the volatility is estimated from the coin's own prices.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/app/drivers/backtest.ts";
import { runSeriesBacktest } from "../../src/app/drivers/backtest-series.ts";
import { parseConfig } from "../../src/config/load.ts";
import { MINUTE_MEAN_ESTIMATORS } from "../../src/domain/bar-placement.ts";
import type { PredictionRecord, TradeRecord, WindowRecord } from "../../src/domain/records.ts";
import { windowClosingAt } from "../../src/domain/window.ts";
import { readPredictions } from "../../src/store/prediction-days.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";
import { cli } from "../cli/run.ts";
import { gaussian } from "../helpers.ts";

const START = Date.UTC(2026, 2, 2) / 1000; // a Monday, 00:00 UTC
const YEAR = 365 * 24 * 3600;

interface Bar {
  t: number;
  o: number;
  h: number;
  l: number;
  c: number;
}

/** One-minute bars of a geometric random walk drawn a second at a time, prices kept to `digits` decimals. */
function generate(seed: number, minutes: number, start: number, annualVol: number, digits: number): Bar[] {
  const g = gaussian(seed);
  const sigma = annualVol / Math.sqrt(YEAR);
  const round = (x: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  const bars: Bar[] = [];
  let p = start;
  for (let m = 0; m < minutes; m++) {
    const o = round(p);
    let h = o;
    let l = o;
    for (let s = 0; s < 60; s++) {
      p *= Math.exp(sigma * g() - (sigma * sigma) / 2);
      h = Math.max(h, round(p));
      l = Math.min(l, round(p));
    }
    bars.push({ t: START + m * 60, o, h, l, c: round(p) });
  }
  return bars;
}

function csv(bars: readonly Bar[], digits: number): string {
  const f = (x: number) => x.toFixed(digits);
  return "timestamp_unix_seconds,open,high,low,close,volume\n" + bars.map((b) => `${b.t},${f(b.o)},${f(b.h)},${f(b.l)},${f(b.c)},1.5`).join("\n") + "\n";
}

async function backtest(series: string, bars: readonly Bar[], digits: number) {
  const dir = mkdtempSync(join(tmpdir(), `btc15-${series}-`));
  writeFileSync(join(dir, "prices.csv"), csv(bars, digits));
  const out = join(dir, "out");
  // The demo's mispriced synthetic market, so there is something to trade; a prediction a minute.
  const config = parseConfig({ series, synthetic: { mispricingCents: 3 }, backtest: { predictionEverySeconds: 60 } });
  const result = await runBacktest({ files: [join(dir, "prices.csv")], config, outDir: out });
  const windows = readFileSync(join(out, "windows.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as WindowRecord);
  const trades = loadTradeJournal(out).records.filter((r): r is TradeRecord => r.type === "trade");
  const predictions: PredictionRecord[] = [];
  for await (const p of readPredictions(out)) predictions.push(p);
  return { result, windows, trades, predictions };
}

/** The strike of the window opening at `open`: the minute bar before it, the backtest's estimator, at the series' decimals. */
function strikeOf(bars: readonly Bar[], open: number, digits: number): string {
  const b = bars.find((x) => x.t === open - 60)!;
  return MINUTE_MEAN_ESTIMATORS.typical(b.o, b.h, b.l, b.c).toFixed(digits);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function checkWindows(series: string, bars: readonly Bar[], windows: readonly WindowRecord[], digits: number): void {
  const decimals = new RegExp(`^\\d+\\.\\d{${digits}}$`);
  expect(windows.length).toBeGreaterThan((bars.length / 15) * 0.9);
  for (const w of windows) {
    expect(w.ticker).toBe(windowClosingAt(w.window_close, series).ticker);
    expect(w.source).toBe("proxy");
    if (w.strike === null || w.settlement_value === null) continue;
    expect(w.strike).toMatch(decimals);
    expect(w.settlement_value).toMatch(decimals);
    expect(w.strike).toBe(strikeOf(bars, w.window_open, digits));
    expect(w.settlement_value).toBe(strikeOf(bars, w.window_close, digits));
    expect(w.result).toBe(Number(w.settlement_value) >= Number(w.strike) ? "yes" : "no");
  }
  // Each window's settlement is the next one's strike.
  for (let i = 1; i < windows.length; i++) if (windows[i]!.window_open === windows[i - 1]!.window_close && windows[i]!.strike !== null) expect(windows[i]!.strike).toBe(windows[i - 1]!.settlement_value);
}

describe("a backtest of another series", () => {
  it("KXETH15M on ETH-like prices: its tickers, its strikes and settlements, its own volatility", async () => {
    const vol = 0.7;
    const bars = generate(31, 2 * 1440, 3_000, vol, 2);
    const { result, windows, trades, predictions } = await backtest("KXETH15M", bars, 2);
    checkWindows("KXETH15M", bars, windows, 2);
    expect(result.trades).toBeGreaterThan(0);
    for (const t of trades) {
      expect(t.ticker).toBe(windowClosingAt(t.window_close, "KXETH15M").ticker);
      expect(Number(t.btc_price)).toBeGreaterThan(2_000);
      expect(Number(t.btc_price)).toBeLessThan(4_500);
    }
    // The forecaster's volatility is the coin's own: near the 70% a year the prices were drawn with.
    const truth = vol * Math.sqrt(900 / YEAR);
    expect(median(predictions.map((p) => p.sigma_15m)) / truth).toBeGreaterThan(0.75);
    expect(median(predictions.map((p) => p.sigma_15m)) / truth).toBeLessThan(1.25);
    expect(result.brier).toBeLessThan(0.25);
  });

  it("KXXRP15M on XRP-like prices near $2: strikes kept to the four decimals Kalshi rounds them to, not to cents", async () => {
    const bars = generate(32, 1440, 2.1, 1.0, 4);
    const { result, windows, trades } = await backtest("KXXRP15M", bars, 4);
    checkWindows("KXXRP15M", bars, windows, 4);
    // Cents would have rounded most of these away: at $2 a cent is half a percent.
    expect(windows.filter((w) => w.strike !== null && !/00$/.test(w.strike)).length).toBeGreaterThan(windows.length / 2);
    for (const t of trades) {
      expect(t.strike).toMatch(/^\d\.\d{4}$/);
      expect(t.btc_price).toMatch(/^\d\.\d{4}$/);
    }
    expect(result.trades).toBeGreaterThan(0);
  });

  it("needs each coin's prices, and refuses a series btc15 does not know", async () => {
    const eth = await cli(["backtest", "--series", "KXETH15M"]);
    expect(eth.code).toBe(2);
    expect(eth.stderr).toMatch(/btc15 bundles only Bitcoin's prices: give KXETH15M's \(ETH\/USD one-minute or one-second bars\) with --data FILE/);
    const two = await cli(["backtest", "--series", "KXBTC15M,KXETH15M"]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/btc15 bundles only Bitcoin's prices: give KXETH15M price files with --data KXETH15M=FILE/);
    const stray = await cli(["backtest", "--series", "KXBTC15M,KXETH15M", "--data", "KXSOL15M=x.csv"]);
    expect(stray.stderr).toMatch(/--data KXSOL15M=x\.csv: KXSOL15M is not one of the series traded \(KXBTC15M, KXETH15M; --series sets them\)/);
    const doge = await cli(["backtest", "--series", "KXDOGE15M"]);
    expect(doge.code).not.toBe(0);
    expect(doge.stderr).toMatch(/unknown series KXDOGE15M: btc15 knows KXBTC15M, KXETH15M, KXSOL15M, KXXRP15M/);
  });
});

describe("a backtest of several series together", () => {
  it("runs each series as it runs alone, in one time order, and the total limit refuses what each alone would trade", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-series-bt-"));
    const btc = generate(41, 1440, 96_000, 0.5, 2);
    const eth = generate(42, 1440, 3_000, 0.7, 2);
    writeFileSync(join(dir, "btc.csv"), csv(btc, 2));
    writeFileSync(join(dir, "eth.csv"), csv(eth, 2));
    const data = { KXBTC15M: [join(dir, "btc.csv")], KXETH15M: [join(dir, "eth.csv")] };
    const base = { series: ["KXBTC15M", "KXETH15M"], synthetic: { mispricingCents: 3 } };
    // Without a total limit the series do not touch: each journal is the one a backtest of that series alone makes.
    const together = await runSeriesBacktest({ config: parseConfig(base), data, outDir: join(dir, "both") });
    expect(together.refused_by_total_limits).toBe(0);
    for (const s of ["KXBTC15M", "KXETH15M"] as const) {
      await runBacktest({ files: data[s], config: parseConfig({ ...base, series: s }), outDir: join(dir, `alone-${s}`) });
      expect(readFileSync(join(dir, "both", s, "trades.jsonl"), "utf8"), s).toBe(readFileSync(join(dir, `alone-${s}`, "trades.jsonl"), "utf8"));
    }
    expect(together.total.trades).toBe(together.series.KXBTC15M!.trades + together.series.KXETH15M!.trades);
    expect(together.series.KXETH15M!.trades).toBeGreaterThan(0);
    // A total a single trade fits but two open at once do not.
    const dearest = Math.max(...["KXBTC15M", "KXETH15M"].flatMap((s) => loadTradeJournal(join(dir, "both", s)).records.flatMap((r) => (r.type === "trade" ? [Number(r.cost) + Number(r.fee)] : []))));
    const limited = await runSeriesBacktest({ config: parseConfig({ ...base, risk: { total: { maxOpenExposure: Math.ceil(dearest * 100) / 100 + 0.01 } } }), data, outDir: join(dir, "limited") });
    expect(limited.refused_by_total_limits).toBeGreaterThan(0);
    expect(limited.total.trades).toBeLessThan(together.total.trades);
  });
});
