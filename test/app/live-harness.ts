// The live runner in this process (not a child), on a simulated clock: for tests whose subject is
// what the runner decides and shows, not the process itself. Its console is captured; the test
// moves the clock (the fakes run on the same one), so a window boundary or a minute of trading
// takes a moment of real time, and what the runner does with each second does not depend on how
// busy the machine is.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { type LiveExit, runLive } from "../../src/app/drivers/live.ts";
import type { DashboardServer } from "../../src/app/dashboard/server.ts";
import { RunLog } from "../../src/app/console/run-log.ts";
import { parseConfig } from "../../src/config/load.ts";
import type { AppConfig } from "../../src/config/schema.ts";
import type { FileOps } from "../../src/store/file-ops.ts";
import type { SimScheduler } from "../sim/scheduler.ts";

export interface LiveRun {
  readonly dir: string;
  readonly config: AppConfig;
  /** Everything the console showed so far. */
  out(): string;
  /** Runs the clock until `re` appears on the console (at most `simMs` simulated ms, default 2 minutes). */
  waitFor(re: RegExp, simMs?: number): Promise<void>;
  /** The first Ctrl+C; runs the clock until the runner exits, with its exit code. */
  stop(): Promise<LiveExit>;
  /** Whether the runner has returned. */
  readonly exited: boolean;
  readonly done: Promise<LiveExit>;
}

export interface LiveRunOptions {
  /** The clock of the run (and of the fakes). */
  readonly sim: SimScheduler;
  readonly config: Record<string, unknown>;
  /** A data directory's parent to use again (a restart); a new one otherwise. */
  readonly dir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly ask?: (q: string) => Promise<boolean>;
  readonly confirmLive?: boolean;
  /** A dashboard already listening, to show the session on. */
  readonly dashboard?: DashboardServer;
  /** The console's width (default: unlimited, every line whole). */
  readonly columns?: number;
  /** The journal's and the recording's disk. */
  readonly disk?: FileOps;
}

export function startLive(o: LiveRunOptions): LiveRun {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "btc15-live-"));
  const config = parseConfig({ dataDir: join(dir, "trading"), ...o.config });
  const sink = new PassThrough();
  let text = "";
  sink.on("data", (d: Buffer) => (text += d.toString()));
  const sim = o.sim;
  const log = new RunLog({ file: join(dir, `live-${sim.now()}.log`), out: sink, colour: false, now: () => sim.now(), columns: o.columns ?? Infinity });
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  const done = runLive({
    config,
    log,
    env: o.env ?? {},
    confirmLive: o.confirmLive ?? false,
    stop: stopped,
    scheduler: sim,
    ...(o.ask ? { ask: o.ask } : {}),
    ...(o.dashboard ? { dashboard: o.dashboard } : {}),
    ...(o.disk ? { disk: o.disk } : {}),
  }).finally(() => log.close());
  let exited = false;
  void done.then(
    () => (exited = true),
    () => (exited = true),
  );
  const console = () => `\n--- console ---\n${text}`;
  return {
    dir,
    config,
    out: () => text,
    get exited() {
      return exited;
    },
    async waitFor(re, simMs = 120_000) {
      await sim.until(() => re.test(text) || exited, () => `${re}${console()}`, { simMs });
      if (!re.test(text)) throw new Error(`the runner ended before ${re}${console()}`);
    },
    stop() {
      stop();
      return sim.run(done, `the runner to stop${console()}`);
    },
    done,
  };
}
