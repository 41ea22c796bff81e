import { appendFileSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { TradeJournalRecord, TradeRecord } from "../../src/domain/records.ts";
import { Account } from "../../src/engine/account.ts";
import { exportCsv } from "../../src/store/export.ts";
import type { FileOps } from "../../src/store/file-ops.ts";
import { readJsonl } from "../../src/store/jsonl.ts";
import { writeJsonAtomic } from "../../src/store/snapshot.ts";
import { FileJournal, journalFiles, loadTradeJournal } from "../../src/store/trade-journal.ts";
import { JournalWriteError, StoreWriteError } from "../../src/store/write-error.ts";

const trade = (id: string, close: number, cost = "2.7500", fee = "0.0900"): TradeRecord => ({
  type: "trade", id, t: close - 300, ts: "2024-12-01T00:10:00Z", ticker: "KXBTC15M-24DEC301915-15", window_open: close - 900, window_close: close,
  side: "yes", contracts: 5, requested_contracts: 5, requested_price: "0.5500", price: "0.5500", fills: [{ price: "0.5500", contracts: 5 }],
  cost, fee, balance_after: "197.1600", p_up: 0.6, p_side: 0.6, edge: 0.03, confidence: 0.1, strike: "96000.00", btc_price: "96010.00", market: "synthetic",
});

const records: TradeJournalRecord[] = [
  { type: "account", t: 0, ts: "2024-12-01T00:00:00Z", balance: "200.0000" },
  trade("a", 900),
  { type: "settlement", trade_id: "a", t: 900, ts: "", ticker: "K", strike: "96000.00", settlement_value: "96100.00", result: "yes", won: true, payout: "5.0000", pnl: "2.1600", balance_after: "202.1600", source: "proxy" },
  trade("b", 1800),
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "btc15-journal-"));
});

function write(recs: readonly TradeJournalRecord[]): void {
  const j = new FileJournal(dir, { durable: true, predictions: false, predictionBuffer: 0 });
  for (const r of recs) j.append(r);
  j.close();
}

describe("trade journal", () => {
  it("reads back exactly what was appended and rebuilds balance and open positions", () => {
    write(records);
    const loaded = loadTradeJournal(dir);
    expect(loaded.records).toEqual(records);
    expect(loaded.warnings).toEqual([]);
    const a = Account.fromRecords(loaded.records, 0);
    expect(a.balance).toBe(2_000_000 - 28_400 + 50_000 - 28_400);
    expect([...a.positions.keys()]).toEqual(["b"]);
  });

  it("skips a torn last line with a warning, and sets it aside before appending", () => {
    write(records.slice(0, 3));
    const torn = JSON.stringify(records[3]).slice(0, 57); // a crash in the middle of a write
    appendFileSync(journalFiles(dir).trades, torn);
    const loaded = loadTradeJournal(dir);
    expect(loaded.records).toEqual(records.slice(0, 3));
    expect(loaded.tornTail).toBe(true);
    expect(loaded.warnings[0]).toMatch(/incomplete/);

    const j = new FileJournal(dir, { durable: true, predictions: false, predictionBuffer: 0 });
    expect(j.repairedTail).toBe(torn);
    j.append(records[3]!);
    j.close();
    expect(readFileSync(`${journalFiles(dir).trades}.torn`, "utf8")).toBe(torn + "\n");
    const again = loadTradeJournal(dir);
    expect(again.records).toEqual(records);
    expect(again.warnings).toEqual([]);
  });

  it("skips corrupt and invalid lines in the middle, naming them, and keeps the rest", () => {
    const lines = records.map((r) => JSON.stringify(r));
    lines.splice(2, 0, "{not json", JSON.stringify({ ...records[1], id: "c", cost: "lots" }), "[1,2]");
    writeFileSync(journalFiles(dir).trades, lines.join("\n") + "\n");
    const loaded = loadTradeJournal(dir);
    expect(loaded.records).toEqual(records);
    expect(loaded.skippedLines).toEqual([3, 4, 5]);
    expect(loaded.warnings.join("\n")).toMatch(/line 4 skipped: not a journal record \(cost/);
  });

  it("reads an empty or missing journal as no records", () => {
    expect(loadTradeJournal(dir).records).toEqual([]);
    writeFileSync(journalFiles(dir).trades, "");
    expect(loadTradeJournal(dir).records).toEqual([]);
  });

  it("keeps multi-byte text whole across read chunks", () => {
    const path = join(dir, "x.jsonl");
    const big = "é".repeat(700_000); // 1.4 MB of two-byte characters: crosses the 1 MB chunk edge
    writeFileSync(path, JSON.stringify({ a: big }) + "\n" + JSON.stringify({ b: 1 }) + "\n");
    const r = readJsonl<{ a?: string; b?: number }>(path);
    expect(r.records[0]!.a).toBe(big);
    expect(r.records[1]!.b).toBe(1);
  });
});

describe("snapshots and exports", () => {
  it("replaces performance.json atomically, leaving no temporary file", () => {
    const path = join(dir, "performance.json");
    writeJsonAtomic(path, { balance: 1 });
    writeJsonAtomic(path, { balance: 2 });
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ balance: 2 });
    expect(readdirSync(dir)).toEqual(["performance.json"]);
  });

  it("exports one CSV row per trade with its settlement beside it, and the open day's predictions", async () => {
    write(records);
    const j = new FileJournal(dir, { durable: false, predictions: true, predictionBuffer: 0 });
    j.prediction({ t: 1, ts: "x", ticker: "K", seconds_left: 600, btc_price: 1, strike: 1, p_up: 0.5, fair_value: 0.5, momentum: 0, mean_reversion: 0, sigma_15m: 0.003, yes_ask: 0.51, no_ask: 0.51, edge_yes: -0.03, edge_no: -0.03, confidence: 0, action: "none", side: null, reason: "low_confidence: confidence 0.00% < 3.00%, really" });
    j.close();
    const out = await exportCsv(dir);
    expect(out).toMatchObject({ trades: 2, predictions: 1 });
    const rows = readFileSync(journalFiles(dir).tradesCsv, "utf8").trim().split("\n");
    expect(rows[0]!.split(",")[0]).toBe("id");
    expect(rows[1]).toMatch(/^a,.*,won,yes,96100\.00,5\.0000,2\.1600,/);
    expect(rows[2]).toMatch(/^b,.*,open,/);
    const csv = join(dir, "predictions", "1970-01-01.csv");
    expect(out.predictionFiles).toEqual([csv]);
    expect(readFileSync(csv, "utf8")).toContain('"low_confidence: confidence 0.00% < 3.00%, really"'); // the comma is quoted
  });

  it("leaves the old snapshot and no temporary file when a snapshot cannot be written", () => {
    const path = join(dir, "performance.json");
    writeJsonAtomic(path, { balance: 1 });
    const full = join(dir, "full");
    mkdirSync(full);
    const blocked = join(full, "performance.json");
    mkdirSync(blocked); // rename onto a directory fails, as a write onto a full disk would
    expect(() => writeJsonAtomic(blocked, { balance: 2 })).toThrow(StoreWriteError);
    expect(() => writeJsonAtomic(blocked, { balance: 2 })).toThrow(`cannot write to ${blocked}: it is a directory (EISDIR)`);
    expect(readdirSync(full)).toEqual(["performance.json"]);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ balance: 1 });
  });
});

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

