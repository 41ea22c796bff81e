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
import type { DashboardServer } from "../dashboard/server.ts";
import { performanceSnapshot } from "../core/performance.ts";
import type { RecordedWriteFailure } from "../recording/format.ts";
import { type ReadCounters, type RecordedSession, findSessions, isEngineEvent, readRecordingBatches } from "../recording/reader.ts";
import { RefusedWrites } from "../recording/refused-writes.ts";
import { type ReplayResult, type ReplayedSession, runResult } from "../core/run-result.ts";

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
  /** Strategies to run side by side over the same recorded events, each its own paper account (--compare). */
  readonly compare?: readonly ArmSpec[];
  /**
   * Journal a prediction every N seconds (--predictions N); 0 or absent: none, as in a backtest.
   * A prediction line a second would cost more than the rest of the replay together.
   */
  readonly predictionEverySeconds?: number;
}

const sameRecords = (a: readonly TradeJournalRecord[], b: readonly TradeJournalRecord[]) => a.length <= b.length && a.every((r, i) => JSON.stringify(r) === JSON.stringify(b[i]));

/**
 * `btc15 replay`: feeds recorded sessions back through the engine, event by event, in the order
 * the live engine took them. With each session's own configuration it reproduces that session's
 * journal; with another it shows what that strategy would have done on the same real books,
 * strikes and results. Sessions after the first start the way a restart does: from the journal
 * as it stands (with the session's own configuration, from the journal the live session found).
 */
