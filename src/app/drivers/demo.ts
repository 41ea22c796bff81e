import { isAbsolute, relative } from "node:path";
import { isoUtc } from "../../domain/window.ts";
import type { AppConfig } from "../../config/schema.ts";
import { type Scheduler, sleep, systemScheduler } from "../../net/scheduler.ts";
import { describeModel, describeStrategy, describeSynthetic, modelCaveat } from "../console/banner.ts";
import { type SummaryLine, noTradeText, summaryBlock } from "../console/console-format.ts";
import type { DashboardServer } from "../dashboard/server.ts";
import { count, duration, plural, usdFromNumber, usdFromUnits } from "../console/number-style.ts";
import { etaSeconds, progressText } from "../console/progress.ts";
import type { RunLog } from "../console/run-log.ts";
import type { TradingSession } from "./session.ts";
import { TradingSessions } from "./sessions.ts";
import { journalDrain, journalStopLine, notJournaledLine } from "./journal-stop.ts";
import type { FileOps } from "../../store/file-ops.ts";
import { UserError } from "../../domain/errors.ts";
import { seriesSpec } from "../../domain/series.ts";
import { seriesDir } from "../../store/series-layout.ts";
import { BUNDLED_SAMPLE } from "../core/sample.ts";
import { warmUp } from "./warm-up.ts";
import { type InputSecond, StreamedSeconds } from "./demo-input.ts";

export interface DemoOptions {
  readonly config: AppConfig;
  /** The first series' prices (the bundled sample is Bitcoin's). */
  readonly file: string;
  /** The other series' prices, by series: btc15 bundles only Bitcoin's. */
  readonly files?: Readonly<Record<string, string>>;
  readonly dataDir: string;
  /** Simulated seconds per real second. */
  readonly speed: number;
  readonly statusIntervalSeconds: number;
  readonly log: RunLog;
  /** Resolves when the user asks to stop. */
  readonly stop: Promise<unknown>;
  /** Stop after this many simulated seconds past the warm-up (default: the whole file; the command's default is 6 hours). */
  readonly maxSeconds?: number;
  /** The clock that paces it (default the wall clock); a test's simulated one runs it at once. */
  readonly scheduler?: Scheduler;
  /** Delete a journal in dataDir that the demo did not make. */
  readonly force?: boolean;
  /** The dashboard (--dashboard), already listening: the session is shown on it. */
  readonly dashboard?: DashboardServer;
  /** The journals' and the recording's writes (a test's full disk); Node's by default. */
  readonly disk?: FileOps;
}

const TICK_MS = 100;

/** A path as short as it can be said from here: relative when under the working directory. */
function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** One series of the demo: its session and its prices, read as the demo goes. */
interface DemoSeries {
  readonly session: TradingSession;
  readonly input: StreamedSeconds;
  last: number;
}

/**
 * The offline demo: the live runner's sessions (one per series), console and journals (in the
 * demo's own directory, started afresh), fed by recorded prices at `speed`× against the synthetic
 * market. Several series play their files side by side, second by second from each file's start.
 * The warm-up is replayed at once, as the live runner's warm start does from exchange history.
 */
