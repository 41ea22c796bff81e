import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readReportData } from "../../src/app/commands/report-html/command.ts";
import { thinEquity } from "../../src/report/html/charts/equity.ts";
import { renderReport } from "../../src/report/html/render.ts";
import type { ReportData } from "../../src/report/html/report-data.ts";
import { niceDomain, niceTicks, timeTicks } from "../../src/report/html/svg.ts";
import { wilson } from "../../src/report/html/wilson.ts";
import { T0, writeEmptyJournal, writeFixtureJournal } from "./html-fixture.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "btc15-html-"));
const AT = "2026-04-27T19:00:00Z";
const charts = (html: string) => [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]);

describe("the HTML report renderer", () => {
  it("makes one self-contained page: inline style and SVG, nothing fetched, no script", async () => {
    const html = renderReport(await readReportData(writeFixtureJournal(tmp()).dir, AT));
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toMatch(/<style>[^<]+<\/style>/);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=/i);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(charts(html)).toEqual(["equity", "daily-pnl", "trade-pnl", "win-rate", "brier", "reliability", "no-trade", "windows"]);
  });

  it("gives every chart a title, a description and axis labels, and the numbers in a table beside it", async () => {
    const html = renderReport(await readReportData(writeFixtureJournal(tmp()).dir, AT));
    for (const id of charts(html)) {
      const svg = html.slice(html.indexOf(`data-chart="${id}"`));
      expect(svg).toMatch(new RegExp(`^data-chart="${id}" role="img"[^>]*aria-labelledby="${id}-title ${id}-desc"><title id="${id}-title">[^<]+</title><desc id="${id}-desc">[^<]+</desc>`));
    }
    expect(html).toMatch(/class="axis-title"[^>]*>minutes before the close</);
    expect(html).toMatch(/class="axis-title"[^>]*>forecast P\(up\), bin mean</);
    expect((html.match(/<table/g) ?? []).length).toBeGreaterThanOrEqual(9);
  });

  it("shows the summary figures of the journal", async () => {
    const html = renderReport(await readReportData(writeFixtureJournal(tmp()).dir, AT));
    const field = (name: string) => new RegExp(`data-field="${name}"[^>]*>([^<]*)<`).exec(html)?.[1];
    expect(field("start-balance")).toBe("$200.00");
    expect(field("equity")).toBe("$202.23");
    expect(field("balance")).toBe("$200.16");
    expect(field("pnl")).toBe("+$2.23");
    expect(field("fees")).toBe("$0.34");
    expect(field("max-drawdown")).toBe("$2.09");
    expect(field("trades")).toBe("3");
    expect(field("open")).toBe("1 ($2.07 at cost)");
    expect(field("win-rate")).toBe("50.0% (95% 9.5%–90.5%, n 2)");
  });

  it("shows the tear sheet: the drawdown in % and its duration, profit factor, expectancy, P&L by day", async () => {
    const html = renderReport(await readReportData(writeFixtureJournal(tmp()).dir, AT));
    const field = (name: string) => new RegExp(`data-field="${name}"[^>]*>([^<]*)<`).exec(html)?.[1];
    // Equity: $200.00, $204.32 at the first settlement (18:15, the peak), $202.23 after the loss (18:30) and the void.
    // The fall is $2.09 of $204.32 = 1.02%; equity is still under that peak when the journal ends at 18:49:59.
    expect(field("max-drawdown-pct")).toBe("1.02% of a $204.32 peak");
    expect(field("drawdown-duration")).toBe("34m 59s (not yet recovered)");
    // Won +$4.32, lost −$2.09 (the void is no trade): 4.32 / 2.09 = 2.07; (4.32 − 2.09) / 2 = +$1.115, shown +$1.12.
    expect(field("profit-factor")).toBe("2.07");
    expect(field("expectancy")).toBe("+$1.12");
    expect(field("average-win-loss")).toBe("+$4.32 / −$2.09");
    // Both settled on 2026-04-27: one day, up $2.23.
    expect(field("days")).toBe("1");
    expect(field("days-up-down")).toBe("1 / 0");
    expect(html).toMatch(/<td>2026-04-27<\/td><td>2<\/td><td>1 \/ 1<\/td><td class="pos">\+\$2\.23<\/td><td>\+\$2\.23<\/td>/);
  });

  it("says in words what an empty journal lacks instead of drawing empty boxes", async () => {
    const dir = tmp();
    writeEmptyJournal(dir);
    const html = renderReport(await readReportData(dir, AT));
    expect(charts(html)).toEqual([]);
    const empty = [...html.matchAll(/data-empty="([^"]+)">([^<]+)</g)].map((m) => [m[1], m[2]]);
    expect(empty.map((e) => e[0])).toEqual(["equity", "daily-pnl", "trades", "win-rate", "brier", "reliability", "no-trade", "windows"]);
    expect(Object.fromEntries(empty)).toMatchObject({ trades: "No trades in this journal.", "win-rate": "No settled trades, so no win rate." });
  });

  it("escapes text from the journal", async () => {
    const data = await readReportData(writeFixtureJournal(tmp()).dir, AT);
    const hostile: ReportData = {
      ...data,
      title: '<img src=x onerror="alert(1)">',
      noTrade: { unit: "predictions", source: "predictions.jsonl", counts: [{ reason: "<script>alert(1)</script>", n: 3 }] },
    };
    const html = renderReport(hostile);
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("is the same page for the same data", async () => {
    const dir = writeFixtureJournal(tmp()).dir;
    expect(renderReport(await readReportData(dir, AT))).toBe(renderReport(await readReportData(dir, AT)));
  });
});

describe("report arithmetic", () => {
  it("computes the Wilson interval (textbook values)", () => {
    const a = wilson(8, 10)!;
    expect(a.rate).toBe(0.8);
    expect(a.lo).toBeCloseTo(0.4902, 4);
    expect(a.hi).toBeCloseTo(0.9433, 4);
    const none = wilson(0, 10)!;
    expect(none.lo).toBe(0);
    expect(none.hi).toBeCloseTo(0.2775, 4);
    expect(wilson(0, 0)).toBeNull();
  });

  it("picks round axis ticks and readable UTC times", () => {
    expect(niceTicks(0, 0.25, 5)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25]);
    expect(niceDomain(196.3, 204.32, 4)).toEqual([195, 205]);
    expect(niceTicks(195, 205, 4)).toEqual([195, 200, 205]);
    expect(timeTicks(T0, T0 + 3600).map((t) => t.label)).toEqual(["18:00", "18:15", "18:30", "18:45", "19:00"]);
    expect(timeTicks(T0, T0 + 10 * 86400).map((t) => t.label)[0]).toBe("04-29");
  });
});

describe("thinning a long equity curve", () => {
  it("keeps the first and last point, every peak, trough and deepest drawdown, and stays under the limit", () => {
    const points = Array.from({ length: 20_000 }, (_, i) => {
      const equity = 2_000_000 + Math.round(50_000 * Math.sin(i / 300)) + (i === 12_345 ? 400_000 : 0) - (i === 777 ? 300_000 : 0);
      return { t: T0 + i * 60, equity, drawdown: i === 15_000 ? 900_000 : (i * 7) % 1000 };
    });
    const thin = thinEquity(points, 1600);
    expect(thin.length).toBeLessThanOrEqual(1600);
    expect(thin.length).toBeGreaterThan(300);
    expect(thin[0]).toBe(points[0]);
    expect(thin[thin.length - 1]).toBe(points[points.length - 1]);
    expect(thin).toContain(points[12_345]);
    expect(thin).toContain(points[777]);
    expect(thin).toContain(points[15_000]);
    expect(thin.map((p) => p.t)).toEqual([...thin.map((p) => p.t)].sort((a, b) => a - b));
    expect(thinEquity(points.slice(0, 50), 1600)).toEqual(points.slice(0, 50));
  });
});
