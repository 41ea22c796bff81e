import { existsSync, fsyncSync, ftruncateSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import type { PredictionRecord } from "../../src/domain/records.ts";
import { exportCsv } from "../../src/store/export.ts";
import type { FileOps } from "../../src/store/file-ops.ts";
import { readPredictions } from "../../src/store/prediction-days.ts";
import { PredictionLog } from "../../src/store/prediction-log.ts";
import { FileJournal } from "../../src/store/trade-journal.ts";

const DAY1 = Date.parse("2024-12-01T00:00:00Z") / 1000;
const DAY2 = DAY1 + 86_400;
const DAY3 = DAY2 + 86_400;

const pred = (t: number, reason = "low_edge"): PredictionRecord => ({
  t, ts: new Date(t * 1000).toISOString(), ticker: "KXBTC15M-24DEC011915-15", seconds_left: 600, btc_price: 96000.5, strike: 96010.25,
  p_up: 0.48, fair_value: 0.48, momentum: 0, mean_reversion: 0, sigma_15m: 0.002, yes_ask: 0.5, no_ask: 0.52,
  edge_yes: -0.03, edge_no: -0.01, confidence: 0.02, action: "none", side: null, reason,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "btc15-pred-"));
});

const files = () => readdirSync(join(dir, "predictions")).sort();
const openJournal = () => new FileJournal(dir, { durable: false, predictions: true, predictionBuffer: 0 });
async function all(): Promise<number[]> {
  const ts: number[] = [];
  for await (const p of readPredictions(dir)) ts.push(p.t);
  return ts;
}

describe("predictions, one file per UTC day of their time", () => {
  it("rotates on the records' own day and archives finished days compressed, with their spreadsheet", async () => {
    const j = openJournal();
    for (const t of [DAY1 + 10, DAY1 + 11, DAY1 + 86_399, DAY2 + 5, DAY2 + 6]) j.prediction(pred(t));
    j.close();
    await j.idle();
    expect(files()).toEqual(["2024-12-01.csv.gz", "2024-12-01.jsonl.gz", "2024-12-02.jsonl"]);
    const day1 = gunzipSync(readFileSync(join(dir, "predictions", "2024-12-01.jsonl.gz"))).toString().trim().split("\n");
    expect(day1.map((l) => (JSON.parse(l) as PredictionRecord).t)).toEqual([DAY1 + 10, DAY1 + 11, DAY1 + 86_399]);
    const csv = gunzipSync(readFileSync(join(dir, "predictions", "2024-12-01.csv.gz"))).toString().trim().split("\n");
    expect(csv[0]).toMatch(/^ts,ticker,seconds_left,/);
    expect(csv).toHaveLength(4);
    expect(await all()).toEqual([DAY1 + 10, DAY1 + 11, DAY1 + 86_399, DAY2 + 5, DAY2 + 6]);
  });

  it("resumes today's file after a restart, archives yesterday's on the next day, and never reopens a closed day", async () => {
    let j = openJournal();
    j.prediction(pred(DAY1 + 1));
    j.close();
    j = openJournal();
    j.prediction(pred(DAY1 + 2)); // same day: the same file
    j.close();
    await j.idle();
    expect(files()).toEqual(["2024-12-01.jsonl"]);
    j = openJournal();
    j.prediction(pred(DAY2 + 1)); // a later day: day 1 is archived
    j.close();
    await j.idle();
    expect(files()).toEqual(["2024-12-01.csv.gz", "2024-12-01.jsonl.gz", "2024-12-02.jsonl"]);
    j = openJournal();
    j.prediction(pred(DAY1 + 3)); // a record of a closed day (a clock set back): a new part, nothing overwritten
    j.prediction(pred(DAY3 + 1));
    j.close();
    await j.idle();
    expect(files()).toEqual(["2024-12-01.1.csv.gz", "2024-12-01.1.jsonl.gz", "2024-12-01.csv.gz", "2024-12-01.jsonl.gz", "2024-12-02.csv.gz", "2024-12-02.jsonl.gz", "2024-12-03.jsonl"]);
    expect(await all()).toEqual([DAY1 + 1, DAY1 + 2, DAY1 + 3, DAY2 + 1, DAY3 + 1]);
  });

  it("keeps an earlier-day record that arrives late in the open file, and reads an older version's single file first", async () => {
    writeFileSync(join(dir, "predictions.jsonl"), JSON.stringify(pred(DAY1 - 100)) + "\n");
    const j = openJournal();
    j.prediction(pred(DAY2 + 1));
    j.prediction(pred(DAY1 + 5)); // late: stays in day 2's file
    j.close();
    await j.idle();
    expect(files()).toEqual(["2024-12-02.jsonl"]);
    expect(await all()).toEqual([DAY1 - 100, DAY2 + 1, DAY1 + 5]);
  });

  it("re-archives a day whose archiving a crash interrupted, from the plain file that was kept", async () => {
    const j = openJournal();
    for (const t of [DAY1 + 1, DAY1 + 2]) j.prediction(pred(t));
    j.close();
    // The crash: a compressed file that is not a whole archive and a temporary beside the original.
    writeFileSync(join(dir, "predictions", "2024-12-01.jsonl.gz"), "garbage");
    writeFileSync(join(dir, "predictions", "2024-12-01.csv.gz.tmp-999999"), "half");
    expect(await all()).toEqual([DAY1 + 1, DAY1 + 2]); // the plain file is the original
    const k = openJournal();
    k.prediction(pred(DAY2 + 1));
    k.close();
    await k.idle();
    expect(files().filter((f) => !f.includes(".tmp-"))).toEqual(["2024-12-01.csv.gz", "2024-12-01.jsonl.gz", "2024-12-02.jsonl"]);
    expect(await all()).toEqual([DAY1 + 1, DAY1 + 2, DAY2 + 1]);
  });

  it("exports only the days not yet archived", async () => {
    writeFileSync(join(dir, "trades.jsonl"), "");
    const j = openJournal();
    for (let t = DAY1; t < DAY1 + 50; t++) j.prediction(pred(t));
    for (let t = DAY2; t < DAY2 + 7; t++) j.prediction(pred(t, "a, b"));
    j.close();
    await j.idle();
    const out = await exportCsv(dir);
    expect(out.predictions).toBe(7);
    expect(out.predictionFiles).toEqual([join(dir, "predictions", "2024-12-02.csv")]);
    const rows = readFileSync(join(dir, "predictions", "2024-12-02.csv"), "utf8").trim().split("\n");
    expect(rows).toHaveLength(8);
    expect(rows[1]).toMatch(/,"a, b"$/);
    expect(existsSync(join(dir, "predictions", "2024-12-01.csv"))).toBe(false);
  });
});

