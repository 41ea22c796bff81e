// A disk that fills during the demo: the demo ends as the live runner does (journal-stop.ts): no
// new trade from the first refused write, the open position's result awaited and its record
// retried, then a stop before the demo's length with one line that says what to do.
import { fsyncSync, ftruncateSync, mkdtempSync, readFileSync, readlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { RunLog } from "../../src/app/console/run-log.ts";
import { BUNDLED_SAMPLE } from "../../src/app/core/sample.ts";
import { runDemo } from "../../src/app/drivers/demo.ts";
import { runReplay } from "../../src/app/drivers/replay.ts";
import { formatReplay } from "../../src/app/console/run-summary.ts";
import { parseConfig } from "../../src/config/load.ts";
import type { TradeRecord } from "../../src/domain/records.ts";
import type { FileOps } from "../../src/store/file-ops.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";
import { SimScheduler } from "../sim/scheduler.ts";

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

/**
 * Real writes until `fillAfter` lines have gone into trades.jsonl; then every write fails, as a
 * full disk's do, `refusals` times (Infinity: a disk that never frees).
 */
class FillingDisk implements FileOps {
  tradeWrites = 0;
  refused = 0;
  constructor(
    private readonly fillAfter: number,
    private readonly refusals: number,
  ) {}
  write(fd: number, data: Uint8Array, offset: number, length: number): number {
    const full = this.tradeWrites >= this.fillAfter && this.refused < this.refusals;
    if (full) {
      this.refused++;
      throw enospc();
    }
    if (basename(readlinkSync(`/proc/self/fd/${fd}`)) === "trades.jsonl") this.tradeWrites++;
    return writeSync(fd, data, offset, length);
  }
  fsync(fd: number): void {
    fsyncSync(fd);
  }
  truncate(fd: number, length: number): void {
    ftruncateSync(fd, length);
  }
}

async function demoOnDisk(disk: FillingDisk) {
  const dir = mkdtempSync(join(tmpdir(), "btc15-demo-disk-"));
  const out = new PassThrough();
  let text = "";
  out.on("data", (d: Buffer) => (text += d.toString()));
  const log = new RunLog({ file: join(dir, "demo.log"), out, colour: false, now: () => 0 });
  const sim = new SimScheduler(0);
  const dataDir = join(dir, "journal");
  const sessions = await sim.run(
    runDemo({ config: parseConfig({ dataDir, synthetic: { mispricingCents: 3 } }), file: BUNDLED_SAMPLE, dataDir, speed: 3600, statusIntervalSeconds: 3600, log, stop: new Promise(() => {}), maxSeconds: 6 * 3600, scheduler: sim, disk }),
    "the demo",
    { simMs: 6 * 3600_000 },
  );
  log.close();
  // Long lines are wrapped at 80 columns, their continuations indented by two spaces: read them whole.
  text = text.replace(/\n {2,}(?=\S)/g, " ");
  return { dir, dataDir, sessions, text, journal: loadTradeJournal(join(dataDir, "KXBTC15M")).records };
}

describe.skipIf(process.platform !== "linux")("a journal that cannot be written, in the demo", () => {
  it("a disk that never frees: no trade after the failure, the open position's result awaited, a minute for the disk, then it stops early with one line", async () => {
    // The account line and the first trade are written; the next journal line (its settlement) is refused.
    const { dir, dataDir, sessions, text, journal } = await demoOnDisk(new FillingDisk(2, Infinity));
    expect(sessions.journalError?.message).toMatch(/trades\.jsonl: disk full \(ENOSPC\)/);
    expect(text.match(/JOURNAL WRITE FAILED/g)).toHaveLength(1);
    expect(text.match(/NEW TRADE SIGNAL/g)).toHaveLength(1);
    expect(text).toMatch(/simulated in .* \(stopped early\)/);
    expect(text).toMatch(/^STOPPED: the trade journal \S+trades\.jsonl could not be written \(.*ENOSPC.*\)\. Free space on its disk \(or fix the error\), then start again: the 1 record not written settles again then\.$/m);
    expect(journal.map((r) => r.type)).toEqual(["account", "trade"]);
    // It waited for that trade's window to close and settle, then a minute for the disk; not six hours.
    const trade = journal[1] as TradeRecord;
    const last = sessions.of("KXBTC15M").core.lastSecond!;
    expect(last + 1).toBeGreaterThanOrEqual(trade.window_close + 60);
    expect(last + 1).toBeLessThanOrEqual(trade.window_close + 120);
    expect(sessions.of("KXBTC15M").summary.openPositions).toBe(1);
    expect(text).toMatch(/NOT JOURNALED {3}1 record could not be written \(disk\): it settles again at the next start/);
    // The recording is on the same disk: the demo says it has a hole and what that means; its replay says it has no end.
    expect(text).toMatch(/recording \S+: ENOSPC: the recording has a hole until the disk takes writes again; the demo goes on/);
    expect(text).toMatch(/recording \S+: ENOSPC: [\d,]+ lines? could not be written: a replay of this session lacks them and will not make this journal/);
    const warnings: string[] = [];
    const replay = await runReplay({ paths: [join(dataDir, "sessions")], outDir: join(dir, "replay"), onWarning: (w) => warnings.push(w) });
    expect(warnings.filter((w) => /has no end .* it crashed, or its disk refused the end of its recording/.test(w))).toHaveLength(1);
    // The recording lost the trade (its flush came after the disk filled): the replay ends flat.
    expect(replay.trades).toBe(0);
    expect(formatReplay(replay)).toMatch(/^ {2}balance {15}\$200\.00 → \$200\.00$/m);
    // With positions still open, the final balance says it counts them at cost.
    expect(formatReplay({ ...replay, open_positions: 2 })).toMatch(/^ {2}balance {15}\$200\.00 → \$200\.00 {2}\(2 open positions counted at cost\)$/m);
  });

  it("a disk that frees again: the settlement is written and the demo stops with the journal whole", async () => {
    const { dir, dataDir, sessions, text, journal } = await demoOnDisk(new FillingDisk(2, 3));
    expect(sessions.journalError).not.toBeNull();
    expect(text.match(/NEW TRADE SIGNAL/g)).toHaveLength(1);
    expect(text).toMatch(/■ SETTLED KXBTC15M-/);
    expect(journal.map((r) => r.type)).toEqual(["account", "trade", "settlement"]);
    expect(sessions.of("KXBTC15M").summary.openPositions).toBe(0);
    expect(text).toMatch(/^STOPPED: the trade journal \S+trades\.jsonl could not be written .* then start again\.$/m);
    // The recording's refused lines were kept and written when the disk freed: it replays to this very journal.
    expect(text).not.toMatch(/could not be written: a replay/);
    const warnings: string[] = [];
    const replay = await runReplay({ paths: [join(dataDir, "sessions")], outDir: join(dir, "replay"), onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(formatReplay(replay)).toMatch(/^ {2}balance {15}\$200\.00 → \$[\d.,]+$/m);
    expect(readFileSync(join(dir, "replay", "KXBTC15M", "trades.jsonl"), "utf8")).toBe(readFileSync(join(dataDir, "KXBTC15M", "trades.jsonl"), "utf8"));
  });
});
