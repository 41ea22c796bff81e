import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { readReportData } from "../../src/app/commands/report-html/command.ts";
import { UserError } from "../../src/domain/errors.ts";
import { isAbsent } from "../../src/report/html/report-data.ts";
import { cli } from "../cli/run.ts";
import { T0, writeEmptyJournal, writeFixtureJournal } from "./html-fixture.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "btc15-html-"));
const AT = "2026-04-27T19:00:00Z";

/** Brier of the fixture's forecasts, worked out directly from its lines (not through the Scorecard). */
function expectedBrier(fx: ReturnType<typeof writeFixtureJournal>, pick: (p: (typeof fx.predictions)[number]) => number | null) {
  const results = new Map(fx.windows.map((w) => [w.window_close, w.result]));
  const byMinute = new Map<number, number[]>();
  for (const p of fx.predictions) {
    const left = p.seconds_left;
    const up = results.get(p.t + left);
    if (left % 60 !== 0 || left < 60 || left > 840 || up == null) continue;
    const prob = pick(p);
    if (prob === null) continue;
    const y = up === "yes" ? 1 : 0;
    const list = byMinute.get(left / 60) ?? [];
    list.push((prob - y) ** 2);
    byMinute.set(left / 60, list);
  }
  const all = [...byMinute.values()].flat();
  return { n: all.length, brier: all.reduce((a, b) => a + b, 0) / all.length, byMinute: new Map([...byMinute].map(([m, xs]) => [m, xs.reduce((a, b) => a + b, 0) / xs.length])) };
}

