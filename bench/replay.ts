// A day of recorded live session, made up but shaped like a real one, recorded with the real
// recorder and replayed with the real replay, beside a backtest of the very same seconds (a
// one-second price file): the two timed in turns, as main.ts times the pipeline and its floor.
// Also the recording's size per day, what reading it alone costs, and what a prediction journaled
// every second costs a replay.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBacktest } from "../src/app/drivers/backtest.ts";
import { runReplay } from "../src/app/drivers/replay.ts";
import { type ReadCounters, findSessions, readRecordingBatches } from "../src/app/recording/reader.ts";
import { SessionRecorder } from "../src/app/recording/recorder.ts";
import { parseConfig } from "../src/config/load.ts";
import type { AppConfig } from "../src/config/schema.ts";
import { seededRandom } from "../src/domain/random.ts";
import { windowAt } from "../src/domain/window.ts";

export interface ReplayBench {
  readonly events: number;
  readonly ticks: number;
  readonly ticks_per_s_recorded: number;
  readonly record_ms: number;
  readonly runs: number;
  /** Medians of the alternating runs. */
  readonly replay_ms: number;
  readonly backtest_ms: number;
  readonly replay_events_per_s: number;
  /** Replay time ÷ backtest time of the same seconds, per pair: median, min, max (target ≤ 2). */
  readonly ratio: number;
  readonly ratio_min: number;
  readonly ratio_max: number;
  /** Reading and checking the recording's lines alone, nothing fed anywhere, ÷ the backtest. */
  readonly read_only_ms: number;
  readonly read_only_ratio: number;
  /** One replay journaling a prediction every second (--predictions 1), ÷ the backtest. */
  readonly with_predictions_ms: number;
  readonly with_predictions_ratio: number;
  readonly recording_mb_per_day: number;
  readonly recording_without_ticks_mb_per_day: number;
  /** The recording's engine events, uncompressed. */
  readonly recording_raw_mb_per_day: number;
  /** The backtest's one-second price file for the same seconds. */
  readonly csv_mb_per_day: number;
  readonly trades: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * One day: a price every second, Kalshi's book (ten levels a side, every level's size changing
 * every second: more than a real book changes, so a worst case for the replay) once a second, each
 * window's market facts and official result, and `ticksPerSecond` raw ticks a second spread over
 * four sources; and the same prices as a one-second CSV, for the backtest.
 */
function recordDay(dir: string, config: AppConfig, o: { ticksPerSecond: number; seconds: number }) {
  const day0 = Date.parse("2026-11-02T00:00:00Z") / 1000;
  const sizes = { withTicks: 0, withoutTicks: 0 };
  let recordMs = 0;
  let events = 0;
  let ticks = 0;
  let rawBytes = 0;
  let csvBytes = 0;
  for (const withTicks of [false, true]) {
    // The ticks draw from their own stream, so both recordings (and the price file) hold the same seconds.
    const rnd = seededRandom(7);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const tickRnd = seededRandom(8);
    const tickGauss = () => Math.sqrt(-2 * Math.log(1 - tickRnd())) * Math.cos(2 * Math.PI * tickRnd());
    const clock = { t: day0 * 1000 };
    const rec = new SessionRecorder({
      dir: join(dir, withTicks ? "with" : "without"),
      rotate: "hour",
      now: () => clock.t,
      header: { btc15_version: "bench", config, market: "kalshi", settlement: "official", mode: "paper", journal_at_start: [] },
    });
    const csv: string[] = ["timestamp_unix_seconds,open,high,low,close,volume\n"];
    const t0 = performance.now();
    let cents = 9_600_000;
    const sources = ["coinbase", "kraken", "binanceus", "bitstamp"];
    const event = (e: Parameters<SessionRecorder["event"]>[0]) => {
      rec.event(e, "KXBTC15M"); // tagged with its series, as a session's recording is
      if (!withTicks) rawBytes += JSON.stringify(e).length + 1;
    };
    for (let s = 0; s < o.seconds; s++) {
      const second = day0 + s;
      clock.t = (second + 1) * 1000 + 20;
      const w = windowAt(second + 1);
      if ((second + 1) % 900 === 0 || s === 0) {
        event({ type: "market", t: clock.t, ticker: w.ticker, open: w.open, close: w.close, tradable: true, strikeCents: cents, ranges: null });
        if (s > 0) event({ type: "result", t: clock.t + 4000, ticker: windowAt(second).ticker, close: w.open, result: rnd() < 0.5 ? "yes" : "no", settlementCents: cents, strikeCents: cents, source: "kalshi" });
      }
      if (withTicks) {
        for (let k = 0; k < o.ticksPerSecond; k++) {
          rec.tick({ type: "tick", s: sources[k % 4]!, p: (cents + Math.round(tickGauss() * 300)) / 100, r: second * 1000 + Math.floor((k * 1000) / o.ticksPerSecond), v: second * 1000 + Math.floor((k * 1000) / o.ticksPerSecond) - 40, q: 0.0012 });
        }
      }
      cents = Math.max(100, Math.round(cents * (1 + 1e-4 * gauss())));
      const mid = 45 + Math.floor(rnd() * 10);
      const book = {
        yes: Array.from({ length: 10 }, (_, i) => ({ price: (mid - 10 + i) * 100, size: 10 + ((s + i) % 50) })),
        no: Array.from({ length: 10 }, (_, i) => ({ price: (100 - mid - 11 + i) * 100, size: 10 + ((s * 3 + i) % 50) })),
      };
      event({ type: "book", ticker: w.ticker, requestedMs: clock.t - 300, receivedMs: clock.t - 150, book });
      event({ type: "second", second, cents, carried: false });
      const p = (cents / 100).toFixed(2);
      csv.push(`${second},${p},${p},${p},${p},0\n`);
      rec.flush();
    }
    rec.close();
    if (withTicks) {
      recordMs = performance.now() - t0;
      events = rec.counters.events;
      ticks = rec.counters.ticks;
    } else {
      const text = csv.join("");
      csvBytes = text.length;
      writeFileSync(join(dir, "day.csv"), text);
    }
    sizes[withTicks ? "withTicks" : "withoutTicks"] = folderBytes(rec.folder);
  }
  return { sizes, recordMs, events, ticks, rawBytes, csvBytes };
}

