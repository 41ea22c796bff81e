import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runDemo } from "../../src/app/drivers/demo.ts";
import { RunLog } from "../../src/app/console/run-log.ts";
import { BUNDLED_SAMPLE } from "../../src/app/core/sample.ts";
import { parseConfig } from "../../src/config/load.ts";
import { Account } from "../../src/engine/account.ts";
import { journalFiles, loadTradeJournal } from "../../src/store/trade-journal.ts";
import { SimScheduler } from "../sim/scheduler.ts";

function capture() {
  const out = new PassThrough();
  let text = "";
  out.on("data", (d: Buffer) => (text += d.toString()));
  return { out, text: () => text };
}

/** The demo on the bundled sample (or `file`) on a simulated clock: no real time passes. */
async function fakeClockDemo(opts: { terminal?: boolean; hours?: number; file?: string }) {
  const dir = mkdtempSync(join(tmpdir(), "btc15-demo-"));
  const con = capture();
  const logFile = join(dir, "demo.log");
  const log = new RunLog({ file: logFile, out: con.out, colour: false, ...(opts.terminal ? { terminal: true } : {}), now: () => 0 });
  const sim = new SimScheduler(0);
  const session = await sim.run(runDemo({
    config: parseConfig({ dataDir: join(dir, "journal"), synthetic: { mispricingCents: 3 } }),
    file: opts.file ?? BUNDLED_SAMPLE,
    dataDir: join(dir, "journal"),
    speed: 60,
    statusIntervalSeconds: 300,
    log,
    stop: new Promise(() => {}),
    ...(opts.hours === undefined ? {} : { maxSeconds: opts.hours * 3600 }),
    scheduler: sim,
  }), "the demo", { simMs: (opts.hours ?? 6) * 3600_000 });
  log.close();
  return { dir, logFile, session, text: con.text() };
}

describe("demo", () => {
  it("replays recorded prices through the session: trades, settles, journals, summarises", async () => {
    const { dir, logFile, session, text } = await fakeClockDemo({ hours: 4 });
    expect(text).toMatch(/btc15 DEMO/);
    expect(text).toMatch(/^SYSTEM READY - MONITORING FOR OPPORTUNITIES$/m);
    expect(text).toMatch(/^│ Market {6}KXBTC15M-\S+ {2}\(synthetic\) +│$/m);
    expect(text).toMatch(/■ SETTLED KXBTC15M-/);
    expect(text).toMatch(/\| No trade: [a-z_]+$/m);
    expect(text).toMatch(/Performance summary/);
    expect(text).toMatch(/^ {2}market {10}4h 00m simulated in /m);
    const statuses = text.match(/^\d{2}:\d{2}:00 UTC {2}Balance: /gm) ?? [];
    expect(statuses.length).toBeGreaterThanOrEqual(4 * 12 - 1); // every 5 simulated minutes, on round times
    // The journal agrees with the console's summary, and the log file holds what the console showed.
    // The one series journals in its own folder of the data directory.
    const journal = join(dir, "journal", "KXBTC15M");
    const s = Account.fromRecords(loadTradeJournal(journal).records, 0).summary();
    expect(s).toEqual(session.of("KXBTC15M").summary);
    expect(s.trades).toBeGreaterThan(0);
    const perf = JSON.parse(readFileSync(journalFiles(journal).performance, "utf8"));
    expect(perf.trades).toBe(s.trades);
    expect(readFileSync(journalFiles(journal).tradesCsv, "utf8").trim().split("\n")).toHaveLength(s.trades + 1);
    const file = readFileSync(logFile, "utf8");
    expect(file).toMatch(/INFO {2}┌─ NEW TRADE SIGNAL/);
    expect(file).toMatch(/DEBUG No trade: \w+: /); // the detailed status, in the file only
    expect(file).toMatch(/DEBUG window KXBTC15M-.* closed/);
    expect(file.includes("\u001b[")).toBe(false); // no colour codes in the file
    // The live runner's rule: nothing trades during the warm-up replay, before `ready`.
    const readyAt = Date.parse(/warm start [\d,]+ s of history replayed at once \(up to (\S+)\)/.exec(text)![1]!) / 1000;
    const trades = loadTradeJournal(join(dir, "journal", "KXBTC15M")).records.filter((r) => r.type === "trade");
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) expect(t.t).toBeGreaterThan(readyAt);
    expect(text.indexOf("NEW TRADE SIGNAL")).toBeGreaterThan(text.search(/^SYSTEM READY/m));
    // Not a terminal: no progress bar redrawn in place, plain progress lines every simulated hour.
    expect(text).not.toMatch(/\r/);
    expect(text.match(/^demo \dh 00m of 4h 00m simulated \(\d+%\), about .* left$/gm)).toHaveLength(3);
  });

  it("draws its progress with the time left on a terminal, under the other lines, and never in the log file", async () => {
    const run = await fakeClockDemo({ terminal: true, hours: 2 });
    const logFile = run.logFile;
    const text = run.text.replaceAll("\x1b", "⎋"); // ESC, readable in a pattern
    // At 60×, what is left takes (left / 60) s: a quarter of the way, 1h 30m of market is 1m 30s.
    expect(text).toContain(`\rdemo [${"#".repeat(8)}${" ".repeat(22)}]  25%  30m 00s of 2h 00m  ETA 1m 30s⎋[K`);
    // Each line printed while the bar is up clears it first and draws it again below.
    expect(text).toMatch(/\r⎋\[K\d\d:\d\d:00 UTC {2}Balance: [^\n]*\ndemo \[/);
    // No plain progress lines on a terminal, the bar gone before the summary, nothing of it in the file.
    expect(text).not.toMatch(/^demo \dh/m);
    expect(text.slice(text.lastIndexOf("\r⎋[K"))).toMatch(/^\r⎋\[K(Performance summary|$)/);
    expect(readFileSync(logFile, "utf8")).not.toMatch(/demo \[/);
  });

  it("plays a whole file with a gap to its end, though its ends promised more", async () => {
    // Four hours of bars with the third hour missing: 3 h of prices, 4 h between first and last bar.
    const dir = mkdtempSync(join(tmpdir(), "btc15-demo-gap-"));
    const t0 = Date.parse("2024-12-02T00:00:00Z") / 1000;
    const rows = [];
    for (let i = 0; i < 240; i++) if (i < 120 || i >= 180) rows.push(`${t0 + 60 * i},${96_000 + (i % 5)},${96_003 + (i % 5)},${95_997 + (i % 5)},${96_000 + (i % 5)},1`);
    const file = join(dir, "gap.csv");
    writeFileSync(file, ["timestamp_unix_seconds,open,high,low,close,volume", ...rows].join("\n") + "\n");
    const { text } = await fakeClockDemo({ file });
    // The warm-up takes 31 minutes; 4 h − 31 m were expected, 3 h − 31 m were there.
    expect(text).toMatch(/^length {5}3h 29m of market \(the whole file\): /m);
    expect(text).toMatch(/^ {2}market {10}2h 29m simulated in /m);
  });
});
