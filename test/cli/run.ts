import { spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/program.ts";
import type { Scheduler } from "../../src/net/scheduler.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/btc15.js", import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs as a user without root's power to write anywhere (nobody) when the tests run as root, so
 * a read-only directory is read-only; as anyone else, as themselves.
 */
export const UNPRIVILEGED = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

/**
 * Why the unprivileged user cannot run the CLI here, or null when it can: as root in a folder
 * others may not enter (a root user's home is 0700), nobody cannot reach the project or the
 * scratch folders, and the tests that need that user are skipped, saying so.
 */
export const UNPRIVILEGED_UNREACHABLE: string | null = (() => {
  if (!("uid" in UNPRIVILEGED)) return null;
  const needs = [BIN, join(ROOT, "node_modules", "tsx", "package.json"), tmpdir()];
  const r = spawnSync(process.execPath, ["-e", `for (const p of ${JSON.stringify(needs)}) require("node:fs").accessSync(p, 4)`], { cwd: tmpdir(), encoding: "utf8", timeout: 30_000, ...UNPRIVILEGED });
  if (r.status === 0) return null;
  const why = r.error?.message ?? r.stderr.split("\n").find((l) => /EACCES|EPERM|ENOENT/.test(l)) ?? `exit ${r.status}`;
  return `the unprivileged user (uid 65534) cannot reach the project or the scratch folder (${why.trim()}): a parent folder is closed to others (a root user's home is 0700); run the tests from a folder others may enter to run these`;
})();

/** Runs the real CLI in a child process, as a user would. */
export function btc15(args: string[], cwd = ROOT, options: { unprivileged?: boolean } = {}): Run {
  return node([BIN, ...args], cwd, options);
}

/** Runs node with `args` (a script through tsx, the CLI...) in a child process. */
export function node(args: string[], cwd = ROOT, options: { unprivileged?: boolean } = {}): Run {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000, ...(options.unprivileged ? UNPRIVILEGED : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking: several can run at once. */
export function nodeAsync(args: string[], cwd = ROOT, options: { unprivileged?: boolean } = {}): Promise<Run> {
  const child = spawn(process.execPath, args, { cwd, timeout: 60_000, ...(options.unprivileged ? UNPRIVILEGED : {}) });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

export function btc15Async(args: string[], cwd = ROOT, options: { unprivileged?: boolean } = {}): Promise<Run> {
  return nodeAsync([BIN, ...args], cwd, options);
}

/**
 * The CLI in this process, its output captured: for tests whose subject is what a command says
 * and does, not the process (its signals, its exit). Much faster than a child process.
 */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}, scheduler?: Scheduler): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io = { out: { write: (s: string) => (stdout += s) }, err: { write: (s: string) => (stderr += s) }, env, ...(scheduler ? { scheduler } : {}) };
  const code = await main(["node", "btc15", ...args], io);
  return { code, stdout, stderr };
}
