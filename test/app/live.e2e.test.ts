// `npm start` (btc15 live) end to end against fake exchanges and a fake Kalshi on 127.0.0.1, on a
// simulated clock: start-up, ready, a trade, status lines, a graceful stop; a kill -9 inside a
// burst of settlements and the restart; no price at all; and the command line's refusals.
import { cpSync, existsSync, fsyncSync, ftruncateSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReplay } from "../../src/app/drivers/replay.ts";
import { formatUsd } from "../../src/domain/money.ts";
import type { SettlementRecord, WindowRecord } from "../../src/domain/records.ts";
import { Account } from "../../src/engine/account.ts";
import type { FileOps } from "../../src/store/file-ops.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";
import { ROOT, cli } from "../cli/run.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { startLive } from "./live-harness.ts";
import { type World, startWorld } from "./live-world.ts";

const STATUS_LINE = /^\d\d:\d\d:\d\d UTC {2}Balance: \$[\d,.]+ \| P&L: [+-]\$[\d,.]+ \([+-][\d.]+%\) \| Trades: \d+( \(\d+ open\))? \| Win Rate: (—|[\d.]+%) \| BTC: \$6[34],\d{3}\.\d\d \| Source: .+ \| (No trade: [a-z_]+|Trade this second)$/m;

describe("btc15 live (npm start) end to end", () => {
  // The current window closes 40 s after the runner starts.
  const CLOSE = Date.parse("2026-11-20T14:30:00Z") / 1000;
  const sim = new SimScheduler((CLOSE - 40) * 1000 + 370);
  let world: World;
  beforeAll(async () => {
    world = await startWorld(sim, { cheap: [CLOSE, CLOSE + 900] });
  });
  afterAll(async () => {
    await world?.close();
  });

  it("starts, reaches ready, trades on Kalshi's book, prints status, and stops cleanly", async () => {
    const run = startLive({ sim, config: world.config() });
    await run.waitFor(/^SYSTEM READY - MONITORING FOR OPPORTUNITIES$/m);
    expect(run.out()).toMatch(/mode {7}PAPER/);
    expect(run.out()).toMatch(/warm start [\d,]+ s of history from coinbase/);
    expect(run.out()).toMatch(/^✓ BTC Feed connected: \S+ \((WebSocket|REST)\) {2}\$64,0\d\d\.\d\d$/m);
    expect(run.out()).toMatch(/^✓ Current price: \$64,0\d\d\.\d\d {2}(median of|from) /m);
    expect(run.out()).toMatch(/✓ markets: Kalshi http:\/\/127\.0\.0\.1/);
    await run.waitFor(/NEW TRADE SIGNAL[\s\S]*└─+┘/);
    // The boxed block: Kalshi's cheap YES at 5¢, against Kalshi's strike.
    expect(run.out()).toMatch(/^│ Market {6}KXBTC15M-\S+ {2}\(kalshi\) +│$/m);
    expect(run.out()).toMatch(/^│ Side {8}BUY YES: wins if BTC settles at or above the strike +│$/m);
    expect(run.out()).toMatch(/^│ Entry {7}5¢ a contract +│$/m);
    expect(run.out()).toMatch(/^│ BTC {9}\$64,0\d\d\.\d\d, strike \$63,990\.00 \(Kalshi's; ours \$6[34],\d{3}\.\d\d\) +│$/m);
    // The one-line status every statusIntervalSeconds (2 s here).
    await run.waitFor(STATUS_LINE);
    expect(await run.stop()).toBe(0);
    expect(run.out()).toMatch(/Performance summary/);
    expect(run.out()).toMatch(/trades {10}1 /);
    // Each series journals in its own folder of the data directory.
    const data = join(run.dir, "trading", "KXBTC15M");
    const csv = readFileSync(join(data, "trades.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(2);
    expect(csv[1]).toMatch(/,yes,.*,0\.0500,/);
    const journal = loadTradeJournal(data);
    expect(journal.records.filter((r) => r.type === "trade")).toHaveLength(1);
    const trade = journal.records.find((r) => r.type === "trade");
    expect(trade).toMatchObject({ market: "kalshi", requested_price: "0.0500", strike: "63990.00", strike_source: "kalshi" });
    expect(JSON.parse(readFileSync(join(data, "performance.json"), "utf8")).trades).toBe(1);
    const log = readFileSync(join(run.dir, readdirSync(run.dir).find((f) => f.endsWith(".log"))!), "utf8");
    expect(log).toMatch(/INFO {2}┌─ NEW TRADE SIGNAL/);
    expect(log).toMatch(/DEBUG feeds \w+: /);
    // The log file keeps the detailed status behind each line.
    expect(log).toMatch(/DEBUG Forecast P\(up\) \d\.\d{3} = fair value/);
    expect(log).toMatch(/DEBUG (No trade: \w+: |Trade taken this second$)/m);
  });

  it("says plainly when no price source can be reached, and exits non-zero", async () => {
    const closed = "ws://127.0.0.1:1";
    const http = "http://127.0.0.1:1";
    const feeds = { ...world.config().feeds as object, coinbase: { wsUrl: closed, restUrl: http }, binanceus: { wsUrl: closed, restUrl: http }, kraken: { wsUrl: closed, restUrl: http }, bitstamp: { wsUrl: closed, restUrl: http } };
    const run = startLive({ sim, config: world.config({ feeds, startupTimeoutSeconds: 3 }) });
    const startedAt = sim.now();
    expect(await sim.run(run.done, "the runner to give up")).toBe(1);
    expect(sim.now() - startedAt).toBeGreaterThanOrEqual(3000);
    expect(run.out()).toMatch(/No price source could be reached within 3 s/);
    expect(run.out()).toMatch(/npm run demo/);
    // Each source's fate in a table that fits 80 columns, within a few seconds, then quiet retries.
    expect(run.out()).toMatch(/^✗ No price source reached yet \(still trying; giving up after 3 s\):$/m);
    expect(run.out()).toMatch(/^ {2}coinbase {7}WebSocket {2}.*connection refused$/m);
  });
});

describe("a kill -9 inside a burst of settlements, and the restart", () => {
  const CLOSE = Date.parse("2026-11-20T15:00:00Z") / 1000;
  const RESULT = { result: "yes" as const, expirationValue: "64001.00" };
  const config = { balance: 1000, strategy: { minConfidence: 0, maxEntriesPerWindow: 12 } };

  it("resumes the same balance and positions, settles the rest once, and the replay of both sessions makes the live journal byte for byte", async () => {
    // A live session makes 12 trades in one window; Kalshi's result settles all 12 at once. A
    // kill -9 leaves on disk exactly what was written before it (every write is synchronous; the
    // page cache outlives the process): the data directory is copied at the instant the 4th
    // settlement is on disk, and the next start finds that copy, as it would after the kill.
    const first = mkdtempSync(join(tmpdir(), "btc15-killed-"));
    const dir = mkdtempSync(join(tmpdir(), "btc15-after-kill-"));
    let settlementWritten = false;
    let settlements = 0;
    const disk: FileOps = {
      write(fd, bytes, offset, length) {
        if (Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).includes('"type":"settlement"')) settlementWritten = true;
        return writeSync(fd, bytes, offset, length);
      },
      fsync(fd) {
        fsyncSync(fd);
        if (!settlementWritten) return;
        settlementWritten = false;
        if (++settlements === 4) cpSync(join(first, "trading"), join(dir, "trading"), { recursive: true });
      },
      truncate: (fd, length) => ftruncateSync(fd, length),
    };
    const sim1 = new SimScheduler((CLOSE - 25) * 1000 + 370);
    const world1 = await startWorld(sim1, { cheap: [CLOSE], results: new Map([[CLOSE, RESULT]]) });
    const killed = startLive({ sim: sim1, dir: first, config: world1.config(config), disk });
    await killed.waitFor(/(■ SETTLED[^\n]*\n[\s\S]*){12}/);
    // The killed process does nothing more.
    sim1.halt();
    await world1.close();
    const root = join(dir, "trading");
    const data = join(root, "KXBTC15M");
    const before = loadTradeJournal(data).records;
    expect(before.filter((r) => r.type === "trade")).toHaveLength(12);
    expect(before.filter((r) => r.type === "settlement")).toHaveLength(4);
    const resumed = Account.fromRecords(before, 0).summary();

    // The restart, a little later: Kalshi still has the result; no cheap book any more.
    const sim = new SimScheduler((CLOSE + 20) * 1000 + 370);
    const world = await startWorld(sim, { cheap: [], results: new Map([[CLOSE, RESULT]]) });
    try {
      const run = startLive({ sim, dir, config: world.config(config) });
      await run.waitFor(/^SYSTEM READY/m);
      // The banner does not offer a resumed journal the configured balance.
      expect(run.out()).toMatch(/^journal {4}\S+\/trading\/: resumed with its own balance$/m);
      expect(run.out()).not.toMatch(/new journal/);
      expect(run.out()).toMatch(new RegExp(`journal {4}resumed: 17 records, balance \\${formatUsd(resumed.balance)}, 8 open positions`));
      await run.waitFor(/(■ SETTLED[^\n]*\n[\s\S]*){8}/);
      await run.waitFor(STATUS_LINE);
      expect(await run.stop()).toBe(0);
    } finally {
      await world.close();
    }
    const records = loadTradeJournal(data).records;
    const trades = records.filter((r) => r.type === "trade").map((r) => (r as { id: string }).id);
    const settled = records.filter((r): r is SettlementRecord => r.type === "settlement");
    expect(trades).toHaveLength(12);
    expect(settled).toHaveLength(12);
    expect(new Set(settled.map((s) => s.trade_id))).toEqual(new Set(trades));
    expect(records.filter((r) => r.type === "account")).toHaveLength(1);
    // Four settled before the kill, the other eight after the restart: their times say so.
    expect(settled.filter((s) => s.t < CLOSE + 20)).toHaveLength(4);
    expect(settled.filter((s) => s.t >= CLOSE + 20)).toHaveLength(8);

    // Both sessions were recorded (the killed one as far as it reached the disk); the replay
    // reads both and ends with the very journal the two live sessions left.
    const warnings: string[] = [];
    const replay = await runReplay({ paths: [join(root, "sessions")], outDir: join(dir, "replay"), onWarning: (w) => warnings.push(w) });
    expect(replay.sessions).toHaveLength(2);
    expect(readFileSync(join(dir, "replay", "KXBTC15M", "trades.jsonl"), "utf8")).toBe(readFileSync(join(data, "trades.jsonl"), "utf8"));
    expect(warnings.join("\n")).toMatch(/differs from the replay's own from record 18 \(8 replayed record\(s\) the live session never wrote/);
    // Our proxy against Kalshi's result over both sessions, a window compared by both counted once, as the journal holds it.
    const compared = readFileSync(join(data, "windows.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as WindowRecord).filter((w) => w.result !== null && w.proxy_result !== null && w.source !== "proxy");
    expect(replay.outcome_agreement?.compared).toBe(compared.length);
    expect(replay.outcome_agreement?.agreed).toBe(compared.filter((w) => w.result === w.proxy_result).length);
    // The killed session, and only it, has no recorded end.
    const ends = warnings.filter((w) => /has no end/.test(w));
    expect(ends).toHaveLength(1);
    expect(ends[0]).toContain(`session ${replay.sessions[0]!.id} `);
  });
});

describe("the command line's refusals (before anything connects)", () => {
  it("refuses bad flags and a corrupt config with a clear message", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-flags-"));
    const bad = await cli(["live", "--min-edge", "7"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/strategy\.minEdge: must be between 0 and 0\.5 \(got 7\)/);
    const mode = await cli(["live", "--mode", "yolo"]);
    expect(mode.code).not.toBe(0);
    expect(mode.stderr).toMatch(/--mode.*yolo.*paper, live/s);
    writeFileSync(join(dir, "broken.json"), "{ oops");
    const corrupt = await cli(["live", "--config", join(dir, "broken.json")]);
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/config file .*broken\.json is not valid JSON/);
  });

  it("refuses live trading without all three gates, naming what is missing, before even the log file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-gates-"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ dataDir: join(dir, "trading"), markets: "kalshi", kalshi: { baseUrl: "http://127.0.0.1:1/trade-api/v2" } }));
    const logFiles = () => (existsSync(join(ROOT, "logs")) ? readdirSync(join(ROOT, "logs")).length : 0);
    const logs = logFiles();
    const run = await cli(["live", "--config", join(dir, "config.json"), "--mode", "live"], { KALSHI_API_KEY_ID: "", KALSHI_PRIVATE_KEY_PATH: "" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/key/i);
    expect(run.stderr).toMatch(/confirm/i);
    expect(logFiles()).toBe(logs);
  });
});