export async function replayBench(o: { ticksPerSecond: number; seconds?: number; runs?: number }): Promise<ReplayBench> {
  const seconds = o.seconds ?? 86_400;
  const runs = o.runs ?? 5;
  const dir = mkdtempSync(join(tmpdir(), "btc15-bench-replay-"));
  const config = parseConfig({ dataDir: join(dir, "live"), strategy: { minConfidence: 0 } });
  const day = recordDay(dir, config, { ticksPerSecond: o.ticksPerSecond, seconds });
  const recording = join(dir, "with");
  const replay = (predictions = 0) => runReplay({ paths: [recording], outDir: join(dir, "replay"), force: true, ...(predictions ? { predictionEverySeconds: predictions } : {}) });
  const backtest = () => runBacktest({ files: [join(dir, "day.csv")], config, outDir: join(dir, "backtest"), force: true });
  const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> => {
    const t0 = performance.now();
    const result = await fn();
    return { ms: performance.now() - t0, result };
  };
  // A warm-up of each, then in turns: a machine busy for a while slows both alike.
  await backtest();
  let last = await replay();
  const replayMs: number[] = [];
  const backtestMs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    const b = await timed(backtest);
    const r = await timed(replay);
    last = r.result;
    backtestMs.push(b.ms);
    replayMs.push(r.ms);
    ratios.push(r.ms / b.ms);
  }
  const sessions = await findSessions([recording]);
  const readOnly = await timed(async () => {
    const read: ReadCounters = { lines: 0, ticks: 0, skipped: 0, problems: [] };
    for (const f of sessions[0]!.files) for await (const batch of readRecordingBatches(f.path, read)) void batch;
    return read.lines;
  });
  const withPredictions = await timed(() => replay(1));
  rmSync(dir, { recursive: true, force: true });
  const perDay = (bytes: number) => Number(((bytes / 1e6) * (86_400 / seconds)).toFixed(1));
  const b = median(backtestMs);
  const r = median(replayMs);
  return {
    events: day.events,
    ticks: day.ticks,
    ticks_per_s_recorded: o.ticksPerSecond,
    record_ms: Math.round(day.recordMs),
    runs,
    replay_ms: Math.round(r),
    backtest_ms: Math.round(b),
    replay_events_per_s: Math.round(last.events / (r / 1000)),
    ratio: Number(median(ratios).toFixed(2)),
    ratio_min: Number(Math.min(...ratios).toFixed(2)),
    ratio_max: Number(Math.max(...ratios).toFixed(2)),
    read_only_ms: Math.round(readOnly.ms),
    read_only_ratio: Number((readOnly.ms / b).toFixed(2)),
    with_predictions_ms: Math.round(withPredictions.ms),
    with_predictions_ratio: Number((withPredictions.ms / b).toFixed(2)),
    recording_mb_per_day: perDay(day.sizes.withTicks),
    recording_without_ticks_mb_per_day: perDay(day.sizes.withoutTicks),
    recording_raw_mb_per_day: perDay(day.rawBytes),
    csv_mb_per_day: perDay(day.csvBytes),
    trades: last.trades,
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
    `  replay             ${r.replay_events_per_s.toLocaleString("en-US").padStart(12)} events/s    (the day in ${(r.replay_ms / 1000).toFixed(2)} s, ${r.trades} trades)`,
    `  replay / backtest  ${r.ratio.toFixed(2).padStart(12)}×            (the same seconds backtested from a one-second file in ${(r.backtest_ms / 1000).toFixed(2)} s; median of ${r.runs} alternating pairs, min ${r.ratio_min.toFixed(2)}, max ${r.ratio_max.toFixed(2)}; target ≤ 2)`,
    `    reading alone    ${r.read_only_ratio.toFixed(2).padStart(12)}×            (unzip and check the ${r.recording_raw_mb_per_day} MB of lines, feed nothing: a book a second is most of them; the backtest reads ${r.csv_mb_per_day} MB)`,
    `    --predictions 1  ${r.with_predictions_ratio.toFixed(2).padStart(12)}×            (a prediction journaled every second, and its CSV)`,
    `  recording          ${String(r.recording_mb_per_day).padStart(12)} MB/day      (${r.recording_without_ticks_mb_per_day} MB/day without the raw ticks)`,
  ];
}