/** A disk with `free` bytes left (see journal.test.ts). */
class FillingDisk implements FileOps {
  constructor(public free: number) {}
  write(fd: number, data: Uint8Array, offset: number, length: number): number {
    if (this.free === 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    const n = writeSync(fd, data, offset, Math.min(length, this.free));
    this.free -= n;
    return n;
  }
  fsync(fd: number): void {
    fsyncSync(fd);
  }
  truncate(fd: number, length: number): void {
    ftruncateSync(fd, length);
  }
}

describe("a prediction that cannot be written", () => {
  it("is counted and dropped with one warning, never thrown at the trader, and leaves no part line", async () => {
    const disk = new FillingDisk(1 << 20);
    const warnings: string[] = [];
    const log = new PredictionLog(dir, { bufferBytes: 0, onWarning: (m) => warnings.push(m), ops: disk });
    log.add(pred(DAY1 + 1));
    disk.free = 25;
    for (let t = 2; t < 6; t++) expect(() => log.add(pred(DAY1 + t))).not.toThrow();
    expect(log.dropped).toBe(4);
    expect(warnings).toEqual([`cannot write to ${join(dir, "predictions", "2024-12-01.jsonl")}: disk full (ENOSPC): predictions are not saved until this clears (trading carries on)`]);
    disk.free = 1 << 20;
    log.add(pred(DAY1 + 6));
    log.close();
    await log.idle();
    expect(warnings[1]).toBe("predictions are saved again (4 lost)");
    expect(await all()).toEqual([DAY1 + 1, DAY1 + 6]);
  });
});
