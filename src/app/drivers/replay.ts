import { resolve } from "node:path";
import type { AppConfig } from "../../config/schema.ts";
import { UserError } from "../../domain/errors.ts";
import type { EngineEvent } from "../../domain/events.ts";
import { dollarsToMoney } from "../../domain/money.ts";
import type { TradeJournalRecord } from "../../domain/records.ts";
import { Account } from "../../engine/account.ts";
import { type Scheduler, sleep, systemScheduler } from "../../net/scheduler.ts";
import type { NoTradeCounts } from "../../engine/engine.ts";
import { exportCsv } from "../../store/export.ts";
import { startAfresh } from "../../store/fresh-journal.ts";
import { writeJsonAtomic } from "../../store/snapshot.ts";
import { FileJournal, journalFiles, loadTradeJournal } from "../../store/trade-journal.ts";
import { type Core, type MarketSpec, buildCore } from "../core/builder.ts";
import type { ArmSpec } from "../core/compare/arms.ts";
import { Comparison, compareNotes } from "../core/compare/comparison.ts";
import { writeComparison } from "../core/compare/files.ts";
import { parseConfig } from "../../config/load.ts";
import { totalLimits } from "../../config/engine-config.ts";
import { Portfolio } from "../../engine/portfolio.ts";
import { NO_TRADE_REASONS } from "../../strategy/decision.ts";
import { seriesDir } from "../../store/series-layout.ts";
import type { DashboardServer } from "../dashboard/server.ts";
import { performanceSnapshot } from "../core/performance.ts";
import { type RecordedEvent, type RecordedWriteFailure, type RecordingHeader, stripSeries } from "../recording/format.ts";
import { type ReadCounters, type RecordedSession, findSessions, isEngineEvent, readRecordingBatches } from "../recording/reader.ts";
import { RefusedWrites } from "../recording/refused-writes.ts";
import { type ReplayResult, type ReplayedSession, type RunResult, runResult, totalFigures } from "../core/run-result.ts";

export type { ReplayResult, ReplayedSession } from "../core/run-result.ts";

export interface ReplayOptions {
  /** Session recordings: files, a session's folder, or a whole sessions directory. */
  readonly paths: readonly string[];
  /** Another strategy to try on the recorded markets; without it, each session's own configuration. */
  readonly config?: AppConfig;
  /** Where the replay's journal goes (never a live data directory). */
  readonly outDir: string;
  readonly force?: boolean;
  /** Replay at N× real time (to watch it); as fast as possible without. */
  readonly speed?: number;
  /** The clock that paces a replay at a speed, and times the run (default the wall clock). */
  readonly scheduler?: Scheduler;
  readonly onSession?: (line: string) => void;
  readonly onWarning?: (message: string) => void;
  /** The dashboard (--dashboard), already listening: the replay is shown on it (best with a speed). */
  readonly dashboard?: DashboardServer;
  /** Replay only these of the recorded series (default: every one). */
  readonly series?: readonly string[];
  /** Strategies to run side by side over the same recorded events, each its own paper account (--compare; one series). */
  readonly compare?: readonly ArmSpec[];
  /**
   * Journal a prediction every N seconds (--predictions N); 0 or absent: none, as in a backtest.
   * A prediction line a second would cost more than the rest of the replay together.
   */
  readonly predictionEverySeconds?: number;
}

const sameRecords = (a: readonly TradeJournalRecord[], b: readonly TradeJournalRecord[]) => a.length <= b.length && a.every((r, i) => JSON.stringify(r) === JSON.stringify(b[i]));

/** What a recording's header says of its series, whichever version wrote it. */
export interface RecordedSeries {
  /** The configuration, read by today's schema (a version-1 header names one series as a string). */
  readonly config: AppConfig;
  readonly series: readonly string[];
  /** Each series' trade journal when the session started. */
  readonly journals: Readonly<Record<string, readonly TradeJournalRecord[]>>;
  readonly priceDigits: Readonly<Record<string, number>>;
}

export function recordedSeries(h: RecordingHeader): RecordedSeries {
  let config: AppConfig;
  try {
    config = parseConfig(h.config, `the configuration recorded in session ${h.session}`);
  } catch (e) {
    throw new UserError(`${(e as Error).message}\n  (replay it with --config FILE to use another configuration)`);
  }
  const series = h.series ?? config.series;
  const journals = h.journals_at_start ?? { [series[0]!]: h.journal_at_start ?? [] };
  return { config, series, journals, priceDigits: h.price_digits ?? {} };
}

