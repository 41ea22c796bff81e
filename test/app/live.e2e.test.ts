// `npm start` (btc15 live) as a real process against fake exchanges and a fake Kalshi on
// 127.0.0.1: start-up, ready, a trade, status blocks, Ctrl+C once and twice, kill -9 and restart.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReplay } from "../../src/app/drivers/replay.ts";
import { windowAt } from "../../src/domain/window.ts";
import { formatUsd } from "../../src/domain/money.ts";
import { Account } from "../../src/engine/account.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";

const BIN = fileURLToPath(new URL("../../bin/btc15.js", import.meta.url));

class Run {
  out = "";
  err = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on("data", (d: Buffer) => (this.out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (this.err += d.toString()));
    this.exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));
  }

  async waitFor(re: RegExp, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!re.test(this.out)) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${re}\n--- stdout ---\n${this.out}\n--- stderr ---\n${this.err}`);
      if (this.child.exitCode !== null) throw new Error(`exited (${this.child.exitCode}) before ${re}\n${this.out}\n${this.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

// A wide console (COLUMNS, as a shell sets it), so the status line keeps every field.
function start(dir: string, args: string[] = []): Run {
  return new Run(spawn(process.execPath, [BIN, "live", "--config", join(dir, "config.json"), ...args], { cwd: dir, env: { ...process.env, KALSHI_API_KEY_ID: "", KALSHI_PRIVATE_KEY_PATH: "", COLUMNS: "300" } }));
}

let ex: FakeExchanges;
let kalshi: FakeKalshi;

beforeAll(async () => {
  ex = await startFakeExchanges({ price: 64_000 });
  // Recent history for the warm start: a gentle wave around the live price, up to "now".
  const history = { get nowMs() { return Date.now(); }, priceAt: (s: number) => 64_000 + 40 * Math.sin(s / 97), tradeSeconds: 120 };
  ex.exchanges.coinbase.history = history;
  ex.exchanges.kraken.history = history;
  kalshi = await startFakeKalshi();
  // A cheap YES on this window and the next few (the best NO bid is 95¢, so YES is offered at 5¢),
  // and Kalshi's official strike a little below the price.
  for (let t = Date.now() / 1000 - 900; t < Date.now() / 1000 + 4 * 3600; t += 900) {
    kalshi.setBook(windowAt(t).ticker, { yes: [["0.0300", "500.00"]], no: [["0.9500", "500.00"]] });
    kalshi.setMarket(windowAt(t).ticker, { floor_strike: 63_990 });
  }
});

afterAll(async () => {
  await Promise.all([ex?.close(), kalshi?.close()]);
});

function setup(extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "btc15-live-"));
  const config = {
    dataDir: join(dir, "trading"),
    markets: "kalshi",
    statusIntervalSeconds: 2,
    startupTimeoutSeconds: 20,
    strategy: { minConfidence: 0 },
    feeds: ex.feedsConfig,
    kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl, bookPollMs: 200, resultPollMs: 500 },
    ...extra,
  };
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

