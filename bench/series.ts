// npm run bench:series [-- --seconds N] [-- --series KXBTC15M,KXETH15M] [-- --json]
// What each series costs a live run: the live runner (node bin/btc15.js live, a child process)
// against fake exchanges and a fake Kalshi on 127.0.0.1 (in this process), run on the wall clock
// with one series, then two, then four; the child's CPU (from /proc), its memory, and what it
// writes to disk (journals, predictions, the recording), each per hour.
// A benchmark, not a test: it prints figures. Linux only (/proc).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SERIES, parseSeriesList } from "../src/domain/series.ts";
import { windowAt } from "../src/domain/window.ts";
import { startFakeExchanges } from "../test/fakes/exchanges.ts";
import { startFakeKalshi } from "../test/fakes/kalshi.ts";

const { values } = parseArgs({ options: { seconds: { type: "string" }, json: { type: "boolean" }, series: { type: "string" } } });
const SECONDS = Number(values.seconds ?? 120);
const BIN = fileURLToPath(new URL("../bin/btc15.js", import.meta.url));
/** Clock ticks a second in /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS = 100;

/** Each coin's price at second s: a slow wave around its level. */
const LEVEL: Record<string, number> = { BTC: 64_000, ETH: 3_000, SOL: 140, XRP: 2.1 };
const priceAt = (coin: string) => (s: number) => LEVEL[coin]! * (1 + 0.0005 * Math.sin(s / 97));

interface Sample {
  readonly series: readonly string[];
  readonly seconds: number;
  readonly cpu_percent: number;
  readonly rss_mb: number;
  readonly disk_mb_per_hour: number;
  readonly recording_mb_per_hour: number;
  readonly messages_per_s: number;
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

function bytesUnder(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    n += st.isDirectory() ? bytesUnder(p) : st.size;
  }
  return n;
}

async function measure(series: readonly string[]): Promise<Sample> {
  const coins = series.map((s) => SERIES.find((x) => x.ticker === s)!.coin);
  // Four exchanges, each sending every coin's price ten times a second and a heartbeat a second.
  const ex = await startFakeExchanges({ price: LEVEL.BTC, tickMs: 100, heartbeatMs: 1000 });
  for (const coin of coins) {
    for (const f of Object.values(ex.exchanges)) {
      f.prices.set(coin, LEVEL[coin]!);
      f.histories.set(coin, { get nowMs() { return Date.now(); }, priceAt: priceAt(coin), tradeSeconds: 120 });
    }
  }
  const kalshi = await startFakeKalshi();
  // Kalshi's books: a two-sided market with nothing worth buying, so the run measures watching, not trading.
  const now = Math.floor(Date.now() / 1000);
  for (const s of series) {
    for (let t = now - 900; t < now + SECONDS + 1800; t += 900) {
      const ticker = windowAt(t, s).ticker;
      kalshi.setBook(ticker, { yes: [["0.4800", "100.00"]], no: [["0.4800", "100.00"]] });
      kalshi.setMarket(ticker, { floor_strike: LEVEL[SERIES.find((x) => x.ticker === s)!.coin]! });
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "btc15-bench-series-"));
  const config = { series, markets: "kalshi", dataDir: join(dir, "trading"), statusIntervalSeconds: 60, feeds: { ...ex.feedsConfig, superviseIntervalMs: 250, connection: { ...ex.feedsConfig.connection, pingIntervalMs: 5000 } }, kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl } };
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const child = spawn(process.execPath, [BIN, "live", "--config", join(dir, "config.json")], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, KALSHI_API_KEY_ID: "", KALSHI_PRIVATE_KEY_PATH: "" } });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  const deadline = Date.now() + 60_000;
  while (!/SYSTEM READY/.test(out)) {
    if (Date.now() > deadline) throw new Error(`the live runner did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // From ready on: the steady cost, not the start-up's.
  const pid = child.pid!;
  const t0 = Date.now();
  const c0 = cpuTicks(pid);
  const d0 = bytesUnder(config.dataDir);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const c1 = cpuTicks(pid);
  const wall = (Date.now() - t0) / 1000;
  const rss = rssMb(pid);
  const d1 = bytesUnder(config.dataDir);
  const recording = bytesUnder(join(config.dataDir, "sessions"));
  child.kill("SIGINT");
  await exited;
  await Promise.all([ex.close(), kalshi.close()]);
  const perHour = (bytes: number) => Number(((bytes / 1e6) * (3600 / wall)).toFixed(2));
  return {
    series,
    seconds: Math.round(wall),
    cpu_percent: Number((((c1 - c0) / TICKS / wall) * 100).toFixed(2)),
    rss_mb: Math.round(rss),
    disk_mb_per_hour: perHour(d1 - d0),
    recording_mb_per_hour: perHour(recording),
    messages_per_s: 4 * 10 * coins.length + 4,
  };
}

const lists = values.series ? [parseSeriesList(values.series)] : [["KXBTC15M"], ["KXBTC15M", "KXETH15M"], ["KXBTC15M", "KXETH15M", "KXSOL15M", "KXXRP15M"]];
const samples: Sample[] = [];
for (const list of lists) {
  const s = await measure(list);
  samples.push(s);
  if (!values.json) process.stdout.write(`${list.length} series (${list.join(", ")}): CPU ${s.cpu_percent}% of a core, RSS ${s.rss_mb} MB, disk ${s.disk_mb_per_hour} MB/hour (recording ${s.recording_mb_per_hour} MB/hour of it), ${s.messages_per_s} exchange messages/s in, over ${s.seconds} s\n`);
}
if (values.json) process.stdout.write(JSON.stringify(samples, null, 2) + "\n");
