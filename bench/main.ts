// npm run bench [-- --json] [-- --copies N] [-- --runs N]
// Measures the trading pipeline's throughput on several million one-second prices beside the
// floor (parsing the same prices, nothing else), the live feed path (bench/feeds.ts), and the
// replay of a recorded day beside a backtest of the same seconds (bench/replay.ts).
// A benchmark, not a test: it prints figures.
import { parseArgs } from "node:util";
import { defaultConfig, parseConfig } from "../src/config/load.ts";
import { feedBench, formatFeedBench } from "./feeds.ts";
import { fullPipeline, oneSecondCsv, parseOnly } from "./pipeline.ts";
import { formatReplayBench, replayBench } from "./replay.ts";

const { values } = parseArgs({ options: { json: { type: "boolean" }, copies: { type: "string" }, runs: { type: "string" } } });
const copies = Number(values.copies ?? 2);
const runs = Number(values.runs ?? 5);
const log = (s: string) => {
  if (!values.json) process.stdout.write(s + "\n");
};

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median of `runs` timed runs after one warm-up run. */
function time<T>(fn: () => T): { ms: number; result: T } {
  let result = fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), result };
}

/**
 * The floor and the pipeline timed in turns (floor, pipeline, floor, …) after a warm-up of each,
 * so a machine busy for a while slows both alike: each pair gives one ratio, and the spread of
 * the ratios says how far to trust it.
 */
function alternate<A, B>(floorFn: () => A, pipelineFn: () => B, rows: (a: A) => number, samples: (b: B) => number) {
  let a = floorFn();
  let b = pipelineFn();
  const floorMs: number[] = [];
  const pipelineMs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    a = floorFn();
    floorMs.push(performance.now() - t0);
    t0 = performance.now();
    b = pipelineFn();
    pipelineMs.push(performance.now() - t0);
    ratios.push(samples(b) / pipelineMs.at(-1)! / (rows(a) / floorMs.at(-1)!));
  }
  return { floor: { ms: median(floorMs), result: a }, pipeline: { ms: median(pipelineMs), result: b }, ratio: { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) } };
}

const input = oneSecondCsv(copies);
log(`input: ${input.rows.toLocaleString("en-US")} one-second prices (bundled sample ×${copies}), ${(input.chunks.reduce((n, c) => n + c.length, 0) / 1e6).toFixed(0)} MB of CSV in memory`);
const config = defaultConfig();
const { floor, pipeline, ratio } = alternate(
  () => parseOnly(input.chunks),
  () => fullPipeline(input.chunks, config),
  (f) => f.rows,
  (p) => p.samples,
);
// The default model matches the synthetic market's fair value and never trades; with the demo's
// mispriced market it trades, so the broker and the in-memory journal are exercised too.
const tradingConfig = parseConfig({ synthetic: { mispricingCents: 3 } });
const trading = time(() => fullPipeline(input.chunks, tradingConfig));
const floorRate = floor.result.rows / (floor.ms / 1000);
const pipeRate = pipeline.result.samples / (pipeline.ms / 1000);
const mem = process.memoryUsage();
const feeds = await feedBench({ frames: 50_000, runs, ticks: 5000 });
// A recorded day (shaped like a live session: a book and a price a second, 40 raw ticks a second).
const replay = await replayBench({ ticksPerSecond: 40, runs });
const out = {
  samples: pipeline.result.samples,
  trades: pipeline.result.trades,
  forecasts: pipeline.result.forecasts,
  runs,
  floor_ms: Math.round(floor.ms),
  pipeline_ms: Math.round(pipeline.ms),
  floor_samples_per_s: Math.round(floorRate),
  pipeline_samples_per_s: Math.round(pipeRate),
  pipeline_trading_samples_per_s: Math.round(trading.result.samples / (trading.ms / 1000)),
  pipeline_trading_trades: trading.result.trades,
  ratio: Number(ratio.median.toFixed(3)),
  ratio_min: Number(ratio.min.toFixed(3)),
  ratio_max: Number(ratio.max.toFixed(3)),
  ns_per_sample_engine: Number(((pipeline.ms - floor.ms) * 1e6 / pipeline.result.samples).toFixed(1)),
  rss_mb: Math.round(mem.rss / 1e6),
  heap_used_mb: Math.round(mem.heapUsed / 1e6),
  node: process.version,
  feeds,
  replay,
};
if (values.json) process.stdout.write(JSON.stringify(out) + "\n");
else {
  log(`floor (parse only)   ${out.floor_samples_per_s.toLocaleString("en-US").padStart(12)} samples/s   (${out.floor_ms} ms, median of ${runs})`);
  log(`full pipeline        ${out.pipeline_samples_per_s.toLocaleString("en-US").padStart(12)} samples/s   (${out.pipeline_ms} ms; ${out.trades} trades, ${out.forecasts.toLocaleString("en-US")} forecasts)`);
  log(`  … while trading    ${out.pipeline_trading_samples_per_s.toLocaleString("en-US").padStart(12)} samples/s   (${out.pipeline_trading_trades} trades against the demo's mispriced synthetic market)`);
  log(`ratio pipeline/floor ${out.ratio.toFixed(3).padStart(12)}        (median of ${runs} alternating pairs; min ${out.ratio_min.toFixed(3)}, max ${out.ratio_max.toFixed(3)}; target ≥ 0.3; pipeline target ≥ 2,000,000 samples/s)`);
  log(`engine cost          ${out.ns_per_sample_engine.toFixed(1).padStart(12)} ns/sample beyond parsing`);
  log(`memory               rss ${out.rss_mb} MB, heap ${out.heap_used_mb} MB (input CSV included)`);
  for (const line of formatFeedBench(feeds)) log(line);
  for (const line of formatReplayBench(replay)) log(line);
}