describe("reading a journal directory for the HTML report", () => {
  it("rebuilds the account exactly as the journal has it", async () => {
    const fx = writeFixtureJournal(tmp());
    const d = await readReportData(fx.dir, AT);
    expect(d.summary).toMatchObject({
      startBalance: 2_000_000,
      balance: 2_001_600,
      equity: 2_022_300,
      pnl: 22_300,
      fees: 3_400,
      maxDrawdown: 20_900,
      trades: 3,
      wins: 1,
      losses: 1,
      voided: 1,
      openPositions: 1,
      openCost: 20_700,
    });
    expect(d.equity.map((p) => [p.equity, p.drawdown])).toEqual([
      [2_000_000, 0],
      [2_043_200, 0],
      [2_022_300, 20_900],
      [2_022_300, 20_900],
    ]);
    expect(d.trades.map((t) => [t.status, t.pnl])).toEqual([
      ["won", 43_200],
      ["lost", -20_900],
      ["void", 0],
      ["open", null],
    ]);
    expect(d.generatedAt).toBe(AT);
  });

  it("scores the journaled forecasts at each whole minute against windows.jsonl, beside the baselines and the market", async () => {
    const fx = writeFixtureJournal(tmp());
    const d = await readReportData(fx.dir, AT);
    if (isAbsent(d.scores)) throw new Error(d.scores.absent);
    const byKey = new Map(d.scores.forecasters.map((f) => [f.key, f]));
    expect([...byKey.keys()]).toEqual(["model", "fair_value", "coin_flip", "market"]);
    const mid = (p: (typeof fx.predictions)[number]) => (p.yes_ask === null || p.no_ask === null ? null : (p.yes_ask + 1 - p.no_ask) / 2);
    const quoted = <T,>(p: (typeof fx.predictions)[number], v: T) => (mid(p) === null ? null : v);
    // Side by side only where the market quoted: ours on exactly those checkpoints.
    const model = expectedBrier(fx, (p) => quoted(p, p.p_up));
    const fair = expectedBrier(fx, (p) => quoted(p, p.fair_value));
    const market = expectedBrier(fx, mid);
    const everywhere = expectedBrier(fx, (p) => p.p_up);
    expect(everywhere.n).toBe(2 * 14); // two windows with a result, 14 checkpoints each
    expect(market.n).toBeLessThan(everywhere.n); // half the minutes had no quote
    for (const k of ["model", "fair_value", "coin_flip", "market"] as const) expect(byKey.get(k)!.n).toBe(market.n);
    expect(byKey.get("model")!.brier).toBeCloseTo(model.brier, 12);
    expect(byKey.get("fair_value")!.brier).toBeCloseTo(fair.brier, 12);
    expect(byKey.get("coin_flip")!.brier).toBe(0.25);
    expect(byKey.get("market")!.brier).toBeCloseTo(market.brier, 12);
    for (const [m, v] of model.byMinute) expect(byKey.get("model")!.brierByMinutes[String(m)]).toBeCloseTo(v, 12);
    for (const [m, v] of market.byMinute) expect(byKey.get("market")!.brierByMinutes[String(m)]).toBeCloseTo(v, 12);
    expect([...model.byMinute.keys()].sort()).toEqual([...market.byMinute.keys()].sort());
    expect(d.scores.windows).toBe(2);
    // The all-window score is still said, and the calibration is over every checkpoint.
    expect(d.scores.notes.join(" ")).toContain(`Brier ${everywhere.brier.toFixed(4)}`);
    expect(d.scores.calibration.reduce((a, b) => a + b.n, 0)).toBe(everywhere.n);
    expect(d.scores.notes.join(" ")).toMatch(/1 window with forecasts but no record in windows\.jsonl/);
    expect(d.scores.notes.join(" ")).toMatch(/1 window without a known result/);
    expect(d.scores.notes.join(" ")).toMatch(/synthetic/);
  });

  it("counts the no-trade reasons by the text before the colon", async () => {
    const fx = writeFixtureJournal(tmp());
    const d = await readReportData(fx.dir, AT);
    if (isAbsent(d.noTrade)) throw new Error(d.noTrade.absent);
    const expected = new Map<string, number>();
    for (const p of fx.predictions) if (p.action === "none") expected.set(p.reason.split(":")[0]!, (expected.get(p.reason.split(":")[0]!) ?? 0) + 1);
    expect(new Map(d.noTrade.counts.map((c) => [c.reason, c.n]))).toEqual(expected);
    expect(d.noTrade.counts.map((c) => c.n)).toEqual([...d.noTrade.counts.map((c) => c.n)].sort((a, b) => b - a));
  });

  it("draws the last windows with their per-second prices, strikes, results and entries", async () => {
    const fx = writeFixtureJournal(tmp());
    const d = await readReportData(fx.dir, AT);
    expect(d.windows.map((w) => w.close)).toEqual([1, 2, 3, 4].map((k) => T0 + 900 * k));
    expect(d.windows.map((w) => w.result)).toEqual(["yes", "yes", "unknown", "open"]);
    expect(d.windows.map((w) => w.trades.length)).toEqual([1, 1, 1, 1]);
    expect(d.windows[1]!.trades[0]!.side).toBe("no");
    expect(d.windows[0]!.strike).toBe(64000);
    expect(d.windows[0]!.settlement).toBe(64025.5);
    expect(d.windows[0]!.prices.length).toBe(900 - 60);
    expect(d.windows[3]!.prices.length).toBe(300);
    expect(d.windowPrices).toBe("seconds");
  });

  it("skips bad lines in predictions and windows, says so, and still reports", async () => {
    const fx = writeFixtureJournal(tmp(), { badLines: true });
    const d = await readReportData(fx.dir, AT);
    const text = d.warnings.join("\n");
    expect(text).toMatch(/3 lines of .*predictions skipped/);
    expect(text).toMatch(/predictions\.jsonl: line \d+ skipped \(cut off mid-write\)/);
    expect(text).toMatch(/windows\.jsonl: line 4 skipped/);
    expect(isAbsent(d.scores)).toBe(false);
  });

  it("takes the scores and no-trade counts of a backtest from backtest.json", async () => {
    const dir = tmp();
    writeEmptyJournal(dir);
    const by = (v: number) => Object.fromEntries([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((m) => [String(m), v - m / 1000]));
    writeFileSync(
      join(dir, "backtest.json"),
      JSON.stringify({
        windows: 12,
        forecasts_scored: 168,
        brier: 0.17,
        brier_by_minutes_to_close: by(0.2),
        calibration: [{ lo: 0.4, hi: 0.5, n: 168, mean_p: 0.45, freq: 0.5 }],
        baselines: { coin_flip: { brier: 0.25, log_loss: 0.69 }, fair_value: { brier: 0.18, log_loss: 0.5, brier_by_minutes_to_close: by(0.21) }, market: null, note: "no Kalshi prices exist for these dates: x" },
        no_trade_reasons: { low_edge: 500, warmup: 20, stopped: 0 },
        pnl: 0,
      }),
    );
    const d = await readReportData(dir, AT);
    if (isAbsent(d.scores) || isAbsent(d.noTrade)) throw new Error("expected scores and counts");
    expect(d.scores.source).toBe("backtest.json");
    expect(d.scores.forecasters.map((f) => [f.key, f.brier])).toEqual([
      ["model", 0.17],
      ["fair_value", 0.18],
      ["coin_flip", 0.25],
    ]);
    expect(d.scores.forecasters[1]!.brierByMinutes["10"]).toBeCloseTo(0.2, 12);
    expect(d.scores.notes[0]).toMatch(/Market baseline not scored: no Kalshi prices/);
    expect(d.noTrade).toEqual({ unit: "seconds", source: "backtest.json", counts: [{ reason: "low_edge", n: 500 }, { reason: "warmup", n: 20 }] });
  });

  it("ignores a backtest.json that is not a backtest result, with a warning", async () => {
    const dir = tmp();
    writeEmptyJournal(dir);
    writeFileSync(join(dir, "backtest.json"), JSON.stringify({ windows: "many" }));
    const d = await readReportData(dir, AT);
    expect(d.warnings.join("\n")).toMatch(/backtest\.json ignored: not a backtest result \(windows:/);
    expect(isAbsent(d.scores)).toBe(true);
  });

  it("says in words what is missing from an empty journal", async () => {
    const dir = tmp();
    writeEmptyJournal(dir);
    const d = await readReportData(dir, AT);
    expect(d.trades).toEqual([]);
    expect(d.windows).toEqual([]);
    expect(isAbsent(d.scores) && d.scores.absent).toMatch(/no predictions and no backtest\.json/);
    expect(isAbsent(d.noTrade) && d.noTrade.absent).toMatch(/No predictions/);
  });

  it("names each series' journal warnings once in a report of several series", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-report-series-"));
    const account = JSON.stringify({ type: "account", t: T0, ts: new Date(T0 * 1000).toISOString().replace(".000Z", "Z"), balance: "200.0000" });
    for (const s of ["KXBTC15M", "KXETH15M"]) {
      mkdirSync(join(dir, s));
      writeFileSync(join(dir, s, "trades.jsonl"), `${account}\nnot json\n`);
    }
    const d = await readReportData(dir, "2026-12-01T00:00:00Z");
    for (const s of ["KXBTC15M", "KXETH15M"]) expect(d.warnings.filter((w) => w.startsWith(`${s}: `) && w.includes("line 2 skipped"))).toHaveLength(1);
  });

  it("refuses a directory without a journal with a clear message", async () => {
    await expect(readReportData(tmp(), AT)).rejects.toThrow(UserError);
    await expect(readReportData(tmp(), AT)).rejects.toThrow(/no journal in/);
  });
});

describe("btc15 report --html", () => {
  it("writes report.html into the data directory by default and says where", async () => {
    const fx = writeFixtureJournal(tmp());
    const r = await cli(["report", "--html", "--data-dir", fx.dir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const file = join(fx.dir, "report.html");
    expect(r.stdout).toMatch(new RegExp(`^wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(\\d+ KB\\)`));
    expect(readFileSync(file, "utf8")).toMatch(/^<!DOCTYPE html>/);
  });

  it("writes to the file given, and exits 2 with a message when there is no journal", async () => {
    const fx = writeFixtureJournal(tmp());
    const out = join(tmp(), "sub", "r.html");
    // A folder that is not there is refused, as for --json, not made.
    const refused = await cli(["report", "--data-dir", fx.dir, "--html", out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`btc15: ${out} (the --html file): the folder ${dirname(out)} does not exist\n`);
    mkdirSync(dirname(out));
    const r = await cli(["report", "--data-dir", fx.dir, "--html", out]);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(existsSync(join(fx.dir, "report.html"))).toBe(false);
    const missing = await cli(["report", "--html", "--data-dir", tmp()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^btc15: no journal in /);
  });
});

describe("a run says where its report is, or writes it with --html", () => {
  it("backtest: the command that would write it, and with --html the report of that backtest", async () => {
    const out = tmp();
    const hint = await cli(["backtest", "--from", "2024-12-02", "--to", "2024-12-02T06:00Z", "--out", out]);
    expect(hint.code).toBe(0);
    expect(hint.stdout).toContain(`HTML report: npx btc15 report --html --data-dir ${out}\n`);
    expect(existsSync(join(out, "report.html"))).toBe(false);
    const written = await cli(["backtest", "--from", "2024-12-02", "--to", "2024-12-02T06:00Z", "--out", out, "--html"]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(new RegExp(`wrote ${join(out, "report.html").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(\\d+ KB\\)`));
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`${out}/backtest.json`); // its sources name the backtest's scores
  });
});