/** One series' replay: its journal (a folder of the output), the writes its disk refused, its core. */
interface SeriesReplay {
  readonly series: string;
  readonly dir: string;
  readonly journal: FileJournal;
  readonly disk: RefusedWrites;
  core: Core | null;
  samples: number;
  readonly noTrade: Partial<NoTradeCounts>;
  /**
   * Our proxy's outcome against the official one, by window, over every session: a window a
   * killed session compared and its restart compared again counts once, as in the journal.
   */
  readonly outcomes: Map<string, boolean>;
  lastSecond: number | null;
}

/**
 * `btc15 replay`: feeds recorded sessions back through the engines, event by event, in the order
 * the live engines took them, each event to its series' engine (a version-1 recording holds one
 * series). With each session's own configuration it reproduces each series' journal; with another
 * it shows what that strategy would have done on the same real books, strikes and results. Each
 * series journals in its own folder of the output directory. Sessions after the first start the
 * way a restart does: from the journal as it stands (with the session's own configuration, from
 * the journal the live session found).
 */
export async function runReplay(o: ReplayOptions): Promise<ReplayResult> {
  const scheduler = o.scheduler ?? systemScheduler;
  const started = scheduler.now();
  const sessions = await findSessions(o.paths);
  const recorded = new Map(sessions.map((s) => [s.id, recordedSeries(s.header)]));
  for (const s of sessions) {
    if (resolve(o.outDir) === resolve(recorded.get(s.id)!.config.dataDir)) throw new UserError(`the replay output directory ${o.outDir} is the recorded session's own data directory: choose another with --out`);
  }
  if (o.config && resolve(o.outDir) === resolve(o.config.dataDir)) throw new UserError(`the replay output directory ${o.outDir} is the configuration's live data directory: choose another with --out`);
  const allSeries = [...new Set(sessions.flatMap((s) => recorded.get(s.id)!.series))];
  const wanted = o.series ?? allSeries;
  const missing = wanted.filter((s) => !allSeries.includes(s));
  if (missing.length) throw new UserError(`--series ${missing.join(", ")}: not in the recording (it holds ${allSeries.join(", ")})`);
  if (o.compare?.length && wanted.length > 1) throw new UserError(`--compare runs one series at a time, and the recording holds ${wanted.join(", ")}: add --series with one of them`);
  startAfresh(o.outDir, { madeBy: "replay", force: o.force ?? false, flag: "--out" });
  const every = o.predictionEverySeconds ?? 0;
  const replays = new Map<string, SeriesReplay>();
  for (const series of wanted) {
    const dir = seriesDir(o.outDir, series);
    const journal = new FileJournal(dir, { durable: false, predictions: every > 0, predictionBuffer: 1 << 16, gzipLevel: 1, ...(o.onWarning ? { onWarning: o.onWarning } : {}) });
    // The writes the live session's disk refused are refused again, so the replay makes its journal.
    replays.set(series, { series, dir, journal, disk: new RefusedWrites(journal), core: null, samples: 0, noTrade: {}, outcomes: new Map(), lastSecond: null });
  }
  const read: ReadCounters = { lines: 0, ticks: 0, skipped: 0, problems: [] };
  const replayed: ReplayedSession[] = [];
  let events = 0;
  let diverged = 0;
  let paceFrom: { second: number; wall: number } | null = null;
  const comparison = o.compare?.length ? new Comparison(o.compare) : null;
  const boards = new Map(wanted.map((s) => [s, o.dashboard?.attach({ driver: "replay", mode: "paper", series: s, market: sessions.some((x) => x.header.market === "kalshi") ? "kalshi (recorded)" : "synthetic" })]));

  const pace = async (second: number) => {
    if (!o.speed) return;
    if (paceFrom === null) paceFrom = { second, wall: scheduler.now() };
    const due = paceFrom.wall + ((second - paceFrom.second) * 1000) / o.speed;
    const wait = due - scheduler.now();
    if (wait > 5) await sleep(scheduler, wait);
  };

  for (const [n, session] of sessions.entries()) {
    const rec = recorded.get(session.id)!;
    const config = o.config ?? rec.config;
    const own = o.config === undefined;
    // The limits on every series together, over this session's engines.
    const portfolio = new Portfolio(totalLimits(config, session.header.mode === "live"));
    const here = rec.series.filter((s) => replays.has(s));
    for (const series of here) {
      const r = replays.get(series)!;
      startFrom(r.journal, session, rec.journals[series] ?? [], n === 0 || r.core === null, own, r.dir, series, o.onWarning);
      const account = Account.fromRecords(loadTradeJournal(r.dir).records, dollarsToMoney(config.balance));
      const digits = rec.priceDigits[series];
      const market: MarketSpec = { kind: session.header.market === "kalshi" ? "venue" : "synthetic" };
      // The comparison's arms take the same events as the one series replayed.
      if (comparison) comparison.start({ config, series, ...(digits !== undefined ? { priceDigits: digits } : {}), market, settlement: session.header.settlement, live: session.header.mode === "live" });
      r.core = buildCore({
        config,
        series,
        ...(digits !== undefined ? { priceDigits: digits } : {}),
        portfolio,
        market,
        settlement: session.header.settlement,
        // With another configuration the live session's disk says nothing about this replay's writes.
        journal: own ? r.disk : r.journal,
        predictionEverySeconds: every,
        live: session.header.mode === "live",
        account,
        ...(r.core ? { carry: r.core } : {}),
        listeners: [
          {
            onWindowResolved: (w) => {
              if (w.source !== "proxy" && w.result !== null && w.proxy_result !== null) r.outcomes.set(w.ticker, w.result === w.proxy_result);
            },
          },
          boards.get(series)?.listener,
        ],
        ...(comparison ? { onEvent: (e: EngineEvent) => comparison.feed(e) } : {}),
      });
      boards.get(series)?.follow(r.core.engine, n === 0 ? r.dir : undefined);
    }
    const defaultSeries = rec.series[0]!;
    let sessionEvents = 0;
    // A session records a stop when it closes: without one, it crashed or its disk refused its end.
    let closed = false;
    // Each event is handled once the refused writes recorded after it are known (a line later).
    let held: RecordedEvent | null = null;
    let refused: RecordedWriteFailure[] = [];
    const handle = (e: RecordedEvent) => {
      const r = replays.get(e.series ?? defaultSeries);
      if (r === undefined || r.core === null) return; // a series not replayed (--series)
      if (e.type === "second") r.lastSecond = e.second;
      if (e.type === "stop") closed = true;
      r.disk.arm(refused);
      refused = [];
      r.core.feed(stripSeries(e));
      diverged += r.disk.settle();
      sessionEvents++;
    };
    for (const file of session.files) {
      // A batch of lines at a time, with no promise per line: paced only when a speed asks for it.
      for await (const batch of readRecordingBatches(file.path, read)) {
        for (const line of batch) {
          if (line.type === "write_failed") {
            if (held !== null) refused.push(line);
            continue;
          }
          if (!isEngineEvent(line)) continue;
          if (held !== null) {
            if (o.speed && held.type === "second") await pace(held.second);
            handle(held);
          }
          held = line as RecordedEvent;
        }
      }
    }
    if (held !== null) {
      if (o.speed && held.type === "second") await pace(held.second);
      handle(held);
    }
    events += sessionEvents;
    if (!closed) o.onWarning?.(`session ${session.id} has no end (the stop a session records when it closes): it crashed, or its disk refused the end of its recording; the replay covers what is there`);
    for (const series of here) {
      const r = replays.get(series)!;
      const engine = r.core!.engine;
      r.samples += engine.counters.samples;
      for (const [k, v] of Object.entries(engine.counters.noTrade) as [keyof NoTradeCounts, number][]) r.noTrade[k] = (r.noTrade[k] ?? 0) + v;
    }
    replayed.push({
      id: session.id,
      started: session.header.started,
      files: session.files.length,
      events: sessionEvents,
      market: session.header.market,
      settlement: session.header.settlement,
      mode: session.header.mode,
      btc15_version: session.header.btc15_version,
      series: here,
    });
    o.onSession?.(`session ${session.id}: ${session.files.length} file(s), ${sessionEvents.toLocaleString("en-US")} events${rec.series.length > 1 ? ` of ${rec.series.join(", ")}` : ""} (${session.header.market} market, ${session.header.mode}, recorded by btc15 ${session.header.btc15_version})`);
  }
  const anyKalshi = sessions.some((s) => s.header.market === "kalshi");
  const bySeries: Record<string, RunResult> = {};
  for (const r of replays.values()) {
    r.journal.close();
    await r.journal.idle();
    if (r.core === null) continue;
    writeJsonAtomic(journalFiles(r.dir).performance, performanceSnapshot(r.core.engine.account.summary(), r.lastSecond));
    await exportCsv(r.dir);
    const run = runResult(r.core, anyKalshi ? "the recorded Kalshi books: paper fills walk each book as it was, at its prices and depth, with Kalshi's taker fee" : null, {
      samples: r.samples,
      noTrade: { ...zeroNoTrade(), ...r.noTrade } as NoTradeCounts,
      proxyCompared: r.outcomes.size,
      proxyDisagreements: [...r.outcomes.values()].filter((agreed) => !agreed).length,
    });
    bySeries[r.series] = anyKalshi ? run : { ...run, baselines: { ...run.baselines, note: "the recorded sessions traded the synthetic market (no Kalshi books were recorded): no market price to score" } };
  }
  if (diverged > 0) o.onWarning?.(`${diverged} journal write(s) the live session's disk refused were never tried by the replay: it did not follow the live session there`);
  const head = bySeries[wanted[0]!]!;
  const elapsed = scheduler.now() - started;
  const result: ReplayResult = {
    ...head,
    series: bySeries,
    total: totalFigures(bySeries),
    sessions: replayed,
    config: o.config ? "given" : "recorded",
    events,
    ticks_skipped: read.ticks,
    elapsed_ms: Math.round(elapsed),
    events_per_s: Math.round(events / Math.max(elapsed / 1000, 1e-3)),
    market: anyKalshi ? "recorded Kalshi books" : "synthetic (as recorded: a demo, or live without Kalshi)",
    recording: { lines: read.lines, skipped: read.skipped, problems: read.problems },
    comparison: comparison === null ? null : comparison.result(compareNotes(anyKalshi ? "kalshi" : "synthetic")),
    out_dir: o.outDir,
  };
  // Beside the journal of the one series compared, where its report looks for it.
  if (comparison !== null && result.comparison !== null) writeComparison(replays.get(wanted[0]!)!.dir, comparison, result.comparison);
  writeJsonAtomic(`${o.outDir}/replay.json`, result);
  return result;
}

