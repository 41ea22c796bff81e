// A trading session over an existing data directory: recovery after a crash, snapshots that
// cannot be written, and which journals a fresh start may clear.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { RunLog } from "../../src/app/console/run-log.ts";
import { type SessionOptions, TradingSession } from "../../src/app/drivers/session.ts";
import { parseConfig } from "../../src/config/load.ts";
import type { TradeJournalRecord, TradeRecord } from "../../src/domain/records.ts";
import { JournalInUseError } from "../../src/store/fresh-journal.ts";
import { journalFiles } from "../../src/store/trade-journal.ts";

const trade = (id: string, close: number): TradeRecord => ({
  type: "trade", id, t: close - 300, ts: "2024-12-01T00:10:00Z", ticker: "KXBTC15M-24DEC301915-15", window_open: close - 900, window_close: close,
  side: "yes", contracts: 5, requested_contracts: 5, requested_price: "0.5500", price: "0.5500", fills: [{ price: "0.5500", contracts: 5 }],
  cost: "2.7500", fee: "0.0900", balance_after: "197.1600", p_up: 0.6, p_side: 0.6, edge: 0.03, confidence: 0.1, strike: "96000.00", btc_price: "96010.00", market: "synthetic",
});
const journal: TradeJournalRecord[] = [
  { type: "account", t: 0, ts: "1970-01-01T00:00:00Z", balance: "200.0000" },
  trade("a", 1_733_011_200),
  trade("b", 1_733_012_100),
];

function session(dataDir: string, fresh: SessionOptions["fresh"] = false) {
  const out = new PassThrough();
  let text = "";
  out.on("data", (d: Buffer) => (text += d.toString()));
  const config = parseConfig({ dataDir, engine: { predictionEverySeconds: 0 } });
  const s = new TradingSession({
    config,
    dataDir,
    market: { kind: "synthetic" },
    settlement: "proxy",
    log: new RunLog({ file: null, out, colour: false, now: () => 0, columns: Infinity }),
    fresh,
    maxCarrySeconds: 300,
  });
  return { s, console: () => text };
}

/** A pid no process has: one that has just exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

describe("recovery when a session opens a data directory", () => {
  it("rewrites performance.json from the journal at once and removes temporary files left by interrupted writes", () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-session-"));
    const f = journalFiles(dir);
    writeFileSync(f.trades, journal.map((r) => JSON.stringify(r)).join("\n") + "\n");
    writeFileSync(f.performance, JSON.stringify({ trades: 1 })); // written before the last trade, then the process was killed
    const dead = deadPid();
    const stale = [`performance.json.tmp-${dead}`, `trades.csv.tmp-${dead}`];
    for (const name of stale) writeFileSync(join(dir, name), "half");
    mkdirSync(join(dir, "predictions"));
    writeFileSync(join(dir, "predictions", `2024-12-01.csv.tmp-${dead}`), "half");
    const alive = `performance.json.tmp-${process.ppid}`; // a running process's write in progress
    writeFileSync(join(dir, alive), "in progress");

    const { console } = session(dir);
    expect(JSON.parse(readFileSync(f.performance, "utf8"))).toMatchObject({ trades: 2, open_positions: 2 });
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([alive]);
    expect(readdirSync(join(dir, "predictions"))).toEqual([]);
    expect(console()).toMatch(/removed 3 temporary files left by interrupted writes/);
  });
});

describe("a snapshot that cannot be written", () => {
  it("is a warning, not the end of the session", () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-session-"));
    writeFileSync(journalFiles(dir).trades, journal.map((r) => JSON.stringify(r)).join("\n") + "\n");
    mkdirSync(journalFiles(dir).performance); // the rename onto it fails, like a write onto a full disk
    const { s, console } = session(dir);
    expect(() => s.writePerformance()).not.toThrow();
    expect(console()).toContain(`cannot write to ${journalFiles(dir).performance}: it is a directory (EISDIR) (the journal is unaffected`);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
    expect(s.summary.trades).toBe(2);
  });

  it("is said once while it keeps failing, and once more when it is written again", () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-session-"));
    writeFileSync(journalFiles(dir).trades, journal.map((r) => JSON.stringify(r)).join("\n") + "\n");
    mkdirSync(journalFiles(dir).performance);
    const { s, console } = session(dir); // the session's own first write at opening fails too
    for (let i = 0; i < 5; i++) s.writePerformance();
    expect(console().match(/cannot write to \S+performance\.json/g)).toHaveLength(1);
    rmSync(journalFiles(dir).performance, { recursive: true });
    s.writePerformance();
    s.writePerformance();
    expect(console().match(/performance\.json written again/g)).toHaveLength(1);
    expect(JSON.parse(readFileSync(journalFiles(dir).performance, "utf8")).trades).toBe(2);
  });
});

describe("a fresh start (the demo)", () => {
  const demo = { madeBy: "demo", force: false, flag: "--data-dir" };

  it("refuses to delete a journal the demo did not make, and leaves it as it was", () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-session-"));
    const lines = journal.map((r) => JSON.stringify(r)).join("\n") + "\n";
    writeFileSync(journalFiles(dir).trades, lines);
    expect(() => session(dir, demo)).toThrow(JournalInUseError);
    expect(() => session(dir, demo)).toThrow(`${dir} holds a journal that btc15 demo did not make (trades.jsonl); it was left as it is: choose another directory with --data-dir, or add --force to delete it`);
    expect(readFileSync(journalFiles(dir).trades, "utf8")).toBe(lines);
  });

  it("clears its own journal, and another's only with --force", () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-session-"));
    session(dir, demo).s.engine.handle({ type: "stop", t: 0 }); // an empty directory: the demo makes it its own
    writeFileSync(journalFiles(dir).trades, journal.map((r) => JSON.stringify(r)).join("\n") + "\n");
    writeFileSync(join(dir, `performance.json.tmp-${deadPid()}`), "half");
    expect(session(dir, demo).s.summary.trades).toBe(0); // its own: cleared, with what a killed run left
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
    const other = mkdtempSync(join(tmpdir(), "btc15-session-"));
    writeFileSync(journalFiles(other).trades, journal.map((r) => JSON.stringify(r)).join("\n") + "\n");
    expect(session(other, { ...demo, force: true }).s.summary.trades).toBe(0);
    expect(existsSync(join(other, "made-by.json"))).toBe(true);
  });

  it("never clears a journal a resuming session (the live trader) has used since", () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-session-"));
    session(dir, demo);
    session(dir); // e.g. btc15 live --data-dir pointed at the demo's directory
    expect(() => session(dir, demo)).toThrow(JournalInUseError);
  });
});
