// The dashboard in a real browser (Debian's Chromium through playwright-core): a demo runs in
// this process with --dashboard, and the page is loaded, checked, photographed, opened again
// mid-session without its event stream, and followed across a server restart.
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DashboardServer } from "../../../src/app/dashboard/server.ts";
import { runDemo } from "../../../src/app/drivers/demo.ts";
import { RunLog } from "../../../src/app/console/run-log.ts";
import { BUNDLED_SAMPLE } from "../../../src/app/core/sample.ts";
import type { TradingSessions } from "../../../src/app/drivers/sessions.ts";
import { parseConfig } from "../../../src/config/load.ts";
import { type Browser, browserUnavailable, launchBrowser, screenshot } from "../../browser.ts";

const unavailable = browserUnavailable();
if (unavailable !== null) console.warn(`SKIPPED: the dashboard's browser tests: ${unavailable}`);

/** A demo in this process at `speed`×, shown on `dashboard`, until stop() is called. */
function demo(dashboard: DashboardServer, speed: number): { readonly done: Promise<TradingSessions>; stop(): void } {
  const dir = mkdtempSync(join(tmpdir(), "btc15-dash-demo-"));
  const out = new PassThrough();
  out.resume();
  const log = new RunLog({ file: join(dir, "demo.log"), out, colour: false, now: Date.now });
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  const config = parseConfig({ dataDir: join(dir, "journal"), synthetic: { mispricingCents: 3 }, recording: { enabled: false } });
  const done = runDemo({ config, file: BUNDLED_SAMPLE, dataDir: config.dataDir, speed, statusIntervalSeconds: 300, log, stop: stopped, dashboard }).finally(() => log.close());
  return { done, stop: () => stop() };
}

const attr = (page: Page, sel: string, name: string) => page.locator(sel).first().getAttribute(name);
const field = (page: Page, name: string) => page.locator(`[data-field="${name}"]`).first().textContent();
const rows = (page: Page, table: string) => page.locator(`[data-table="${table}"] tbody tr.row`).count();

