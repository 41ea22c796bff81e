import { isAbsolute, relative } from "node:path";
import { isoUtc } from "../../domain/window.ts";
import type { AppConfig } from "../../config/schema.ts";
import { type Scheduler, sleep, systemScheduler } from "../../net/scheduler.ts";
import { describeModel, describeStrategy, describeSynthetic } from "../console/banner.ts";
import { noTradeText, summaryBlock } from "../console/console-format.ts";
import type { DashboardServer } from "../dashboard/server.ts";
import { count, duration, plural, usdFromCents, usdFromNumber } from "../console/number-style.ts";
import { etaSeconds, progressText } from "../console/progress.ts";
import type { RunLog } from "../console/run-log.ts";
import { TradingSession } from "./session.ts";
import { warmUp } from "./warm-up.ts";
import { type InputSecond, StreamedSeconds } from "./demo-input.ts";

export interface DemoOptions {
  readonly config: AppConfig;
  readonly file: string;
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
}

const TICK_MS = 100;

/** A path as short as it can be said from here: relative when under the working directory. */
function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/**
 * The offline demo: the live runner's session, console and journal (in its own directory,
 * started afresh), fed by recorded prices at `speed`× against the synthetic market. The
 * warm-up is replayed at once, as the live runner's warm start does from exchange history.
 */
export async function runDemo(o: DemoOptions): Promise<TradingSession> {
  const log = o.log;
  const scheduler = o.scheduler ?? systemScheduler;
  const now = () => scheduler.now();
  log.show((c) => c.bold("btc15 DEMO — paper trading on recorded prices, no network needed"));
  log.info(`mode       PAPER (demo)`);
  log.info(`model      ${describeModel(o.config)}`);
  log.info(`strategy   ${describeStrategy(o.config)}`);
  log.info(`balance    ${usdFromNumber(o.config.balance)} (journal in ${o.dataDir}/, started afresh)`);
  log.info(`market     ${describeSynthetic(o.config)}`);
  log.info(`prices     ${shortPath(o.file)} at ${o.speed}× (recorded Binance BTC/USDT, a proxy of the index Kalshi settles on)`);

  // The prices are read as the demo goes, never loaded whole. What is read before the session
  // starts covers the warm-up, and all of a short file: a bad one is refused before its journal is touched.
  const input = new StreamedSeconds(o.file, (w) => log.warn(w));
  try {
    await input.fill(input.ahead);
  } catch (e) {
    input.close();
    throw e;
  }
  if (input.available === 0) throw new Error(`no prices in ${o.file}`);

  const board = o.dashboard?.attach({ driver: "demo", mode: "paper", series: o.config.series[0]!, market: "synthetic" });
  const session = new TradingSession({
    config: o.config,
    dataDir: o.dataDir,
    market: { kind: "synthetic" },
    settlement: "proxy",
    log,
    fresh: { madeBy: "demo", force: o.force ?? false, flag: "--data-dir" },
    maxCarrySeconds: o.config.backtest.maxCarrySeconds,
    scheduler,
    ...(o.config.recording.enabled ? { record: { market: "synthetic" as const } } : {}),
    ...(board ? { listeners: [board.listener] } : {}),
  });
  board?.follow(session.engine, o.dataDir);
  if (session.recorder) log.info(`recording  ${session.recorder.folder}/ (--no-record turns it off)`);
  let stopped = false;
  void o.stop.then(() => (stopped = true));

  let last = 0;
  const feed = (p: InputSecond) => {
    if (p.mean !== undefined) session.sampler.mean(p.second + 1, p.mean);
    session.sampler.observe(p.second, p.price, p.exact);
    session.sampler.advanceTo(p.second + 1);
    last = p.second;
  };
  // Warm start: enough history for the forecaster and the first strike, at once (no trades: the
  // live runner's rule).
  const warm = Math.min(input.available, session.engine.forecaster.historyNeeded + 60);
  warmUp(session, () => {
    for (let k = 0; k < warm; k++) feed(input.shift()!);
  });
  const warmEnd = last;
  log.info(`warm start ${count(warm)} s of history replayed at once (up to ${isoUtc(warmEnd + 1)})`);
  // The market to play: --minutes of it, or what the file holds after the warm-up (known from its
  // first and last bars; corrected if the file turns out shorter).
  let length = Math.min(o.maxSeconds ?? Infinity, Math.max(0, input.estimatedSeconds - warm));
  log.info(`length     ${duration(length)} of market${o.maxSeconds === undefined ? " (the whole file)" : ""}: about ${duration(length / o.speed)} (--minutes sets it, Ctrl+C ends it)`);
  log.show((c) => `${c.green("✓")} BTC Feed connected: replay (recorded prices, no network)`);
  log.show((c) => `${c.green("✓")} Current price: ${c.bold(usdFromCents(session.engine.history.latest))}  (replay, ${isoUtc(warmEnd).replace("T", " ").replace("Z", " UTC")})`);
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
  while (done < length && !stopped) {
    const due = Math.min(length, Math.floor(((now() - t0) / 1000) * o.speed));
    // Taken a read-ahead at a time, so however fast the demo runs, the file is never read further ahead.
    while (done < due && !stopped && !exhausted) {
      try {
        if (!inputFailed) await input.fill(Math.min(due - done, input.ahead));
      } catch (e) {
        inputFailed = true; // a bad file found at its end: what was read is played, then the demo ends
        log.warn(`${(e as Error).message}: the demo ends here`);
      }
      const batchEnd = Math.min(due, done + input.available);
      if (batchEnd === done) exhausted = true; // the file is read to its end
      for (; done < batchEnd && !stopped; done++) {
        const p = input.shift()!;
        feed(p);
        const t = p.second + 1;
        if (t >= nextStatus) {
          session.status(t, session.engine.history.size ? session.engine.history.latest : null, "replay");
          nextStatus = Math.floor(t / every) * every + every;
        }
        if (hourly && done + 1 === nextHour && done + 1 < length) {
          nextHour += 3600;
          const q = progress(done + 1);
          log.info(`demo ${q.of} simulated (${Math.floor(q.frac * 100)}%), about ${duration(q.eta)} left`);
        }
      }
    }
    if (exhausted) length = done; // the file held less than its first and last bars promised
    session.recorder?.flush();
    if (!hourly) {
      const q = progress(done);
      log.footer(progressText("demo", q.frac, q.eta, q.of));
    }
    if (done < length && !stopped) await sleep(scheduler, TICK_MS);
  }
  input.close();
  log.footer(null);
  const simulated = done;
  const realSeconds = (now() - t0) / 1000;
  const csv = await session.close();
  log.show((c) =>
    summaryBlock(
      session.summary,
      [
        ["market", `${duration(simulated)} simulated in ${duration(realSeconds)}${stopped ? " (stopped early)" : ""}`],
        ["windows", `${count(session.engine.counters.windowsClosed)} closed`],
        ["no trade", noTradeText(session.engine.counters.noTrade)],
        ["exports", `trades.csv (${plural(csv.trades, "row")}), the open day's predictions CSV (${plural(csv.predictions, "row")}) in ${o.dataDir}/`],
      ],
      c,
    ),
  );
  return session;
}
