// The feed path: frames per second through parse + price index for each exchange's format,
// beside bare JSON.parse of the same frames, and tick-to-index latency over a loopback WebSocket.
import { feedsConfigSchema } from "../src/config/feeds-schema.ts";
import { PriceIndex } from "../src/feeds/index.ts";
import type { WsSource } from "../src/feeds/ws-source.ts";
import { FakeExchange, frames } from "../test/fakes/exchanges.ts";

type Exchange = "coinbase" | "binanceus" | "kraken" | "bitstamp";
const EXCHANGES: Exchange[] = ["coinbase", "binanceus", "kraken", "bitstamp"];

export interface FeedBench {
  frames_per_exchange: number;
  throughput: Record<Exchange, { json_parse_per_s: number; parse_index_per_s: number; ratio: number }>;
  latency: { ticks: number; p50_ms: number; p90_ms: number; p99_ms: number; max_ms: number };
}

/** Data frames as each exchange sends them, on a gentle random walk (the guard accepts them all). */
function sampleFrames(exchange: Exchange, n: number): string[] {
  const out: string[] = [];
  let p = 65_000;
  let x = 12345;
  const t0 = Date.UTC(2026, 5, 19, 12);
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    p += ((x / 2 ** 32) - 0.5) * 2;
    const t = t0 + i * 10;
    switch (exchange) {
      case "coinbase":
        out.push(i % 2 === 0 ? frames.coinbaseMatch(p, 1000 + i, 5000 + i, t) : frames.coinbaseTicker(p, 1000 + i, 5000 + i, t));
        break;
      case "binanceus":
        out.push(i % 2 === 0 ? frames.binanceTrade(p, 5000 + i, t) : frames.binanceBookTicker(p - 0.01, p + 0.01, 1000 + i));
        break;
      case "kraken":
        out.push(frames.krakenTicker(p, t));
        break;
      case "bitstamp":
        out.push(frames.bitstampTrade(p, 5000 + i, t));
        break;
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median time of `runs` runs after one warm-up; `setup` is outside the timing. */
function timeRuns<S>(runs: number, setup: () => S, run: (s: S) => number): number {
  let sink = run(setup());
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = setup();
    const t0 = performance.now();
    sink += run(s);
    ms.push(performance.now() - t0);
  }
  if (sink === 0.5) console.log(""); // keeps the work observable
  return median(ms);
}

const baseConfig = () => feedsConfigSchema.parse({ rest: { enabled: false } });

function throughput(exchange: Exchange, list: string[], runs: number) {
  const floorMs = timeRuns(runs, () => null, () => {
    let sum = 0;
    for (const f of list) sum += (JSON.parse(f) as { sequence?: number }).sequence ?? 1;
    return sum;
  });
  const pathMs = timeRuns(
    runs,
    () => {
      // A fresh index each run: Coinbase's sequence check would otherwise drop replayed frames as late.
      const index = new PriceIndex(baseConfig());
      let ticks = 0;
      index.onPrice(() => ticks++);
      return { index, source: index.source(exchange) as WsSource, ticks: () => ticks };
    },
    ({ index, source, ticks }) => {
      let sum = 0;
      for (let i = 0; i < list.length; i++) {
        source.receive(list[i]!);
        if (i % 100 === 0) sum += index.read().sources.length;
      }
      if (source.status(Date.now()).rejected > 0) throw new Error(`${exchange}: bench frames were rejected`);
      return sum + ticks();
    },
  );
  const json = list.length / (floorMs / 1000);
  const path = list.length / (pathMs / 1000);
  return { json_parse_per_s: Math.round(json), parse_index_per_s: Math.round(path), ratio: Number((path / json).toFixed(3)) };
}

/** One tick at a time from a loopback server until the index has it: time from send to a fresh read(). */
async function latency(ticks: number): Promise<FeedBench["latency"]> {
  const fake = await FakeExchange.start("coinbase", { heartbeatMs: 1000 });
  const config = feedsConfigSchema.parse({
    rest: { enabled: false },
    binanceus: { enabled: false },
    kraken: { enabled: false },
    bitstamp: { enabled: false },
    coinbase: { wsUrl: fake.wsUrl, restUrl: fake.restUrl },
  });
  const index = new PriceIndex(config);
  const sent = new Map<number, number>();
  const samples: number[] = [];
  let waiting: (() => void) | null = null;
  index.onPrice((_ts, price) => {
    const t0 = sent.get(Math.round(price * 100));
    if (t0 === undefined) return;
    if (index.read().price === null) return;
    samples.push(performance.now() - t0);
    waiting?.();
  });
  index.start();
  const deadline = Date.now() + 10_000;
  while (fake.subscribers() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  let seq = 10_000_000;
  let lost = 0;
  for (let i = 0; i < ticks + 200; i++) {
    const key = 6_500_000 + (i % 2000); // cents: each price in flight is unique
    let timer: NodeJS.Timeout | undefined;
    const got = new Promise<boolean>((resolve) => {
      waiting = () => resolve(true);
      timer = setTimeout(() => resolve(false), 1000);
    });
    sent.set(key, performance.now());
    fake.sendRaw(frames.coinbaseTicker(key / 100, ++seq, seq, Date.now()));
    if (!(await got) && ++lost > 10) throw new Error("feed latency bench: ticks are not reaching the index");
    clearTimeout(timer);
    sent.delete(key);
    if (i === 199) samples.length = 0; // the first 200 warm the JIT
  }
  await index.stop();
  await fake.close();
  const s = samples.sort((a, b) => a - b);
  const q = (p: number) => Number(s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(3));
  return { ticks: s.length, p50_ms: q(0.5), p90_ms: q(0.9), p99_ms: q(0.99), max_ms: Number(s.at(-1)!.toFixed(3)) };
}

export async function feedBench(opts: { frames: number; runs: number; ticks: number }): Promise<FeedBench> {
  const result = {} as FeedBench["throughput"];
  for (const ex of EXCHANGES) result[ex] = throughput(ex, sampleFrames(ex, opts.frames), opts.runs);
  return { frames_per_exchange: opts.frames, throughput: result, latency: await latency(opts.ticks) };
}

export function formatFeedBench(b: FeedBench): string[] {
  const lines = [`feeds: ${b.frames_per_exchange.toLocaleString("en-US")} frames per exchange; parse + index beside bare JSON.parse (target ratio ≥ 0.5)`];
  for (const [ex, t] of Object.entries(b.throughput)) {
    lines.push(`  ${ex.padEnd(10)} JSON.parse ${t.json_parse_per_s.toLocaleString("en-US").padStart(10)}/s   parse+index ${t.parse_index_per_s.toLocaleString("en-US").padStart(10)}/s   ratio ${t.ratio.toFixed(3)}`);
  }
  const l = b.latency;
  lines.push(`  tick-to-index latency over loopback WebSocket (${l.ticks} ticks): p50 ${l.p50_ms} ms, p90 ${l.p90_ms} ms, p99 ${l.p99_ms} ms, max ${l.max_ms} ms (target p99 < 2 ms)`);
  return lines;
}
