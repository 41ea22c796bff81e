import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReportData, writeHtmlReport } from "../../src/app/commands/report-html/command.ts";
import { isAbsent } from "../../src/report/html/report-data.ts";
import { type Browser, browserUnavailable, launchBrowser, screenshot } from "../browser.ts";
import { writeEmptyJournal, writeFixtureJournal } from "./html-fixture.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "btc15-html-browser-"));
const AT = "2026-04-27T19:00:00Z";
const unavailable = browserUnavailable();
if (unavailable !== null) console.warn(`SKIPPED: the HTML report's browser tests: ${unavailable}`);

describe.skipIf(unavailable !== null)("the HTML report in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser({ offline: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("renders every chart with the journal's data, logs no errors and fetches nothing", async () => {
    const fx = writeFixtureJournal(tmp());
    const file = join(fx.dir, "report.html");
    await writeHtmlReport(fx.dir, file, AT);
    const data = await readReportData(fx.dir, AT);
    if (isAbsent(data.scores) || isAbsent(data.noTrade)) throw new Error("the fixture has scores and reasons");

    const { page, problems } = await browser.open();
    const url = pathToFileURL(file).href;
    await page.goto(url);

    // Each chart is on the page, laid out at a readable size, with its data marks drawn.
    const ids = ["equity", "daily-pnl", "trade-pnl", "win-rate", "brier", "reliability", "no-trade", "windows"];
    for (const id of ids) {
      const box = await page.locator(`svg[data-chart="${id}"]`).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.width, id).toBeGreaterThan(300);
      expect(box!.height, id).toBeGreaterThan(60);
    }
    const marks = (id: string, sel = ".mark") => page.locator(`svg[data-chart="${id}"] ${sel}`).count();
    const attr = (id: string, sel: string) => page.locator(`svg[data-chart="${id}"] ${sel}`).evaluateAll((els) => els.map((e) => e.getAttribute("data-points")));
    expect(await attr("equity", "path.equity")).toEqual([String(data.equity.length)]);
    expect(data.equity.length).toBe(4); // the opening balance, two settlements, one void
    expect(await marks("daily-pnl", "rect.bar.mark")).toBe(1);
    expect(await marks("trade-pnl", "rect.bar.mark")).toBe(2);
    expect(await marks("trade-pnl", "rect.fee")).toBe(2);
    expect(await marks("win-rate", "circle.rate")).toBe(1);
    expect(await marks("reliability", "circle.calibration")).toBe(data.scores.calibration.length);
    expect(data.scores.calibration.length).toBeGreaterThan(2);
    expect(await attr("brier", "path.line")).toEqual(data.scores.forecasters.map((f) => String(Object.values(f.brierByMinutes).filter((v) => v !== null).length)));
    expect(await marks("brier", "circle.dot")).toBe(data.scores.forecasters.reduce((a, f) => a + Object.values(f.brierByMinutes).filter((v) => v !== null).length, 0));
    expect(await marks("no-trade", "rect.reason")).toBe(data.noTrade.counts.length);
    expect(await marks("windows", "g.window")).toBe(4);
    expect(await marks("windows", "path.price")).toBe(4);
    expect(await marks("windows", "line.strike.mark")).toBe(4);
    expect(await marks("windows", "path.entry.mark")).toBe(4);
    expect(await marks("windows", "circle.settlement.mark")).toBe(2);

    // The summary shows the journal's figures, worked out by hand in the fixture.
    const field = (name: string) => page.locator(`[data-field="${name}"]`).first().textContent();
    expect(await field("start-balance")).toBe("$200.00");
    expect(await field("equity")).toBe("$202.23");
    expect(await field("pnl")).toBe("+$2.23");
    expect(await field("fees")).toBe("$0.34");
    expect(await field("max-drawdown")).toBe("$2.09");
    expect(await field("wins")).toBe("1");
    expect(await field("losses")).toBe("1");
    expect(await field("voided")).toBe("1");
    expect(await field("profit-factor")).toBe("2.07");
    expect(await field("expectancy")).toBe("+$1.12");
    expect(await page.locator("h1").textContent()).toBe(`btc15 report: ${fx.dir}`);

    const shot = await screenshot(page, "html-report.png");
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    expect(problems.consoleErrors).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.failedRequests).toEqual([]);
    expect(problems.requests).toEqual([url]);
    await page.close();
  });

  it("shows an empty journal's gaps in words", async () => {
    const dir = tmp();
    writeEmptyJournal(dir);
    const file = join(dir, "report.html");
    await writeHtmlReport(dir, file, AT);
    const { page, problems } = await browser.open();
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator("svg.chart").count()).toBe(0);
    const empty = page.locator("[data-empty]");
    expect(await empty.count()).toBe(8);
    for (let i = 0; i < 8; i++) expect(await empty.nth(i).isVisible()).toBe(true);
    expect(await page.locator('[data-empty="trades"]').textContent()).toBe("No trades in this journal.");
    await screenshot(page, "html-report-empty.png");
    expect(problems.consoleErrors).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    await page.close();
  });
});
