import { isoUtc } from "../../domain/window.ts";
import type { AppConfig } from "../../config/schema.ts";
import { inspectHistoryFile, replayHistory } from "../../history/files.ts";
import { HybridForecaster } from "../../model/forecaster.ts";
import { type Scheduler, sleep, systemScheduler } from "../../net/scheduler.ts";
import { describeModel, describeStrategy, describeSynthetic } from "../console/banner.ts";
import { summaryBlock } from "../console/console-format.ts";
import type { DashboardServer } from "../dashboard/server.ts";
import { count, duration, plural, usdFromCents, usdFromNumber } from "../console/number-style.ts";
import { etaSeconds, progressText } from "../console/progress.ts";
import type { RunLog } from "../console/run-log.ts";
import { TradingSession } from "./session.ts";
import { warmUp } from "./warm-up.ts";

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
  log.info(`prices     ${o.file} at ${o.speed}× (recorded Binance BTC/USDT, a proxy of the index Kalshi settles on)`);

  const seconds: number[] = [];
  const prices: number[] = [];
  const exact: boolean[] = [];
  // Only as much of the file as the run can use (the warm-up and maxSeconds, with a day to spare for holes).
  const needed = new HybridForecaster(o.config.model).historyNeeded + 60 + (o.maxSeconds ?? Infinity);
  const to = inspectHistoryFile(o.file).firstTimestamp + 2 * needed + 86_400;
  await replayHistory([o.file], { observe: (s, p, e = true) => (seconds.push(s), prices.push(p), exact.push(e)) }, { onWarning: (w) => log.warn(w), ...(Number.isFinite(to) ? { to } : {}) });
  if (seconds.length === 0) throw new Error(`no prices in ${o.file}`);

  const board = o.dashboard?.attach({ driver: "demo", mode: "paper", series: o.config.series, market: "synthetic" });
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
  let stopped = false;
  void o.stop.then(() => (stopped = true));

  const feed = (i: number) => {
    session.sampler.observe(seconds[i]!, prices[i]!, exact[i]);
    session.sampler.advanceTo(seconds[i]! + 1);
  };
  // Warm start: enough history for the forecaster and the first strike, at once (no trades: the
  // live runner's rule).
  const warm = Math.min(seconds.length, session.engine.forecaster.historyNeeded + 60);
  warmUp(session, () => {
    for (let i = 0; i < warm; i++) feed(i);
  });
  log.info(`warm start ${count(warm)} s of history replayed at once (up to ${isoUtc(seconds[warm - 1]! + 1)})`);
  const end = Math.min(seconds.length, o.maxSeconds === undefined ? Infinity : warm + o.maxSeconds);
  const length = end - warm;
  log.info(`length     ${duration(length)} of market at ${o.speed}×: about ${duration(length / o.speed)}${o.maxSeconds === undefined ? " (the whole file)" : ""}; --minutes changes it, Ctrl+C stops sooner`);
  log.show((c) => `${c.green("✓")} BTC Feed connected: replay (recorded prices, no network)`);
  log.show((c) => `${c.green("✓")} Current price: ${c.bold(usdFromCents(session.engine.history.latest))}  (replay, ${isoUtc(seconds[warm - 1]!).replace("T", " ").replace("Z", " UTC")})`);
  log.show((c) => c.bold(c.green("SYSTEM READY - MONITORING FOR OPPORTUNITIES")));

  const t0 = now();
  let i = warm;
  const every = o.statusIntervalSeconds;
  let nextStatus = Math.ceil((seconds[warm - 1]! + 2) / every) * every; // on round times: :00, :05, …
  // Progress: a bar redrawn in place on a terminal; elsewhere a plain line every simulated hour.
  const progress = (done: number) => {
    const frac = length > 0 ? done / length : 1;
    // Paced by the clock unless the machine cannot keep up with the speed asked for.
    const eta = Math.max((length - done) / o.speed, etaSeconds(frac, (now() - t0) / 1000) ?? 0);
    return { frac, eta, of: `${duration(done)} of ${duration(length)}` };
  };
  const hourly = !log.terminal;
  let nextHour = warm + 3600;
  while (i < end && !stopped) {
    const due = warm + Math.floor(((now() - t0) / 1000) * o.speed);
    for (; i < Math.min(due, end) && !stopped; i++) {
      feed(i);
      const t = seconds[i]! + 1;
      if (t >= nextStatus) {
        session.status(t, session.engine.history.size ? session.engine.history.latest : null, "replay");
        nextStatus = Math.floor(t / every) * every + every;
      }
      if (hourly && i + 1 === nextHour && i + 1 < end) {
        nextHour += 3600;
        const p = progress(i + 1 - warm);
        log.info(`demo ${p.of} simulated (${Math.floor(p.frac * 100)}%), about ${duration(p.eta)} left`);
      }
    }
    session.recorder?.flush();
    if (!hourly) {
      const p = progress(i - warm);
      log.footer(progressText("demo", p.frac, p.eta, p.of));
    }
    if (i < end && !stopped) await sleep(scheduler, TICK_MS);
  }
  log.footer(null);
  const simulated = i - warm;
  const realSeconds = (now() - t0) / 1000;
  const csv = await session.close();
  log.show((c) =>
    summaryBlock(
      session.summary,
      [
        ["market", `${duration(simulated)} simulated in ${duration(realSeconds)}${stopped ? " (stopped early)" : ""}`],
        ["windows", `${count(session.engine.counters.windowsClosed)} closed`],
        ["exports", `trades.csv (${plural(csv.trades, "row")}), the open day's predictions CSV (${plural(csv.predictions, "row")}) in ${o.dataDir}/`],
      ],
      c,
    ),
  );
  return session;
}
