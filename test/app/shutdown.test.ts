// Ctrl+C handling in a real process: once is graceful, twice exits at once.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SHUTDOWN = fileURLToPath(new URL("../../src/app/shutdown.ts", import.meta.url));

/** Runs a script whose graceful stop takes `stopMs` and then exits 0; returns its exit and output. */
function program(stopMs: number) {
  const dir = mkdtempSync(join(tmpdir(), "btc15-sig-"));
  const file = join(dir, "p.ts");
  writeFileSync(
    file,
    `import { onShutdown } from ${JSON.stringify(SHUTDOWN)};
onShutdown(async () => { await new Promise((r) => setTimeout(r, ${stopMs})); console.log("graceful done"); process.exit(0); });
console.log("ready");
setInterval(() => {}, 1000);
`,
  );
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
});
