// A day of recorded live session, made up but shaped like a real one, recorded with the real
// recorder and replayed with the real replay: events/s, the wall time for the day, and the
// recording's size per day.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SessionRecorder } from "../src/app/recording/recorder.ts";
import { runReplay } from "../src/app/drivers/replay.ts";
import { parseConfig } from "../src/config/load.ts";
import { seededRandom } from "../src/domain/random.ts";
import { windowAt } from "../src/domain/window.ts";

export interface ReplayBench {
  readonly events: number;
  readonly ticks: number;
  readonly ticks_per_s_recorded: number;
  readonly record_ms: number;
  readonly replay_ms: number;
  readonly replay_events_per_s: number;
  readonly recording_mb_per_day: number;
  readonly recording_without_ticks_mb_per_day: number;
  readonly trades: number;
}

/**
 * One day: a price every second, Kalshi's book (ten levels a side, changing) once a second,
 * each window's market facts and official result, and `ticksPerSecond` raw ticks a second
 * spread over four sources.
 */
export async function replayBench(o: { ticksPerSecond: number; seconds?: number }): Promise<ReplayBench> {
  const seconds = o.seconds ?? 86_400;
  const dir = mkdtempSync(join(tmpdir(), "btc15-bench-replay-"));
  const config = parseConfig({ dataDir: join(dir, "live"), strategy: { minConfidence: 0 } });
  const day0 = Date.parse("2026-11-02T00:00:00Z") / 1000;
  const rnd = seededRandom(7);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const sizes = { withTicks: 0, withoutTicks: 0 };
  let recordMs = 0;
  let events = 0;
  let ticks = 0;
  for (const withTicks of [false, true]) {
    const clock = { t: day0 * 1000 };
    const rec = new SessionRecorder({
      dir: join(dir, withTicks ? "with" : "without"),
      rotate: "hour",
      now: () => clock.t,
      header: { btc15_version: "bench", config, market: "kalshi", settlement: "official", mode: "paper", journal_at_start: [] },
    });
    const t0 = performance.now();
    let cents = 9_600_000;
    const sources = ["coinbase", "kraken", "binanceus", "bitstamp"];
    for (let s = 0; s < seconds; s++) {
      const second = day0 + s;
      clock.t = (second + 1) * 1000 + 20;
      const w = windowAt(second + 1);
      if ((second + 1) % 900 === 0 || s === 0) {
        rec.event({ type: "market", t: clock.t, ticker: w.ticker, open: w.open, close: w.close, tradable: true, strikeCents: cents, ranges: null });
        if (s > 0) rec.event({ type: "result", t: clock.t + 4000, ticker: windowAt(second).ticker, close: w.open, result: rnd() < 0.5 ? "yes" : "no", settlementCents: cents, strikeCents: cents, source: "kalshi" });
      }
      if (withTicks) {
        for (let k = 0; k < o.ticksPerSecond; k++) {
          rec.tick({ type: "tick", s: sources[k % 4]!, p: (cents + Math.round(gauss() * 300)) / 100, r: second * 1000 + Math.floor((k * 1000) / o.ticksPerSecond), v: second * 1000 + Math.floor((k * 1000) / o.ticksPerSecond) - 40, q: 0.0012 });
        }
      }
      cents = Math.max(100, Math.round(cents * (1 + 1e-4 * gauss())));
      const mid = 45 + Math.floor(rnd() * 10);
      const book = {
        yes: Array.from({ length: 10 }, (_, i) => ({ price: (mid - 10 + i) * 100, size: 10 + ((s + i) % 50) })),
        no: Array.from({ length: 10 }, (_, i) => ({ price: (100 - mid - 11 + i) * 100, size: 10 + ((s * 3 + i) % 50) })),
      };
      rec.event({ type: "book", ticker: w.ticker, requestedMs: clock.t - 300, receivedMs: clock.t - 150, book });
      rec.event({ type: "second", second, cents, carried: false });
      rec.flush();
    }
    rec.close();
    if (withTicks) {
      recordMs = performance.now() - t0;
      events = rec.counters.events;
      ticks = rec.counters.ticks;
    }
    sizes[withTicks ? "withTicks" : "withoutTicks"] = folderBytes(rec.folder);
  }
  const t1 = performance.now();
  const result = await runReplay({ paths: [join(dir, "with")], outDir: join(dir, "replay") });
  const replayMs = performance.now() - t1;
  rmSync(dir, { recursive: true, force: true });
  const perDay = (bytes: number) => Number(((bytes / 1e6) * (86_400 / seconds)).toFixed(1));
  return {
    events,
    ticks,
    ticks_per_s_recorded: o.ticksPerSecond,
    record_ms: Math.round(recordMs),
    replay_ms: Math.round(replayMs),
    replay_events_per_s: Math.round(result.events / (replayMs / 1000)),
    recording_mb_per_day: perDay(sizes.withTicks),
    recording_without_ticks_mb_per_day: perDay(sizes.withoutTicks),
    trades: result.trades,
  };
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) n += statSync(join(dir, f)).size;
  return n;
}

export function formatReplayBench(r: ReplayBench): string[] {
  return [
    `replay (a recorded day: ${r.events.toLocaleString("en-US")} engine events + ${r.ticks.toLocaleString("en-US")} raw ticks at ${r.ticks_per_s_recorded}/s)`,
    `  replay             ${r.replay_events_per_s.toLocaleString("en-US").padStart(12)} events/s    (the day in ${(r.replay_ms / 1000).toFixed(1)} s, ${r.trades} trades)`,
    `  recording          ${String(r.recording_mb_per_day).padStart(12)} MB/day      (${r.recording_without_ticks_mb_per_day} MB/day without the raw ticks)`,
  ];
}
