// A disk that fills in the middle of a live session: no new trade once a journal write fails, the
// open positions still settle as their results come (written when the disk takes writes again),
// then the runner stops by itself, non-zero, saying in one line what to do; and the session's
// recording replays to the very journal the live session wrote, refused writes included.
import { existsSync, ftruncateSync, fsyncSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runReplay } from "../../src/app/drivers/replay.ts";
import type { SettlementRecord, TradeRecord } from "../../src/domain/records.ts";
import type { FileOps } from "../../src/store/file-ops.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { startLive } from "./live-harness.ts";
import { startWorld } from "./live-world.ts";

/** A file's text, "" when there is none (a journal file opened but never written). */
const text = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : "");

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

/** The data directory's disk: real writes until it is full, then every write fails, as a full disk's do. */
class FillingDisk implements FileOps {
  full = false;
  refused = 0;
  write(fd: number, data: Uint8Array, offset: number, length: number): number {
    if (this.full) {
      this.refused++;
      throw enospc();
    }
    return writeSync(fd, data, offset, length);
  }
  fsync(fd: number): void {
    fsyncSync(fd);
  }
  truncate(fd: number, length: number): void {
    ftruncateSync(fd, length);
  }
}

const CLOSE = Date.parse("2026-11-20T16:00:00Z") / 1000;
const RESULT = { result: "yes" as const, expirationValue: "64001.00" };
const config = { balance: 1000, strategy: { minConfidence: 0, maxEntriesPerWindow: 3 } };

describe("a journal that cannot be written, live", () => {
  it("takes no new trade, settles the open positions once the disk takes writes again, stops with exit 3 and one line, and replays to the same journal", async () => {
    const sim = new SimScheduler((CLOSE - 25) * 1000 + 370);
    const world = await startWorld(sim, { cheap: [CLOSE], results: new Map([[CLOSE, RESULT]]) });
    const disk = new FillingDisk();
    try {
      const run = startLive({ sim, config: world.config(config), disk });
      await run.waitFor(/(NEW TRADE SIGNAL[\s\S]*){2}/);
      // The disk fills: the third trade cannot be written.
      disk.full = true;
      await run.waitFor(/JOURNAL WRITE FAILED: cannot write to \S+trades\.jsonl: disk full \(ENOSPC\)\. No new trades/);
      const failedAt = sim.now();
      // Past the close and the result: the two positions' settlements are refused too, and retried.
      await sim.advanceTo((CLOSE + 8) * 1000);
      expect(run.exited).toBe(false);
      const refusedBefore = disk.refused;
      await sim.advance(3000);
      expect(disk.refused).toBeGreaterThan(refusedBefore); // retried every second
      // Space again: everything waiting is written, and with no result left to wait for, the runner stops.
      disk.full = false;
      expect(await sim.run(run.done, "the runner to stop by itself")).toBe(3);
      const out = run.out();
      expect(out.match(/JOURNAL WRITE FAILED/g)).toHaveLength(1);
      expect(out).toMatch(/STOPPED: the trade journal \S+trades\.jsonl could not be written \(cannot write to \S+trades\.jsonl: disk full \(ENOSPC\)\)\. Free space on its disk \(or fix the error\), then start again\.$/m);
      const records = loadTradeJournal(join(run.dir, "trading", "KXBTC15M")).records;
      const trades = records.filter((r): r is TradeRecord => r.type === "trade");
      const settled = records.filter((r): r is SettlementRecord => r.type === "settlement");
      // The two positions opened before the failure settled on Kalshi's result, in this session.
      expect(settled.map((s) => s.trade_id).sort()).toEqual(trades.slice(0, 2).map((t) => t.id).sort());
      // No trade was decided after the failure: the only later one is the fill whose write failed, written once the disk took it.
      expect(trades.filter((t) => t.t * 1000 > failedAt)).toHaveLength(0);
      expect(trades).toHaveLength(3);

      // The replay fails the very writes the live disk refused, and ends with the live journal.
      const root = join(run.dir, "trading");
      const live = join(root, "KXBTC15M");
      const warnings: string[] = [];
      const replay = await runReplay({ paths: [join(root, "sessions")], outDir: join(run.dir, "replay"), onWarning: (w) => warnings.push(w) });
      expect(replay.sessions).toHaveLength(1);
      expect(warnings).toEqual([]); // its end recorded once the disk took writes again
      expect(readFileSync(join(run.dir, "replay", "KXBTC15M", "trades.jsonl"), "utf8")).toBe(readFileSync(join(live, "trades.jsonl"), "utf8"));
      // The window's record was refused too (the disk was full at its result): in neither journal.
      expect(text(join(run.dir, "replay", "KXBTC15M", "windows.jsonl"))).toBe(text(join(live, "windows.jsonl")));
    } finally {
      await world.close();
    }
  });

  it("a disk that never frees: the results are awaited, the records kept a minute for the disk, then exit 3 and the summary names what was not written", async () => {
    const sim = new SimScheduler((CLOSE - 25) * 1000 + 370);
    const world = await startWorld(sim, { cheap: [CLOSE], results: new Map([[CLOSE, RESULT]]) });
    const disk = new FillingDisk();
    try {
      const run = startLive({ sim, config: world.config(config), disk });
      await run.waitFor(/NEW TRADE SIGNAL/);
      disk.full = true;
      await run.waitFor(/JOURNAL WRITE FAILED/);
      expect(await sim.run(run.done, "the runner to stop by itself", { simMs: 5 * 60_000 })).toBe(3);
      // It waited for the close and the result, then a minute for the disk.
      expect(sim.now()).toBeGreaterThan((CLOSE + 60) * 1000);
      expect(run.out()).toMatch(/NOT JOURNALED {3}\d+ records? could not be written \(disk\): (it|they) settles? again at the next start/);
      expect(run.out()).toMatch(/STOPPED: the trade journal .* then start again: the \d+ records? not written settles? again then\.$/m);
      const records = loadTradeJournal(join(run.dir, "trading", "KXBTC15M")).records;
      expect(records.filter((r) => r.type === "settlement")).toHaveLength(0);
    } finally {
      await world.close();
    }
  });
});