export async function runDemo(o: DemoOptions): Promise<TradingSessions> {
  const log = o.log;
  const scheduler = o.scheduler ?? systemScheduler;
  const now = () => scheduler.now();
  const series = o.config.series;
  const fileOf = (s: string) => (s === series[0] ? (o.files?.[s] ?? o.file) : o.files?.[s]);
  const missing = series.filter((s) => fileOf(s) === undefined);
  if (missing.length) throw new UserError(`btc15 bundles only Bitcoin's prices: give ${missing.join(", ")} a price file with --data ${missing[0]}=FILE`);
  log.show((c) => c.bold("btc15 DEMO — paper trading on recorded prices, no network needed"));
  log.info(`mode       PAPER (demo)`);
  log.info(`model      ${describeModel(o.config)}`);
  const caveat = modelCaveat(o.config);
  if (caveat) log.info(`           ${caveat}`);
  log.info(`strategy   ${describeStrategy(o.config)}`);
  log.info(`balance    ${usdFromNumber(o.config.balance)}${series.length > 1 ? " each series" : ""} (journal in ${o.dataDir}/, started afresh)`);
  log.info(`market     ${describeSynthetic(o.config)}`);
  for (const s of series) {
    const f = fileOf(s)!;
    const what = f === BUNDLED_SAMPLE ? "recorded Binance BTC/USDT, a proxy of the index Kalshi settles on" : `${seriesSpec(s).coin} prices`;
    log.info(`prices     ${series.length > 1 ? `${s} ` : ""}${shortPath(f)} at ${o.speed}× (${what})`);
  }

  // The prices are read as the demo goes, never loaded whole. What is read before the sessions
  // start covers the warm-up, and all of a short file: a bad one is refused before its journal is touched.
  const inputs = series.map((s) => new StreamedSeconds(fileOf(s)!, (w) => log.warn(w)));
  try {
    for (const [i, input] of inputs.entries()) {
      await input.fill(input.ahead);
      if (input.available === 0) throw new Error(`no prices in ${fileOf(series[i]!)}`);
    }
  } catch (e) {
    for (const input of inputs) input.close();
    throw e;
  }

  const boards = new Map(series.map((s) => [s, o.dashboard?.attach({ driver: "demo", mode: "paper", series: s, market: "synthetic" })]));
  const sessions = new TradingSessions({
    config: o.config,
    rootDir: o.dataDir,
    market: () => ({ kind: "synthetic" }),
    settlement: () => "proxy",
    log,
    fresh: { madeBy: "demo", force: o.force ?? false, flag: "--data-dir" },
    maxCarrySeconds: o.config.backtest.maxCarrySeconds,
    scheduler,
    ...(o.config.recording.enabled ? { record: { market: "synthetic" as const } } : {}),
    listeners: (s) => [boards.get(s)?.listener],
    ...(o.disk ? { disk: o.disk } : {}),
  });
  for (const session of sessions.list) boards.get(session.series)?.follow(session.engine, seriesDir(o.dataDir, session.series));
  if (sessions.recorder) log.info(`recording  ${sessions.recorder.folder}/ (--no-record turns it off)`);
  let stopped = false;
  void o.stop.then(() => (stopped = true));
  // A journal that cannot be written ends the demo as it ends the live runner (journal-stop.ts).
  const drained = journalDrain(sessions, o.config);

  const runs: DemoSeries[] = sessions.list.map((session, i) => ({ session, input: inputs[i]!, last: 0 }));
  const feed = (r: DemoSeries, p: InputSecond) => {
    const sampler = r.session.sampler;
    if (p.mean !== undefined) sampler.mean(p.second + 1, p.mean);
    sampler.observe(p.second, p.price, p.exact);
    sampler.advanceTo(p.second + 1);
    r.last = p.second;
  };
  // Warm start: enough history for the forecaster and the first strike, at once (no trades: the
  // live runner's rule).
  const warm = Math.min(...runs.map((r) => Math.min(r.input.available, r.session.engine.forecaster.historyNeeded + 60)));
  for (const r of runs) {
    warmUp(r.session, () => {
      for (let k = 0; k < warm; k++) feed(r, r.input.shift()!);
    });
  }
  const first = runs[0]!;
  const warmEnd = first.last;
  log.info(`warm start ${count(warm)} s of history replayed at once (up to ${isoUtc(warmEnd + 1)}${runs.length > 1 ? ` for ${first.session.series}` : ""})`);
  // The market to play: --minutes of it, or what the shortest file holds after the warm-up (known from its
  // first and last bars; corrected if a file turns out shorter).
  let length = Math.min(o.maxSeconds ?? Infinity, Math.max(0, Math.min(...runs.map((r) => r.input.estimatedSeconds)) - warm));
  log.info(`length     ${duration(length)} of market${o.maxSeconds === undefined ? " (the whole file)" : ""}: about ${duration(length / o.speed)} (--minutes sets it, Ctrl+C ends it)`);
  for (const r of runs) {
    const s = r.session;
    log.show((c) => `${c.green("✓")} ${s.coin} Feed connected: replay (recorded prices, no network)`);
    log.show((c) => `${c.green("✓")} Current price${runs.length > 1 ? ` ${s.coin}` : ""}: ${c.bold(usdFromUnits(s.engine.history.latest, s.priceDigits))}  (replay, ${isoUtc(r.last).replace("T", " ").replace("Z", " UTC")})`);
  }
  log.show((c) => c.bold(c.green("SYSTEM READY - MONITORING FOR OPPORTUNITIES")));

  const t0 = now();
  let done = 0; // seconds of market played after the warm-up
  const every = o.statusIntervalSeconds;
  let nextStatus = Math.ceil((warmEnd + 2) / every) * every; // on round times: :00, :05, …
  // Progress: a bar redrawn in place on a terminal; elsewhere a plain line every simulated hour.
  const progress = (played: number) => {
    const frac = length > 0 ? played / length : 1;
    // Paced by the clock unless the machine cannot keep up with the speed asked for.
    const eta = Math.max((length - played) / o.speed, etaSeconds(frac, (now() - t0) / 1000) ?? 0);
    return { frac, eta, of: `${duration(played)} of ${duration(length)}` };
  };
  const hourly = !log.terminal;
  let nextHour = 3600;
  let exhausted = false;
  let inputFailed = false;
  let recordingFailed = false;
  const available = () => Math.min(...runs.map((r) => r.input.available));
  while (done < length && !stopped) {
    const due = Math.min(length, Math.floor(((now() - t0) / 1000) * o.speed));
    // Taken a read-ahead at a time, so however fast the demo runs, the files are never read further ahead.
    while (done < due && !stopped && !exhausted) {
      try {
        if (!inputFailed) for (const r of runs) await r.input.fill(Math.min(due - done, r.input.ahead));
      } catch (e) {
        inputFailed = true; // a bad file found at its end: what was read is played, then the demo ends
        log.warn(`${(e as Error).message}: the demo ends here`);
      }
      const batchEnd = Math.min(due, done + available());
      if (batchEnd === done) exhausted = true; // a file is read to its end
      for (; done < batchEnd && !stopped; done++) {
        for (const r of runs) feed(r, r.input.shift()!);
        const t = first.last + 1;
        if (sessions.journalError !== null && drained(t)) stopped = true;
        if (t >= nextStatus) {
          for (const r of runs) r.session.status(r.last + 1, r.session.engine.history.size ? r.session.engine.history.latest : null, "replay");
          if (runs.length > 1) log.show((c) => sessions.totalLine(t, c));
          nextStatus = Math.floor(t / every) * every + every;
        }
        if (hourly && done + 1 === nextHour && done + 1 < length) {
          nextHour += 3600;
          const q = progress(done + 1);
          log.info(`demo ${q.of} simulated (${Math.floor(q.frac * 100)}%), about ${duration(q.eta)} left`);
        }
      }
    }
    if (exhausted) length = done; // a file held less than its first and last bars promised
    sessions.recorder?.flush();
    const recordingError = sessions.recorder?.takeError();
    if (recordingError && !recordingFailed) log.warn(`${recordingError}: the recording has a hole until the disk takes writes again; the demo goes on`);
    if (recordingError) recordingFailed = true;
    if (!hourly) {
      const q = progress(done);
      log.footer(progressText("demo", q.frac, q.eta, q.of));
    }
    if (done < length && !stopped) await sleep(scheduler, TICK_MS);
  }
  for (const r of runs) r.input.close();
  log.footer(null);
  const simulated = done;
  const realSeconds = (now() - t0) / 1000;
  const csv = await sessions.close();
  const lines = (s: TradingSession | null): SummaryLine[] => [
    ["market", `${duration(simulated)} simulated in ${duration(realSeconds)}${stopped ? " (stopped early)" : ""}`],
    ...(s === null ? sessions.seriesSummaryLines() : [["windows", `${count(s.engine.counters.windowsClosed)} closed`] as const, ["no trade", noTradeText(s.engine.counters.noTrade)] as const, ...[notJournaledLine(s.engine.journalPending)].filter((l) => l !== null)]),
    ["exports", `trades.csv (${plural(csv.trades, "row")}), the open day's predictions CSV (${plural(csv.predictions, "row")}) in ${runs.length > 1 ? `each series' folder of ${o.dataDir}/` : `${seriesDir(o.dataDir, first.session.series)}/`}`],
  ];
  if (runs.length === 1) log.show((c) => summaryBlock(first.session.summary, lines(first.session), c));
  else {
    for (const r of runs) log.show((c) => summaryBlock(r.session.summary, lines(r.session).slice(0, -1), c, `Performance summary: ${r.session.series}`));
    log.show((c) => summaryBlock(sessions.total, lines(null), c, "Performance summary: every series together"));
  }
  if (sessions.journalError !== null) log.warn(journalStopLine(sessions, o.dataDir, sessions.journalError));
  return sessions;
}