function zeroNoTrade(): NoTradeCounts {
  return Object.fromEntries(NO_TRADE_REASONS.map((r) => [r, 0])) as NoTradeCounts;
}

/**
 * Puts a series' journal where session `n` starts. The first session starts from the journal the
 * live session found. Later ones, with the session's own configuration, start from the journal the
 * live session found at its restart: it may hold records whose events a crash kept out of the
 * recording (the last seconds before a kill -9), or lack records the replay made from events the
 * live session recorded but never journaled (a kill -9 inside a burst of settlements: the rest
 * were settled after the restart, later). With another configuration the replay goes on from its own.
 */
function startFrom(journal: FileJournal, session: RecordedSession, atStart: readonly TradeJournalRecord[], firstOfSeries: boolean, own: boolean, dir: string, series: string, warn?: (m: string) => void): void {
  if (firstOfSeries) {
    for (const r of atStart) journal.append(r);
    return;
  }
  if (!own) return;
  const have = loadTradeJournal(dir).records;
  const name = series === "KXBTC15M" ? "" : ` (${series})`;
  if (sameRecords(have, atStart)) {
    for (const r of atStart.slice(have.length)) journal.append(r);
    if (atStart.length > have.length) warn?.(`session ${session.id}${name} started from ${atStart.length - have.length} journal record(s) whose events the recording lost (a crash): taken from its journal`);
    return;
  }
  const from = have.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(atStart[i]));
  warn?.(`session ${session.id}${name} started from a journal that differs from the replay's own from record ${from + 1} (${have.length - from} replayed record(s) the live session never wrote, a crash): replaying on from the live journal`);
  journal.replaceTrades(atStart);
}