describe("btc15 live (npm start) end to end", { timeout: 60_000 }, () => {
  it("starts, reaches ready, trades on Kalshi's book, prints status, and stops cleanly on Ctrl+C", async () => {
    const dir = setup();
    const run = start(dir);
    await run.waitFor(/^SYSTEM READY - MONITORING FOR OPPORTUNITIES$/m);
    expect(run.out).toMatch(/mode {7}PAPER/);
    expect(run.out).toMatch(/warm start [\d,]+ s of history from coinbase/);
    expect(run.out).toMatch(/^✓ BTC Feed connected: \S+ \((WebSocket|REST)\) {2}\$64,0\d\d\.\d\d$/m);
    expect(run.out).toMatch(/^✓ Current price: \$64,0\d\d\.\d\d {2}(median of|from) /m);
    expect(run.out).toMatch(/✓ markets: Kalshi http:\/\/127\.0\.0\.1/);
    await run.waitFor(/NEW TRADE SIGNAL[\s\S]*└─+┘/);
    // The boxed block: Kalshi's cheap YES at 5¢, against Kalshi's strike.
    expect(run.out).toMatch(/^│ Market {6}KXBTC15M-\S+ {2}\(kalshi\) +│$/m);
    expect(run.out).toMatch(/^│ Side {8}BUY YES: wins if BTC settles at or above the strike +│$/m);
    expect(run.out).toMatch(/^│ Entry {7}5¢ a contract +│$/m);
    expect(run.out).toMatch(/^│ BTC {9}\$64,0\d\d\.\d\d, strike \$63,990\.00 \(Kalshi's; ours \$6[34],\d{3}\.\d\d\) +│$/m);
    // The one-line status every statusIntervalSeconds (2 s here).
    await run.waitFor(/^\d\d:\d\d:\d\d UTC {2}Balance: \$[\d,.]+ \| P&L: [+-]\$[\d,.]+ \([+-][\d.]+%\) \| Trades: \d+( \(\d+ open\))? \| Win Rate: (—|[\d.]+%) \| BTC: \$6[34],\d{3}\.\d\d \| Source: .+ \| (No trade: [a-z_]+|Trade this second)$/m);
    run.child.kill("SIGINT");
    const { code } = await run.exited;
    expect(code).toBe(0);
    expect(run.out).toMatch(/Performance summary/);
    expect(run.out).toMatch(/trades {10}1 /);
    // It ends with the command that replays what it recorded.
    expect(run.out.trimEnd().split("\n").at(-1)).toMatch(/^Replay it: npx btc15 replay \S+\/trading\/sessions\/\d{8}T\d{6}Z$/);
    const csv = readFileSync(join(dir, "trading", "trades.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(2);
    expect(csv[1]).toMatch(/,yes,.*,0\.0500,/);
    const journal = loadTradeJournal(join(dir, "trading"));
    expect(journal.records.filter((r) => r.type === "trade")).toHaveLength(1);
    const trade = journal.records.find((r) => r.type === "trade");
    expect(trade).toMatchObject({ market: "kalshi", requested_price: "0.0500", strike: "63990.00", strike_source: "kalshi" });
    expect(JSON.parse(readFileSync(join(dir, "trading", "performance.json"), "utf8")).trades).toBe(1);
    const log = readFileSync(join(dir, run.out.match(/log file (\S+)/)![1]!), "utf8");
    expect(log).toMatch(/INFO {2}┌─ NEW TRADE SIGNAL/);
    expect(log).toMatch(/DEBUG feeds \w+: /);
    // The log file keeps the detailed status behind each line.
    expect(log).toMatch(/DEBUG Forecast P\(up\) \d\.\d{3} = fair value/);
    expect(log).toMatch(/DEBUG (No trade: \w+: |Trade taken this second$)/m);
  });

  it("after kill -9, a restart resumes the same balance and positions with no duplicate trade", async () => {
    const dir = setup();
    const first = start(dir);
    await first.waitFor(/NEW TRADE SIGNAL/);
    first.child.kill("SIGKILL");
    await first.exited;
    const before = Account.fromRecords(loadTradeJournal(join(dir, "trading")).records, 0).summary();
    expect(before.trades).toBe(1);
    const second = start(dir);
    await second.waitFor(/^SYSTEM READY/m);
    // The banner does not offer a resumed journal the configured balance.
    expect(second.out).toMatch(/^journal {4}\S+\/trading\/: resumed with its own balance$/m);
    expect(second.out).not.toMatch(/new journal/);
    expect(second.out).toMatch(new RegExp(`journal {4}resumed: [\\d,]+ records, balance \\${formatUsd(before.balance)}, ${before.openPositions} open position`));
    await second.waitFor(/^\d\d:\d\d:\d\d UTC {2}Balance: \$[\d,.]+ \| P&L: [+-]\$[\d,.]+ \([+-][\d.]+%\) \| Trades: \d+( \(\d+ open\))? \| Win Rate: (—|[\d.]+%) \| BTC: \$6[34],\d{3}\.\d\d \| Source: .+ \| (No trade: [a-z_]+|Trade this second)$/m);
    second.child.kill("SIGINT");
    expect((await second.exited).code).toBe(0);
    const records = loadTradeJournal(join(dir, "trading")).records;
    const ids = records.filter((r) => r.type === "trade").map((r) => (r as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(records.filter((r) => r.type === "account")).toHaveLength(1);
    // Both sessions were recorded, the killed one cut off mid-file; the replay still reads them and
    // ends with the journal the two live sessions left.
    const replay = await runReplay({ paths: [join(dir, "trading", "sessions")], outDir: join(dir, "replay") });
    expect(replay.sessions).toHaveLength(2);
    expect(readFileSync(join(dir, "replay", "trades.jsonl"), "utf8")).toBe(readFileSync(join(dir, "trading", "trades.jsonl"), "utf8"));
  });

  it("says plainly when no price source can be reached, and exits non-zero", async () => {
    const closed = "ws://127.0.0.1:1";
    const http = "http://127.0.0.1:1";
    const feeds = { ...ex.feedsConfig, coinbase: { wsUrl: closed, restUrl: http }, binanceus: { wsUrl: closed, restUrl: http }, kraken: { wsUrl: closed, restUrl: http }, bitstamp: { wsUrl: closed, restUrl: http } };
    const dir = setup({ feeds, startupTimeoutSeconds: 3 });
    const run = start(dir);
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.out).toMatch(/No price source could be reached within 3 s/);
    expect(run.out).toMatch(/npm run demo/);
    expect(run.out).toMatch(/^✗ No price source reached yet \(still trying; giving up after 3 s\):$/m);
    expect(run.out).toMatch(/^ {2}coinbase {7}WebSocket {2}.*(connection refused|bad port)$/m);
  });

  it("refuses bad flags and a corrupt config with a clear message", async () => {
    const dir = setup();
    const bad = new Run(spawn(process.execPath, [BIN, "live", "--min-edge", "7"], { cwd: dir }));
    expect((await bad.exited).code).toBe(2);
    expect(bad.err).toMatch(/strategy\.minEdge: must be between 0 and 0\.5 \(got 7\)/);
    const mode = new Run(spawn(process.execPath, [BIN, "live", "--mode", "yolo"], { cwd: dir }));
    expect((await mode.exited).code).not.toBe(0);
    expect(mode.err).toMatch(/--mode.*yolo.*paper, live/s);
    writeFileSync(join(dir, "broken.json"), "{ oops");
    const corrupt = new Run(spawn(process.execPath, [BIN, "live", "--config", join(dir, "broken.json")], { cwd: dir }));
    expect((await corrupt.exited).code).toBe(2);
    expect(corrupt.err).toMatch(/config file .*broken\.json is not valid JSON/);
  });

  it("refuses live trading without all three gates, naming what is missing", async () => {
    const dir = setup();
    const run = new Run(spawn(process.execPath, [BIN, "live", "--config", join(dir, "config.json"), "--mode", "live"], { cwd: dir, env: { ...process.env, KALSHI_API_KEY_ID: "", KALSHI_PRIVATE_KEY_PATH: "" } }));
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.err).toMatch(/key/i);
    expect(run.err).toMatch(/confirm/i);
    expect(kalshi.orders).toHaveLength(0);
  });
});
