// Ctrl+C handling in a real process: once is graceful, twice exits at once, even while the
// shutdown export of a large predictions journal runs.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SHUTDOWN = fileURLToPath(new URL("../../src/app/console/shutdown.ts", import.meta.url));
const src = (path: string) => JSON.stringify(fileURLToPath(new URL(`../../src/${path}`, import.meta.url)));

/** Runs a script whose graceful stop takes `stopMs` and then exits 0; returns its exit and output. */
function program(stopMs: number) {
  return run(`import { onShutdown } from ${JSON.stringify(SHUTDOWN)};
onShutdown(async () => { await new Promise((r) => setTimeout(r, ${stopMs})); console.log("graceful done"); process.exit(0); });
console.log("ready");
setInterval(() => {}, 1000);
`);
}

function run(script: string) {
  const dir = mkdtempSync(join(tmpdir(), "btc15-sig-"));
  const file = join(dir, "p.ts");
  writeFileSync(file, script);
  const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: fileURLToPath(new URL("../..", import.meta.url)) });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const waitFor = async (re: RegExp) => {
    while (!re.test(out)) await new Promise((r) => setTimeout(r, 20));
  };
  return { child, exited, waitFor, out: () => out };
}

describe("Ctrl+C", () => {
  it("once: stops gracefully and exits 0", async () => {
    const p = program(200);
    await p.waitFor(/ready/);
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(0);
    expect(p.out()).toMatch(/SIGINT: stopping/);
    expect(p.out()).toMatch(/graceful done/);
  });

  it("twice: exits at once, without waiting for the graceful stop", async () => {
    const p = program(60_000);
    await p.waitFor(/ready/);
    p.child.kill("SIGINT");
    await p.waitFor(/SIGINT: stopping/);
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(130);
    expect(p.out()).toMatch(/SIGINT again: exiting now/);
    expect(p.out()).not.toMatch(/graceful done/);
  });

  it("twice while the shutdown export of a large predictions journal runs: exits at once with 130", async () => {
    // Predictions written by the trader (200,000 seconds: over two days at one a second), both in
    // an older version's single file and in today's day file, none exported yet.
    const dir = mkdtempSync(join(tmpdir(), "btc15-sig-data-"));
    writeFileSync(join(dir, "trades.jsonl"), JSON.stringify({ type: "account", t: 0, ts: "1970-01-01T00:00:00Z", balance: "200.0000" }) + "\n");
    const line = (t: number) =>
      JSON.stringify({ t, ts: new Date(t * 1000).toISOString(), ticker: "KXBTC15M-24DEC011915-15", seconds_left: 600, btc_price: 96000.5, strike: 96010.25, p_up: 0.48, fair_value: 0.48, momentum: 0, mean_reversion: 0, sigma_15m: 0.002, yes_ask: 0.5, no_ask: 0.52, edge_yes: -0.03, edge_no: -0.01, confidence: 0.02, action: "none", side: null, reason: "low_edge: best edge -1.00% (NO) < 1.50%" }) + "\n";
    const fill = (path: string, from: number, n: number) => {
      const fd = openSync(path, "w");
      for (let i = 0; i < n; i += 10_000) writeSync(fd, Array.from({ length: Math.min(10_000, n - i) }, (_, k) => line(from + i + k)).join(""));
      closeSync(fd);
    };
    const day = Date.parse("2024-12-02T00:00:00Z") / 1000;
    fill(join(dir, "predictions.jsonl"), day - 120_000, 120_000);
    mkdirSync(join(dir, "predictions"));
    fill(join(dir, "predictions", "2024-12-02.jsonl"), day, 80_000);
    const p = run(`import { onShutdown } from ${JSON.stringify(SHUTDOWN)};
import { RunLog } from ${src("app/console/run-log.ts")};
import { TradingSession } from ${src("app/drivers/session.ts")};
import { parseConfig } from ${src("config/load.ts")};
const dir = ${JSON.stringify(dir)};
const config = parseConfig({ dataDir: dir });
const log = new RunLog({ file: null, out: process.stdout, colour: false, now: Date.now });
const session = new TradingSession({ config, dataDir: dir, market: { kind: "synthetic" }, settlement: "proxy", log, fresh: false, maxCarrySeconds: 300 });
onShutdown(async () => { console.log("exporting"); const out = await session.close(); console.log("export done", out.predictions); process.exit(0); });
console.log("ready");
setInterval(() => {}, 1000);
`);
    await p.waitFor(/ready/);
    p.child.kill("SIGINT");
    await p.waitFor(/exporting/);
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(130);
    expect(p.out()).toMatch(/SIGINT again: exiting now/);
    expect(p.out()).not.toMatch(/export done/);
  });
});
