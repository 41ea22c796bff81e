import { deepMerge, resolveConfig } from "../../config/load.ts";
import { UserError } from "../../domain/errors.ts";
import { consoleColumns } from "../console/fit.ts";
import { askYes } from "../console/prompt.ts";
import { RunLog, logFileName } from "../console/run-log.ts";
import { onShutdown } from "../console/shutdown.ts";
import { BUNDLED_SAMPLE } from "../core/sample.ts";
import { type DashboardRequest, type DashboardServer, dashboardBanner, openDashboard } from "../dashboard/server.ts";
import { runDemo } from "../drivers/demo.ts";
import { filesBySeries } from "./series-files.ts";
import { JOURNAL_STOP_EXIT } from "../drivers/journal-stop.ts";
import { runLive } from "../drivers/live.ts";
import { type Io, PROCESS_IO } from "./io.ts";
import { LOGS_DIR, preflightDemo, preflightLive } from "./preflight.ts";
import { reportAfterRun } from "./report-html/command.ts";
import { readKalshiCredentials } from "../venue/kalshi-credentials.ts";
import { checkLiveGates } from "../venue/kalshi-live.ts";

export interface LiveCommandOptions extends DashboardRequest {
  readonly config?: string;
  /** Settings from the command line, as a partial configuration. */
  readonly flags: Record<string, unknown>;
  readonly confirmLive?: boolean;
  readonly verbose?: boolean;
  /** Write the HTML report when the session ends (true: <dataDir>/report.html). */
  readonly html?: string | true;
}

/** `btc15 live` (npm start): checks, the dashboard if asked, the run log, Ctrl+C handling; returns the exit code. */
export async function liveCommand(o: LiveCommandOptions, io: Io = PROCESS_IO): Promise<number> {
  const config = resolveConfig({ file: o.config, env: io.env, flags: o.flags });
  preflightLive({ dataDir: config.dataDir, logsDir: LOGS_DIR, html: o.html });
  // Live orders without a key cannot start: said before anything is opened, the log file included.
  if (config.mode === "live" && readKalshiCredentials(io.env, config.kalshi.env) === null) checkLiveGates({ mode: config.mode, credentials: null, confirmed: Boolean(o.confirmLive) });
  const dashboard = await openDashboard(o);
  const log = new RunLog({ file: logFileName(LOGS_DIR, "live_trading", Date.now()), out: io.out, colour: Boolean(io.out.isTTY), now: Date.now, verbose: Boolean(o.verbose), columns: () => consoleColumns(io.out, io.env) });
  announceDashboard(dashboard, log);
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  const off = onShutdown(() => stop(), { warn: (s) => log.warn(s) });
  let recording: string | null = null;
  try {
    const code = await runLive({
      config,
      log,
      env: io.env,
      confirmLive: Boolean(o.confirmLive),
      ...(process.stdin.isTTY ? { ask: askYes } : {}),
      stop: stopped,
      ...(dashboard ? { dashboard } : {}),
      onRecording: (folder) => (recording = folder),
    });
    log.info(`log file ${log.file}`);
    if (code === 0) log.info(await reportAfterRun(config.dataDir, o.html));
    if (recording !== null) log.info(replayLine(recording));
    return code;
  } finally {
    off();
    await dashboard?.close();
    log.close();
  }
}

export interface DemoCommandOptions extends DashboardRequest {
  readonly config?: string;
  readonly flags: Record<string, unknown>;
  readonly speed: number;
  /** Price files: a plain path for the first series, SERIES=PATH for any series. */
  readonly data?: string | readonly string[];
  readonly minutes: number;
  readonly force?: boolean;
  /** Write the HTML report when the demo ends (true: <dataDir>/report.html). */
  readonly html?: string | true;
}

/** `btc15 demo`: the live runner's session on recorded prices, with its own defaults. */
export async function demoCommand(o: DemoCommandOptions, io: Io = PROCESS_IO): Promise<number> {
  // The demo's own defaults: its own data directory, a status every 5 simulated minutes, and a
  // randomly mispriced synthetic market so there is something to trade.
  const config = resolveConfig({
    file: o.config,
    env: io.env,
    flags: deepMerge({ dataDir: "data/demo", statusIntervalSeconds: 300, synthetic: { mispricingCents: 3 } }, o.flags),
  });
  if (!(o.speed > 0)) throw new UserError("--speed must be positive");
  if (!(o.minutes > 0)) throw new UserError("--minutes must be positive");
  const { file, files } = demoFiles(o.data, config.series);
  const force = Boolean(o.force);
  // The directory `npm start` would journal in, with the same file and environment.
  const liveDataDir = resolveConfig({ file: o.config, env: io.env, flags: {} }).dataDir;
  preflightDemo({ dataDir: config.dataDir, logsDir: LOGS_DIR, file, files: Object.values(files), force, liveDataDir, html: o.html });
  const dashboard = await openDashboard(o);
  const log = new RunLog({ file: logFileName(LOGS_DIR, "demo", Date.now()), out: io.out, colour: Boolean(io.out.isTTY), now: Date.now, columns: () => consoleColumns(io.out, io.env) });
  announceDashboard(dashboard, log);
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  const off = onShutdown(() => stop(), { warn: (s) => log.warn(s) });
  try {
    const sessions = await runDemo({
      config,
      file,
      files,
      dataDir: config.dataDir,
      force,
      speed: o.speed,
      statusIntervalSeconds: config.statusIntervalSeconds,
      log,
      stop: stopped,
      maxSeconds: Math.round(o.minutes * 60),
      ...(dashboard ? { dashboard } : {}),
    });
    log.info(`log file ${log.file}`);
    if (sessions.journalError === null) log.info(await reportAfterRun(config.dataDir, o.html));
    if (sessions.recorder !== null && sessions.recorder.counters.files > 0) log.info(replayLine(sessions.recorder.folder));
    return sessions.journalError === null ? 0 : JOURNAL_STOP_EXIT;
  } finally {
    off();
    await dashboard?.close();
    log.close();
  }
}

/**
 * The demo's --data: a plain path is the first series' prices (the bundled sample, Bitcoin's, by
 * default), SERIES=PATH another series'. A series named twice, or not configured, is refused.
 */
export function demoFiles(data: string | readonly string[] | undefined, series: readonly string[]): { file: string; files: Record<string, string> } {
  const list = data === undefined ? [] : typeof data === "string" ? [data] : data;
  const files: Record<string, string> = {};
  for (const [s, paths] of Object.entries(filesBySeries("--data", list, series))) {
    if (paths.length > 1) throw new UserError(`--data: two price files for ${s} (${paths.join(", ")})${s === series[0] ? "; name the others' series: --data KXETH15M=FILE" : ""}`);
    files[s] = paths[0]!;
  }
  return { file: files[series[0]!] ?? BUNDLED_SAMPLE, files };
}

/** The last line of a recorded run: the command that replays it, ready to paste. */
export function replayLine(folder: string): string {
  const arg = /^[\w./@:+,=-]+$/.test(folder) ? folder : `'${folder.replaceAll("'", `'\\''`)}'`;
  return `Replay it: npx btc15 replay ${arg}`;
}

/** The dashboard's address at start, and a warning when other machines may reach it. */
function announceDashboard(dashboard: DashboardServer | null, log: RunLog): void {
  if (dashboard === null) return;
  const banner = dashboardBanner(dashboard);
  log.info(banner.info);
  if (banner.warning) log.warn(banner.warning);
  dashboard.onError = (m) => log.warn(m);
}
