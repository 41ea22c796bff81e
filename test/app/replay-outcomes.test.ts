// A replay of several recorded sessions holds our proxy against Kalshi's official result in every
// window any of them resolved: one engine per session, one comparison over all of them.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runReplay } from "../../src/app/drivers/replay.ts";
import { SessionRecorder } from "../../src/app/recording/recorder.ts";
import { parseConfig } from "../../src/config/load.ts";
import type { WindowRecord } from "../../src/domain/records.ts";
import { windowAt } from "../../src/domain/window.ts";

const CLOSE = Date.parse("2026-11-20T14:30:00Z") / 1000;

/**
 * A session that sees one window from a minute before it opens to just after its close, the price
 * rising one cent a second (so our proxy says up), then Kalshi's official `result`.
 */
function recordSession(dir: string, close: number, result: "yes" | "no"): void {
  const config = parseConfig({ dataDir: join(dir, "live"), markets: "kalshi" });
  const w = windowAt(close - 1);
  const first = w.open - 120;
  const clock = { t: first * 1000 };
  const rec = new SessionRecorder({ dir: join(dir, "sessions"), rotate: "hour", now: () => clock.t, header: { btc15_version: "test", config, market: "kalshi", settlement: "official", mode: "paper", journal_at_start: [] } });
  rec.event({ type: "market", t: clock.t, ticker: w.ticker, open: w.open, close: w.close, tradable: true, strikeCents: null, ranges: null });
  for (let s = first; s < close + 5; s++) {
    clock.t = (s + 1) * 1000;
    rec.event({ type: "second", second: s, cents: 6_400_000 + (s - first), carried: false });
  }
  rec.event({ type: "result", t: clock.t, ticker: w.ticker, close, result, settlementCents: null, strikeCents: null, source: "kalshi" });
  rec.event({ type: "stop", t: clock.t });
  rec.close();
}

describe("a replay of several sessions", () => {
  it("compares our proxy with the official result in every session's windows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-replay-outcomes-"));
    recordSession(dir, CLOSE, "yes"); // our proxy says up: agreed
    recordSession(dir, CLOSE + 3600, "no"); // an hour later, a second session: disagreed
    const r = await runReplay({ paths: [join(dir, "sessions")], outDir: join(dir, "replay") });
    expect(r.sessions).toHaveLength(2);
    const windows = readFileSync(join(dir, "replay", "KXBTC15M", "windows.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as WindowRecord);
    expect(windows.map((w) => [w.result, w.proxy_result])).toEqual([["yes", "yes"], ["no", "yes"]]);
    expect(r.outcome_agreement).toMatchObject({ compared: 2, agreed: 1 });
  });
});