/**
 * A disk with `free` bytes left, written through the real file: a write larger than what is
 * left is short, and the next one fails with ENOSPC, as Linux does when a disk fills.
 */
class FillingDisk implements FileOps {
  calls = 0;
  failFsync: Error | null = null;
  failTruncate: Error | null = null;
  constructor(public free: number, private readonly maxPerWrite = Infinity) {}

  write(fd: number, data: Uint8Array, offset: number, length: number): number {
    this.calls++;
    if (this.free === 0) throw enospc();
    const n = writeSync(fd, data, offset, Math.min(length, this.free, this.maxPerWrite));
    this.free -= n;
    return n;
  }

  fsync(fd: number): void {
    if (this.failFsync) throw this.failFsync;
    fsyncSync(fd);
  }

  truncate(fd: number, length: number): void {
    if (this.failTruncate) throw this.failTruncate;
    ftruncateSync(fd, length);
  }
}

describe("a journal writer whose disk fills mid-line", () => {
  const open = (disk: FileOps) => new FileJournal(dir, { durable: true, predictions: false, predictionBuffer: 0, ops: disk });

  it("throws, naming the file and the cause, and leaves no part of the line; the next append starts clean", () => {
    const disk = new FillingDisk(1 << 20);
    const j = open(disk);
    for (const r of records.slice(0, 3)) j.append(r);
    const before = readFileSync(journalFiles(dir).trades);
    disk.free = 40; // the next line is longer: 40 bytes go, then the disk is full
    expect(() => j.append(records[3]!)).toThrow(JournalWriteError);
    expect(disk.calls).toBeGreaterThanOrEqual(5); // the short write was continued, then failed
    expect(readFileSync(journalFiles(dir).trades)).toEqual(before);
    disk.free = 0;
    expect(() => j.append(records[3]!)).toThrow(`cannot write to ${journalFiles(dir).trades}: disk full (ENOSPC)`);
    expect(readFileSync(journalFiles(dir).trades)).toEqual(before);

    // A restart finds every earlier record and no torn tail.
    const loaded = loadTradeJournal(dir);
    expect(loaded.records).toEqual(records.slice(0, 3));
    expect(loaded.tornTail).toBe(false);

    // Space is freed: the same record is written whole, on a line of its own.
    disk.free = 1 << 20;
    j.append(records[3]!);
    j.close();
    expect(loadTradeJournal(dir)).toMatchObject({ records, warnings: [] });
    expect(existsSync(`${journalFiles(dir).trades}.torn`)).toBe(false);
  });

  it("continues short writes until the whole line is written", () => {
    const disk = new FillingDisk(1 << 20, 7); // never more than 7 bytes a call
    const j = open(disk);
    for (const r of records) j.append(r);
    j.close();
    expect(loadTradeJournal(dir)).toMatchObject({ records, warnings: [] });
    expect(disk.calls).toBeGreaterThan(100);
  });

  it("does not count a line whose fsync failed: it is cut back", () => {
    const disk = new FillingDisk(1 << 20);
    const j = open(disk);
    j.append(records[0]!);
    disk.failFsync = Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" });
    expect(() => j.append(records[1]!)).toThrow(`cannot write to ${journalFiles(dir).trades}: input/output error (EIO)`);
    disk.failFsync = null;
    expect(loadTradeJournal(dir).records).toEqual(records.slice(0, 1));
    j.append(records[1]!);
    j.close();
    expect(loadTradeJournal(dir).records).toEqual(records.slice(0, 2));
  });

  it("cuts a part line it could not cut at once before the next append", () => {
    const disk = new FillingDisk(1 << 20);
    const j = open(disk);
    j.append(records[0]!);
    disk.free = 30;
    disk.failTruncate = enospc();
    expect(() => j.append(records[1]!)).toThrow(JournalWriteError);
    disk.failTruncate = null;
    disk.free = 1 << 20;
    j.append(records[1]!);
    j.close();
    expect(loadTradeJournal(dir)).toMatchObject({ records: records.slice(0, 2), warnings: [] });
  });
});
