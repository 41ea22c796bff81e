// The dashboard flags through the real CLI: a port in use stops the command before anything
// starts; a running demo serves its state at the printed address and stops the server on Ctrl+C.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { DashboardState } from "../../src/app/dashboard/state.ts";
import { btc15Async, cli } from "./run.ts";

const BIN = fileURLToPath(new URL("../../bin/btc15.js", import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), "btc15-cli-dash-"));

describe("btc15 --dashboard", { timeout: 60_000 }, () => {
  it("a port in use: one line, exit 2, and nothing started (no journal, no log)", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const dir = tmp();
    try {
      const r = await btc15Async(["demo", "--dashboard", "--port", String(port), "--data-dir", "journal", "--minutes", "1"], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`btc15: the dashboard's port ${port} on 127.0.0.1 is in use (another btc15 dashboard?): choose another with --port\n`);
      expect(r.stdout).toBe("");
      expect(existsSync(join(dir, "journal", "trades.jsonl"))).toBe(false);
      expect(existsSync(join(dir, "logs"))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it("flag mistakes are usage errors: --port without --dashboard, a port that is not one", async () => {
    // Refused before anything is read or written: the CLI in this process says the same.
    const journal = join(tmp(), "journal");
    const alone = await cli(["demo", "--port", "8016", "--minutes", "1", "--data-dir", journal]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe("btc15: --port only applies with --dashboard\n");
    expect(existsSync(journal)).toBe(false);
    const bad = await cli(["live", "--dashboard", "--port", "80000"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a port \(0–65535\): 80000/);
    const help = await cli(["help", "replay"]);
    expect(help.stdout).toMatch(/--dashboard\b/);
    expect(help.stdout).toMatch(/--port <n>/);
    expect(help.stdout).toMatch(/--dashboard-host <host>/);
  });

  it("a demo prints the address, serves its state there, and stops the server with the rest on Ctrl+C", async () => {
    const dir = tmp();
    const child = spawn(process.execPath, [BIN, "demo", "--dashboard", "--port", "0", "--speed", "300", "--data-dir", "journal"], { cwd: dir });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!/^SYSTEM READY/m.test(out)) {
        if (Date.now() > deadline) throw new Error(`no ready line:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /^dashboard {2}(http:\/\/127\.0\.0\.1:\d+\/) \(updated every second\)$/m.exec(out)?.[1];
      expect(url, out).toBeDefined();
      const first = (await (await fetch(`${url}api/state`)).json()) as DashboardState;
      expect(first).toMatchObject({ phase: "running", driver: "demo", mode: "paper", market: "synthetic" });
      // The state moves on while the demo runs (asked until it has, at most for 10 s).
      let later = first;
      for (const until = Date.now() + 10_000; later.t! <= first.t! && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 100));
        later = (await (await fetch(`${url}api/state`)).json()) as DashboardState;
      }
      expect(later.t!).toBeGreaterThan(first.t!);
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(out).toMatch(/Performance summary/);
      await expect(fetch(`${url}api/state`)).rejects.toThrow();
    } finally {
      child.kill("SIGKILL");
    }
  });
});
