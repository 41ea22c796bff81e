// The live runner in this process (not a child): for tests whose subject is what the runner
// decides and shows, not the process itself. Its console is captured; its clock can be shifted
// (so a window boundary is a few seconds away) without touching the machine's.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { type LiveExit, runLive } from "../../src/app/drivers/live.ts";
import type { DashboardServer } from "../../src/app/dashboard/server.ts";
import { RunLog } from "../../src/app/console/run-log.ts";
import { parseConfig } from "../../src/config/load.ts";
import type { AppConfig } from "../../src/config/schema.ts";

export interface LiveRun {
  readonly dir: string;
  readonly config: AppConfig;
  /** Everything the console showed so far. */
  out(): string;
  /** Resolves when `re` appears on the console. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  /** The first Ctrl+C; resolves with the exit code. */
  stop(): Promise<LiveExit>;
  readonly done: Promise<LiveExit>;
}

export interface LiveRunOptions {
  readonly config: Record<string, unknown>;
  readonly now?: () => number;
  readonly env?: NodeJS.ProcessEnv;
  readonly ask?: (q: string) => Promise<boolean>;
  readonly confirmLive?: boolean;
  /** A dashboard already listening, to show the session on. */
  readonly dashboard?: DashboardServer;
  /** The console's width (default: unlimited, every line whole). */
  readonly columns?: number;
}

export function startLive(o: LiveRunOptions): LiveRun {
  const dir = mkdtempSync(join(tmpdir(), "btc15-live-"));
  const config = parseConfig({ dataDir: join(dir, "trading"), ...o.config });
  const sink = new PassThrough();
  let text = "";
  sink.on("data", (d: Buffer) => (text += d.toString()));
  const now = o.now ?? Date.now;
  const log = new RunLog({ file: join(dir, "live.log"), out: sink, colour: false, now, columns: o.columns ?? Infinity });
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  const done = runLive({ config, log, env: o.env ?? {}, confirmLive: o.confirmLive ?? false, stop: stopped, now, ...(o.ask ? { ask: o.ask } : {}), ...(o.dashboard ? { dashboard: o.dashboard } : {}) }).finally(() => log.close());
  let exited = false;
  void done.then(
    () => (exited = true),
    () => (exited = true),
  );
  return {
    dir,
    config,
    out: () => text,
    async waitFor(re, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!re.test(text)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${re}\n--- console ---\n${text}`);
        if (exited) throw new Error(`the runner ended before ${re}\n--- console ---\n${text}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop() {
      stop();
      return done;
    },
    done,
  };
}