async function until(what: () => Promise<boolean>, label: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const renders = async (page: Page) => Number(await attr(page, "body", "data-renders"));

describe.skipIf(unavailable !== null)("the dashboard in Chromium", { timeout: 150_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser({ offline: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("draws every chart with data, follows the events, fills a page opened mid-session, and reconnects after a restart", async () => {
    // States four times a second (not one): the page has less to wait for.
    const dashboard = await DashboardServer.open({ port: 0, intervalMs: 250 });
    const origin = dashboard.url.replace(/\/$/, "");
    const run = demo(dashboard, 300);
    const { page, problems } = await browser.open();
    await page.goto(dashboard.url);

    // Running, connected, and updated by the stream (the first render comes from /api/state or the stream).
    await until(async () => (await attr(page, "body", "data-phase")) === "running" && (await attr(page, "body", "data-connection")) === "live" && (await renders(page)) >= 3, "the page to follow the demo");
    expect(await field(page, "mode")).toBe("PAPER");
    expect(await field(page, "session-line")).toBe("KXBTC15M · demo on recorded prices · synthetic market");

    // Trades and settlements arrive as the demo trades (the synthetic market is mispriced at random).
    await until(async () => (await rows(page, "trades")) >= 1 && (await rows(page, "settlements")) >= 1, "a trade and a settlement", 60_000);
    // Each one also came as its own event, shown in the header as it happened.
    expect(await field(page, "notice")).toMatch(/^(▶ TRADE KXBTC15M-\w+-\d+: (YES|NO) [\d,]+ at \d+(\.\d+)?¢|■ (SETTLED|VOID) KXBTC15M-)/);
    // Contract prices as the console writes them (87¢, never $0.87).
    const priceCell = await page.locator('[data-table="trades"] tbody tr.row td:nth-child(5)').first().textContent();
    expect(priceCell).toMatch(/^\d+(\.\d+)?¢$/);

    // The price on the page moves as events arrive.
    const before = await field(page, "btc-price");
    expect(before).toMatch(/^\$\d{2,3},\d{3}\.\d{2}$/);
    await until(async () => (await field(page, "btc-price")) !== before, "the price to change", 10_000);

    // Every chart is laid out at a readable size with its data drawn.
    for (const id of ["window-price", "forecast", "equity"]) {
      const box = await page.locator(`svg[data-chart="${id}"]`).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.width, id).toBeGreaterThan(400);
      expect(box!.height, id).toBeGreaterThan(120);
    }
    await until(async () => Number(await attr(page, 'svg[data-chart="forecast"]', "data-points")) >= 30, "half a minute of the window");
    const points = async (sel: string) => Number(await attr(page, sel, "data-points"));
    expect(await points('svg[data-chart="window-price"] path.price')).toBeGreaterThan(1);
    expect(await page.locator('svg[data-chart="window-price"] line.strike').count()).toBe(1);
    expect(await points('svg[data-chart="forecast"] path.pup')).toBeGreaterThan(1);
    expect(await points('svg[data-chart="forecast"] path.bid')).toBeGreaterThan(1);
    expect(await points('svg[data-chart="forecast"] path.ask')).toBeGreaterThan(1);
    expect(await page.locator('svg[data-chart="forecast"] path.spread').count()).toBe(1);
    expect(await points('svg[data-chart="equity"] path.equity')).toBeGreaterThanOrEqual(3); // the start, a settlement, now
    for (const sel of ['svg[data-chart="window-price"] path.price', 'svg[data-chart="forecast"] path.pup', 'svg[data-chart="equity"] path.equity']) {
      expect((await attr(page, sel, "d"))!.length, sel).toBeGreaterThan(20);
    }
    // The panels are filled: window, forecast, account, counters, the source.
    expect(await field(page, "time-left")).toMatch(/^\d+m \d{2}s left$/);
    expect(await field(page, "strike")).toMatch(/^\$\d{2,3},\d{3}\.\d{2} \(ours\)$/);
    expect(await field(page, "p-up")).toMatch(/^P\(up\) \d+\.\d%$/);
    expect(await field(page, "yes-quote")).toMatch(/^\d+(\.\d)?¢ \/ \d+(\.\d)?¢$/);
    expect(await field(page, "decision")).toMatch(/^(TRADE buy \d+ (YES|NO)|No trade: \w+ )/);
    expect(await field(page, "equity")).toMatch(/^\$\d{3}\.\d{2}$/);
    expect(Number((await field(page, "trades"))!)).toBeGreaterThanOrEqual(1);
    expect(Number((await field(page, "samples"))!.replace(/,/g, ""))).toBeGreaterThan(1800);
    expect(await rows(page, "source-prices")).toBe(1);
    expect(await rows(page, "no-trade")).toBeGreaterThanOrEqual(2);
    expect(await rows(page, "windows")).toBeGreaterThanOrEqual(1);
    const shot = await screenshot(page, "dashboard-demo.png");
    expect(statSync(shot).size).toBeGreaterThan(60_000);

    // A page opened mid-session without its event stream is filled from /api/state alone.
    const mid = await browser.open();
    await mid.page.route("**/events", (r) => r.abort());
    await mid.page.goto(dashboard.url);
    await until(async () => (await renders(mid.page)) >= 1, "the mid-session page to fill");
    expect(await field(mid.page, "btc-price")).toMatch(/^\$\d{2,3},\d{3}\.\d{2}$/);
    expect(await rows(mid.page, "trades")).toBeGreaterThanOrEqual(1);
    expect(await rows(mid.page, "settlements")).toBeGreaterThanOrEqual(1);
    expect(Number(await mid.page.locator('svg[data-chart="equity"] path.equity').getAttribute("data-points"))).toBeGreaterThanOrEqual(3);
    expect(Number(await mid.page.locator('svg[data-chart="forecast"]').getAttribute("data-points"))).toBeGreaterThan(1);
    await until(async () => (await attr(mid.page, "body", "data-connection")) === "reconnecting", "the blocked stream to show");
    expect(await renders(mid.page)).toBe(1);
    await screenshot(mid.page, "dashboard-mid-session.png");
    expect(mid.problems.pageErrors).toEqual([]);
    await mid.page.close();

    // When the demo stops, the page shows the session's final figures.
    run.stop();
    const session = await run.done;
    const seen = await renders(page);
    await until(async () => (await renders(page)) >= seen + 2, "a state after the demo stopped");
    const final = session.total;
    expect(Number(await field(page, "trades"))).toBe(final.trades);
    expect(await field(page, "record")).toBe(`${final.wins} / ${final.losses} / ${final.voided}`);
    const dollars = (units: number) => `$${(units / 10_000).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(await field(page, "balance")).toBe(dollars(final.balance));
    expect(await field(page, "equity")).toBe(dollars(final.balance + final.openCost));

    // Nothing went wrong on the page, and it asked nothing of anyone but this server.
    expect(problems.consoleErrors).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.failedRequests).toEqual([]);
    expect(problems.requests.every((u) => u.startsWith(origin + "/"))).toBe(true);
    expect(new Set(problems.requests.map((u) => new URL(u).pathname))).toEqual(new Set(["/", "/api/state", "/events"]));

    // The server stops: the page says so and keeps trying.
    const firstSession = await attr(page, "body", "data-session");
    await dashboard.close();
    await until(async () => (await attr(page, "body", "data-phase")) === "stopped", "the final state");
    await until(async () => ["stopped", "reconnecting"].includes((await attr(page, "body", "data-connection"))!), "the page to notice");
    expect(await field(page, "connection")).toMatch(/reconnecting…$/);
    await screenshot(page, "dashboard-reconnecting.png");
    await until(async () => problems.failedRequests.length >= 1, "a reconnection attempt to fail while no server listens");

    // A new server on the same port with a new session: the page follows it by itself.
    const again = await DashboardServer.open({ port: dashboard.port, intervalMs: 250 });
    const second = demo(again, 300);
    try {
      await until(async () => (await attr(page, "body", "data-session")) !== firstSession && (await attr(page, "body", "data-connection")) === "live" && (await attr(page, "body", "data-phase")) === "running", "the page to reconnect", 30_000);
      await until(async () => Number(await attr(page, 'svg[data-chart="forecast"]', "data-points")) > 1, "the new session's forecasts");
      await screenshot(page, "dashboard-reconnected.png");
    } finally {
      second.stop();
      await second.done;
      await again.close();
    }
    // While the server was down only the reconnection attempts failed: refused, or cut while the
    // server went (which net error Chromium names then depends on the moment, so any network error).
    expect(problems.pageErrors).toEqual([]);
    for (const e of problems.consoleErrors) expect(e).toMatch(/net::ERR_[A-Z_]+|Failed to load resource/);
    for (const r of problems.failedRequests) expect(r).toMatch(new RegExp(`^${origin}/(events|api/state): net::ERR_[A-Z_]+$`));
    await page.close();
  });
});
