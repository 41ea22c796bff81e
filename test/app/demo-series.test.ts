// The demo with two series (Bitcoin's bundled prices and generated ETH-like ones), shown on the
// dashboard and in the HTML report: each series in its own folder, the dashboard listing both and
// all together with a view of each, the report adding them up with a row per series.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { RunLog } from "../../src/app/console/run-log.ts";
import { BUNDLED_SAMPLE } from "../../src/app/core/sample.ts";
import { readReportData } from "../../src/app/commands/report-html/command.ts";
import { journalReport } from "../../src/app/commands/report.ts";
import { demoFiles } from "../../src/app/commands/live.ts";
import { DashboardServer } from "../../src/app/dashboard/server.ts";
import type { DashboardState } from "../../src/app/dashboard/state.ts";
import { runDemo } from "../../src/app/drivers/demo.ts";
import { parseConfig } from "../../src/config/load.ts";
import { renderReport } from "../../src/report/html/render.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";
import { gaussian } from "../helpers.ts";
import { SimScheduler } from "../sim/scheduler.ts";

/** ETH-like one-minute bars over the bundled sample's first day (70% a year around $3,600). */
function ethCsv(): string {
  const g = gaussian(9);
  const sigma = 0.7 / Math.sqrt(365 * 86_400);
  let p = 3_600;
  const rows = ["timestamp_unix_seconds,open,high,low,close,volume"];
  for (let m = 0; m < 1440; m++) {
    const o = p;
    let h = p;
    let l = p;
    for (let s = 0; s < 60; s++) {
      p *= Math.exp(sigma * g());
      h = Math.max(h, p);
      l = Math.min(l, p);
    }
    rows.push([1_733_007_600 + m * 60, o, h, l, p].map((x, i) => (i === 0 ? String(x) : x.toFixed(2))).join(",") + ",1.0");
  }
  return rows.join("\n") + "\n";
}

describe("the demo with two series", () => {
  it("runs both, and the dashboard and the report show each one and the total", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-demo-series-"));
    writeFileSync(join(dir, "eth.csv"), ethCsv());
    const out = new PassThrough();
    let text = "";
    out.on("data", (d: Buffer) => (text += d.toString()));
    const log = new RunLog({ file: null, out, colour: false, now: () => 0, columns: 80 });
    const config = parseConfig({ series: "KXBTC15M,KXETH15M", dataDir: join(dir, "demo"), synthetic: { mispricingCents: 3 }, recording: { enabled: false } });
    const sim = new SimScheduler(0);
    const dashboard = await DashboardServer.open({ port: 0, scheduler: sim });
    try {
      const sessions = await sim.run(
        runDemo({ config, file: BUNDLED_SAMPLE, files: { KXETH15M: join(dir, "eth.csv") }, dataDir: config.dataDir, speed: 3600, statusIntervalSeconds: 900, log, stop: new Promise(() => {}), maxSeconds: 6 * 3600, scheduler: sim, dashboard }),
        "the demo",
        { simMs: 6 * 3600_000 },
      );
      expect(text).toMatch(/^\d\d:\d\d:00 UTC {2}ETH {2}Balance: /m);
      expect(text).toMatch(/^\d\d:\d\d:00 UTC {2}ALL {2}Balance: /m);
      expect(text).toMatch(/Performance summary: every series together/);
      const eth = loadTradeJournal(join(config.dataDir, "KXETH15M")).records.filter((r) => r.type === "trade");
      const btc = loadTradeJournal(join(config.dataDir, "KXBTC15M")).records.filter((r) => r.type === "trade");
      expect(eth.length).toBeGreaterThan(0);
      expect(btc.length).toBeGreaterThan(0);
      for (const t of eth) expect(t.ticker).toMatch(/^KXETH15M-/);
      for (const t of btc) expect(t.ticker).toMatch(/^KXBTC15M-/);

      // The dashboard: the first series' view by default, each one's on asking, every one listed with the total.
      const state = async (q = "") => (await (await fetch(`${dashboard.url}api/state${q}`)).json()) as DashboardState;
      const first = await state();
      expect(first).toMatchObject({ series: "KXBTC15M", coin: "BTC" });
      expect(first.seriesRows!.map((r) => r.series)).toEqual(["KXBTC15M", "KXETH15M", "all"]);
      const ethView = await state("?series=KXETH15M");
      expect(ethView).toMatchObject({ series: "KXETH15M", coin: "ETH", priceDigits: 2 });
      expect(ethView.account!.trades).toBe(eth.length);
      const [b, e, all] = first.seriesRows!;
      expect(all!.trades).toBe(b!.trades + e!.trades);
      expect(Number(all!.pnl)).toBeCloseTo(Number(b!.pnl) + Number(e!.pnl), 4);
      expect(Number(e!.pnl)).toBeCloseTo(sessions.of("KXETH15M").summary.pnl / 10_000, 4);
    } finally {
      await dashboard.close();
    }

    // The report of the data directory: a row per series, and all of them added up.
    const data = await readReportData(config.dataDir, "2026-12-01T00:00:00Z");
    expect(data.series!.map((s) => s.name)).toEqual(["KXBTC15M", "KXETH15M"]);
    expect(data.summary.trades).toBe(data.series!.reduce((n, s) => n + s.summary.trades, 0));
    expect(data.summary.pnl).toBe(data.series!.reduce((n, s) => n + s.summary.pnl, 0));
    expect(data.summary.startBalance).toBe(4_000_000);
    const html = renderReport(data);
    expect(html).toMatch(/data-field="series-KXETH15M-trades">\d+</);
    expect(html).toMatch(/data-field="series-total-pnl"/);
    expect(html).toMatch(/15-minute crypto up\/down markets \(KXBTC15M, KXETH15M\)/);
    expect(journalReport(config.dataDir)).toMatch(/Performance summary: every series together \(2\)/);
  });
});

describe("the demo's --data", () => {
  it("takes a plain path as the first series' prices and SERIES=PATH as another's, and refuses two for one series", () => {
    const both = ["KXBTC15M", "KXETH15M"];
    expect(demoFiles(undefined, ["KXBTC15M"]).file).toBe(BUNDLED_SAMPLE);
    expect(demoFiles(["a.csv", "KXETH15M=e.csv"], both)).toMatchObject({ file: "a.csv", files: { KXETH15M: "e.csv" } });
    expect(demoFiles("KXBTC15M=b.csv", both).file).toBe("b.csv");
    expect(() => demoFiles(["a.csv", "b.csv"], both)).toThrow("--data: two price files for KXBTC15M (a.csv, b.csv); name the others' series: --data KXETH15M=FILE");
    expect(() => demoFiles(["a.csv", "KXBTC15M=b.csv"], both)).toThrow(/two price files for KXBTC15M/);
    expect(() => demoFiles(["KXSOL15M=s.csv"], both)).toThrow("--data KXSOL15M=s.csv: KXSOL15M is not one of the series traded (KXBTC15M, KXETH15M; --series sets them)");
  });
});
