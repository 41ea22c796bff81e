// btc15 replay --dashboard: a recorded demo session replayed with the dashboard attached; the
// state it serves at the end is the replay's own result.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { DashboardServer } from "../../../src/app/dashboard/server.ts";
import type { DashboardState } from "../../../src/app/dashboard/state.ts";
import { runDemo } from "../../../src/app/drivers/demo.ts";
import { runReplay } from "../../../src/app/drivers/replay.ts";
import { RunLog } from "../../../src/app/console/run-log.ts";
import { BUNDLED_SAMPLE } from "../../../src/app/core/sample.ts";
import { parseConfig } from "../../../src/config/load.ts";
import { loadTradeJournal } from "../../../src/store/trade-journal.ts";
import { SimScheduler } from "../../sim/scheduler.ts";

describe("btc15 replay --dashboard", { timeout: 60_000 }, () => {
  it("shows the replayed session: its trades, settlements and account as the replay journaled them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-dash-replay-"));
    const out = new PassThrough();
    out.resume();
    const log = new RunLog({ file: join(dir, "demo.log"), out, colour: false, now: () => 0 });
    const config = parseConfig({ dataDir: join(dir, "demo"), synthetic: { mispricingCents: 3 } });
    // Three recorded hours of a demo (on a simulated clock: no real time passes).
    const sim = new SimScheduler(0);
    await sim.run(runDemo({ config, file: BUNDLED_SAMPLE, dataDir: config.dataDir, speed: 3600, statusIntervalSeconds: 3600, log, stop: new Promise(() => {}), maxSeconds: 3 * 3600, scheduler: sim }), "the demo");
    log.close();

    const dashboard = await DashboardServer.open({ port: 0 });
    try {
      const result = await runReplay({ paths: [join(config.dataDir, "sessions")], outDir: join(dir, "replay"), dashboard });
      const s = (await (await fetch(`${dashboard.url}api/state`)).json()) as DashboardState;
      expect(s).toMatchObject({ phase: "running", driver: "replay", mode: "paper", market: "synthetic", series: "KXBTC15M" });
      expect(s.price.sources.map((x) => x.name)).toEqual(["recording"]);
      expect(result.trades).toBeGreaterThan(0);
      const records = loadTradeJournal(join(dir, "replay", "KXBTC15M")).records;
      const trades = records.filter((r) => r.type === "trade");
      expect(s.account!.trades).toBe(result.trades);
      expect(Number(s.account!.balance)).toBeCloseTo(result.final_balance, 4);
      expect(s.trades.map((r) => r.id)).toEqual(trades.map((r) => r.id).reverse().slice(0, 20));
      expect(s.settlements.length).toBe(Math.min(20, records.filter((r) => r.type === "settlement" || r.type === "void").length));
      expect(s.counters.samples).toBe(result.samples);
    } finally {
      await dashboard.close();
    }
  });
});
