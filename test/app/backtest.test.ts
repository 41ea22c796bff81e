import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BacktestError, type BacktestResult, runBacktest } from "../../src/app/drivers/backtest.ts";
import { BUNDLED_SAMPLE } from "../../src/app/core/sample.ts";
import { parseConfig } from "../../src/config/load.ts";
import { Account } from "../../src/engine/account.ts";
import { loadTradeJournal, journalFiles } from "../../src/store/trade-journal.ts";

/** A configuration whose forecaster departs from the fair value enough to trade against synthetic quotes. */
const trading = parseConfig({
  model: {
    volatility: { halfLifeSeconds: 1800, scale: 1.1 },
    momentum: { weight: 0 },
    meanReversion: { weight: 0.5, halfLifeSeconds: 1800 },
  },
});

const tmp = () => mkdtempSync(join(tmpdir(), "btc15-backtest-"));
const without = (r: BacktestResult) => ({ ...r, elapsed_ms: 0 });

describe("backtest on the bundled sample", () => {
  const out = tmp();
  const run = runBacktest({ files: [BUNDLED_SAMPLE], config: trading, outDir: out });

  it("reports figures that agree with each other", async () => {
    const r = await run;
    expect(r.samples).toBeGreaterThan(2_500_000);
    expect(r.windows).toBeGreaterThan(2_700);
    expect(r.trades).toBeGreaterThan(0);
    expect(r.wins).toBeLessThanOrEqual(r.trades);
    expect(r.wins + r.losses + r.open_positions).toBe(r.trades);
    expect(r.win_rate).toBeCloseTo(r.wins / (r.wins + r.losses), 12);
    expect(r.pnl).toBeCloseTo(r.final_balance - r.start_balance, 9);
    expect(r.roi).toBeCloseTo(r.pnl / r.start_balance, 12);
    expect(r.fees).toBeGreaterThan(0);
    expect(r.max_drawdown).toBeGreaterThanOrEqual(0);
    expect(r.brier).toBeGreaterThan(0);
    expect(r.brier).toBeLessThan(0.25);
    expect(r.baselines.coin_flip.brier).toBe(0.25);
    expect(r.forecasts_scored).toBe(r.windows * 14);
    for (const k of ["10", "5", "2"]) {
      expect(typeof r.brier_by_minutes_to_close[k]).toBe("number");
      expect(typeof r.baselines.fair_value.brier_by_minutes_to_close[k]).toBe("number");
    }
    // Forecasts sharpen towards the close.
    expect(r.brier_by_minutes_to_close["2"]!).toBeLessThan(r.brier_by_minutes_to_close["10"]!);
    const binned = r.calibration.reduce((s, b) => s + b.n, 0);
    expect(binned).toBe(r.forecasts_scored);
  });

  it("leaves a journal that rebuilds the same final balance", async () => {
    const r = await run;
    const journal = loadTradeJournal(out);
    expect(journal.warnings).toEqual([]);
    const s = Account.fromRecords(journal.records, 0).summary();
    expect((s.balance + s.openCost) / 10_000).toBeCloseTo(r.final_balance, 9);
    expect(s.trades).toBe(r.trades);
    const perf = JSON.parse(readFileSync(journalFiles(out).performance, "utf8"));
    expect(perf.trades).toBe(r.trades);
    expect(perf.pnl).toBeCloseTo(r.pnl, 9);
    const csv = readFileSync(journalFiles(out).tradesCsv, "utf8").trim().split("\n");
    expect(csv).toHaveLength(r.trades + 1);
  });

  it("gives identical output and journal for the same input and configuration", async () => {
    // A week of the sample, twice (the whole month once is enough for the figures above).
    const week = { files: [BUNDLED_SAMPLE], from: Date.parse("2024-12-03T00:00:00Z") / 1000, to: Date.parse("2024-12-10T00:00:00Z") / 1000, config: trading };
    const [a, b] = [tmp(), tmp()];
    const first = await runBacktest({ ...week, outDir: a });
    const again = await runBacktest({ ...week, outDir: b });
    expect(first.trades).toBeGreaterThan(0);
    expect({ ...without(again), out_dir: "" }).toEqual({ ...without(first), out_dir: "" });
    expect(readFileSync(journalFiles(b).trades, "utf8")).toBe(readFileSync(journalFiles(a).trades, "utf8"));
  });
});

describe("backtest inputs", () => {
  it("restricts to --from/--to", async () => {
    const r = await runBacktest({ files: [BUNDLED_SAMPLE], from: Date.parse("2024-12-10T00:00:00Z") / 1000, to: Date.parse("2024-12-11T00:00:00Z") / 1000, config: trading, outDir: tmp() });
    expect(r.data.first_bar).toBe("2024-12-10T00:00:00Z");
    expect(r.data.last_bar).toBe("2024-12-10T23:59:00Z");
    expect(r.samples).toBe(1440 * 60);
  });

  it("refuses to write over the live data directory", async () => {
    const live = tmp();
    await expect(runBacktest({ files: [BUNDLED_SAMPLE], config: { ...trading, dataDir: live }, outDir: live })).rejects.toThrow(BacktestError);
  });

  it("counts bad rows and explains a file with none usable", async () => {
    const dir = tmp();
    const good = readFileSync(BUNDLED_SAMPLE, "latin1").split("\n").slice(0, 3000);
    good.splice(100, 0, "1733013540,oops,1,1,1,1", "1733013540,96000,95000,97000,96000,1");
    const mixed = join(dir, "mixed.csv");
    writeFileSync(mixed, good.join("\n") + "\n");
    const r = await runBacktest({ files: [mixed], config: trading, outDir: tmp() });
    expect(r.data.skipped_rows).toBe(2);
    const junk = join(dir, "junk.csv");
    writeFileSync(junk, "timestamp_unix_seconds,open,high,low,close,volume\n1,2,3\n");
    await expect(runBacktest({ files: [junk], config: trading, outDir: tmp() })).rejects.toThrow(/no usable price rows/);
  });

  it("treats a long hole in the data as a gap: nothing is carried across it", async () => {
    const dir = tmp();
    const lines = readFileSync(BUNDLED_SAMPLE, "latin1").split("\n").slice(0, 1 + 6 * 60);
    lines.splice(1 + 3 * 60, 60); // remove an hour
    const holey = join(dir, "holey.csv");
    writeFileSync(holey, lines.join("\n") + "\n");
    const r = await runBacktest({ files: [holey], config: trading, outDir: tmp() });
    expect(r.data.gaps).toBe(1);
    expect(r.samples).toBe(5 * 60 * 60);
  });
});