export async function runReplay(o: ReplayOptions): Promise<ReplayResult> {
  const scheduler = o.scheduler ?? systemScheduler;
  const started = scheduler.now();
  const sessions = await findSessions(o.paths);
  for (const s of sessions) {
    if (resolve(o.outDir) === resolve(s.header.config.dataDir)) throw new UserError(`the replay output directory ${o.outDir} is the recorded session's own data directory: choose another with --out`);
  }
  if (o.config && resolve(o.outDir) === resolve(o.config.dataDir)) throw new UserError(`the replay output directory ${o.outDir} is the configuration's live data directory: choose another with --out`);
  startAfresh(o.outDir, { madeBy: "replay", force: o.force ?? false, flag: "--out" });
  const first = o.config ?? sessions[0]!.header.config;
  const every = o.predictionEverySeconds ?? 0;
  const journal = new FileJournal(o.outDir, { durable: false, predictions: every > 0, predictionBuffer: 1 << 16, gzipLevel: 1, ...(o.onWarning ? { onWarning: o.onWarning } : {}) });
  // The writes the live session's disk refused are refused again, so the replay makes its journal.
  const disk = new RefusedWrites(journal);
  const read: ReadCounters = { lines: 0, ticks: 0, skipped: 0, problems: [] };
  const replayed: ReplayedSession[] = [];
  let core: Core | null = null;
  let events = 0;
  let samples = 0;
  let lastSecond: number | null = null;
  let diverged = 0;
  const noTrade: Partial<NoTradeCounts> = {};
  let paceFrom: { second: number; wall: number } | null = null;
  const comparison = o.compare?.length ? new Comparison(o.compare) : null;
  const board = o.dashboard?.attach({ driver: "replay", mode: "paper", series: first.series, market: sessions.some((s) => s.header.market === "kalshi") ? "kalshi (recorded)" : "synthetic" });

  const pace = async (second: number) => {
    if (!o.speed) return;
    if (paceFrom === null) paceFrom = { second, wall: scheduler.now() };
    const due = paceFrom.wall + ((second - paceFrom.second) * 1000) / o.speed;
    const wait = due - scheduler.now();
    if (wait > 5) await sleep(scheduler, wait);
  };

  for (const [n, session] of sessions.entries()) {
    const config = o.config ?? session.header.config;
    startFrom(journal, session, n, o.config === undefined, o.outDir, o.onWarning);
    const account = Account.fromRecords(loadTradeJournal(o.outDir).records, dollarsToMoney(config.balance));
    const market: MarketSpec = { kind: session.header.market === "kalshi" ? "venue" : "synthetic" };
    comparison?.start({ config, market, settlement: session.header.settlement, live: session.header.mode === "live" });
    core = buildCore({
      config,
      market,
      settlement: session.header.settlement,
      // With another configuration the live session's disk says nothing about this replay's writes.
      journal: o.config === undefined ? disk : journal,
      predictionEverySeconds: every,
      live: session.header.mode === "live",
      account,
      ...(core ? { carry: core } : {}),
      ...(board ? { listeners: [board.listener] } : {}),
      ...(comparison ? { onEvent: (e: EngineEvent) => comparison.feed(e) } : {}),
    });
    const engine = core.engine;
    board?.follow(engine, n === 0 ? o.outDir : undefined);
    let sessionEvents = 0;
    // Each event is handled once the refused writes recorded after it are known (a line later).
    let held: EngineEvent | null = null;
    let refused: RecordedWriteFailure[] = [];
    const handle = (e: EngineEvent) => {
      if (e.type === "second") lastSecond = e.second;
      disk.arm(refused);
      refused = [];
      core!.feed(e);
      diverged += disk.settle();
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
          held = line as EngineEvent;
        }
      }
    }
    if (held !== null) {
      if (o.speed && held.type === "second") await pace(held.second);
      handle(held);
    }
    events += sessionEvents;
    samples += engine.counters.samples;
    for (const [k, v] of Object.entries(engine.counters.noTrade) as [keyof NoTradeCounts, number][]) noTrade[k] = (noTrade[k] ?? 0) + v;
    replayed.push({
      id: session.id,
      started: session.header.started,
      files: session.files.length,
      events: sessionEvents,
      market: session.header.market,
      settlement: session.header.settlement,
      mode: session.header.mode,
      btc15_version: session.header.btc15_version,
    });
    o.onSession?.(`session ${session.id}: ${session.files.length} file(s), ${sessionEvents.toLocaleString("en-US")} events (${session.header.market} market, ${session.header.mode}, recorded by btc15 ${session.header.btc15_version})`);
  }
  journal.close();
  await journal.idle();
  const last = core!;
  writeJsonAtomic(journalFiles(o.outDir).performance, performanceSnapshot(last.engine.account.summary(), lastSecond));
  await exportCsv(o.outDir);
  if (diverged > 0) o.onWarning?.(`${diverged} journal write(s) the live session's disk refused were never tried by the replay: it did not follow the live session there`);
  const anyKalshi = sessions.some((s) => s.header.market === "kalshi");
  const elapsed = scheduler.now() - started;
  const result: ReplayResult = {
    ...runResult(last, anyKalshi ? "the recorded Kalshi books: paper fills walk each book as it was, at its prices and depth, with Kalshi's taker fee" : null, { samples, noTrade: noTrade as NoTradeCounts }),
    ...(anyKalshi ? {} : { baselines: { ...runResult(last, null).baselines, note: "the recorded sessions traded the synthetic market (no Kalshi books were recorded): no market price to score" } }),
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
  if (comparison !== null && result.comparison !== null) writeComparison(o.outDir, comparison, result.comparison);
  writeJsonAtomic(`${o.outDir}/replay.json`, result);
  return result;
}

/**
 * Puts the journal where session `n` starts. The first session starts from the journal the live
 * session found. Later ones, with the session's own configuration, start from the journal the
 * live session found at its restart: it may hold records whose events a crash kept out of the
 * recording (the last seconds before a kill -9), or lack records the replay made from events the
 * live session recorded but never journaled (a kill -9 inside a burst of settlements: the rest
 * were settled after the restart, later). With another configuration the replay goes on from its own.
 */
function startFrom(journal: FileJournal, session: RecordedSession, n: number, own: boolean, dir: string, warn?: (m: string) => void): void {
  const atStart = session.header.journal_at_start ?? [];
  if (n === 0) {
    for (const r of atStart) journal.append(r);
    return;
  }
  if (!own) return;
  const have = loadTradeJournal(dir).records;
  if (sameRecords(have, atStart)) {
    for (const r of atStart.slice(have.length)) journal.append(r);
    if (atStart.length > have.length) warn?.(`session ${session.id} started from ${atStart.length - have.length} journal record(s) whose events the recording lost (a crash): taken from its journal`);
    return;
  }
  const from = have.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(atStart[i]));
  warn?.(`session ${session.id} started from a journal that differs from the replay's own from record ${from + 1} (${have.length - from} replayed record(s) the live session never wrote, a crash): replaying on from the live journal`);
  journal.replaceTrades(atStart);
}
