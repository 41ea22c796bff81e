import { existsSync } from "node:fs";
import type { AppConfig } from "../../config/schema.ts";
import type { EngineEvent } from "../../domain/events.ts";
import { type Scheduler, type Timer, systemScheduler } from "../../net/scheduler.ts";
import type { FileOps } from "../../store/file-ops.ts";
import { journalFiles } from "../../store/trade-journal.ts";
import { describeModel, describeStrategy } from "../console/banner.ts";
import { type SummaryLine, noTradeText, summaryBlock } from "../console/console-format.ts";
import { Notices } from "../console/notices.ts";
import { count, plural, usdFromNumber } from "../console/number-style.ts";
import type { RunLog } from "../console/run-log.ts";
import type { DashboardServer } from "../dashboard/server.ts";
import { SecondPricer } from "../venue/index-pricing.ts";
import { ordersLine } from "../venue/kalshi-live.ts";
import type { MarketChoice } from "../venue/kalshi-market.ts";
import { bookKeyNotice, indexLine } from "../venue/kalshi-status.ts";
import { isoUtc } from "../../domain/window.ts";
import { type LiveFeeds, feedSummaryLines, priceLine, startFeeds } from "./live-feeds.ts";
import { type LiveKalshi, kalshiCountersLine, openKalshi } from "./live-kalshi.ts";
import { LiveSeconds } from "./live-seconds.ts";
import { TradingSession } from "./session.ts";
import { warmUp } from "./warm-up.ts";

export { feedProblemsLine, priceSourceShort, sourcesLine } from "./live-feeds.ts";
export { kalshiCountersLine } from "./live-kalshi.ts";

export interface LiveOptions {
  readonly config: AppConfig;
  readonly log: RunLog;
  /** The environment, read once here: Kalshi's key id and key path. */
  readonly env: NodeJS.ProcessEnv;
  /** --confirm-live, or a yes at the interactive prompt. */
  readonly confirmLive: boolean;
  /** Asks the user (a terminal prompt); absent when there is no terminal. */
  readonly ask?: (question: string) => Promise<boolean>;
  /** Resolves when the user asks to stop (the first Ctrl+C). */
  readonly stop: Promise<unknown>;
  /** The one clock of the run: every timer and every time stamp (default the wall clock). */
  readonly scheduler?: Scheduler;
  /** The journal's and the recording's writes (a test's full disk); Node's by default. */
  readonly disk?: FileOps;
  /** The dashboard (--dashboard), already listening: the session is shown on it. */
  readonly dashboard?: DashboardServer;
  /** Told the session's recording folder once it is open (for the `btc15 replay` line at the end). */
  readonly onRecording?: (folder: string) => void;
}

/**
 * How the live run ended: 0 after a graceful stop, 1 when no price (or, for live orders, no
 * Kalshi) could be had, 3 when the trade journal could not be written (after settling what could be).
 */
export type LiveExit = 0 | 1 | 3;

/**
 * `npm start`: the live paper trader (or, with all three gates, the live one). Connects the
 * feeds, backfills recent history, finds the market, resumes the journal, then files each tick
 * under the second it arrived in; each second the engine forecasts, decides and (maybe) trades,
 * with a status block every status interval, until asked to stop, or until a journal that cannot
 * be written has settled what it could.
 */
export async function runLive(o: LiveOptions): Promise<LiveExit> {
  const { config, log } = o;
  const scheduler = o.scheduler ?? systemScheduler;
  const live = config.mode === "live";
  banner(config, log);
  const kalshi = await openKalshi({ config, log, env: o.env, confirmLive: o.confirmLive, scheduler, ...(o.ask ? { ask: o.ask } : {}) });
  try {
    return await trade(o, scheduler, kalshi, live);
  } finally {
    kalshi.close();
  }
}

/** What a live run is made of once the market is chosen. */
interface LiveRun {
  readonly session: TradingSession;
  readonly seconds: LiveSeconds;
  readonly choice: MarketChoice;
  readonly feeds: LiveFeeds;
  readonly kalshi: LiveKalshi;
  /** The settlement index's id, or null without a key; and what prices each second. */
  readonly indexId: string | null;
  readonly pricer: SecondPricer;
  /** The first journal write that failed, if one did. */
  journalError(): Error | null;
}

async function trade(o: LiveOptions, scheduler: Scheduler, kalshi: LiveKalshi, live: boolean): Promise<LiveExit> {
  const { config, log } = o;
  let stopping = false;
  let requestStop: () => void = () => {};
  const stopRequested = new Promise<void>((r) => (requestStop = r));
  void o.stop.then(() => {
    stopping = true;
    requestStop();
  });

  // Feed and Kalshi troubles show at once once trading, each kind at most once a minute per
  // source; all of them go to the log file.
  let trading = false;
  const notices = new Notices((l) => log.warn(l), 60_000, () => scheduler.now());
  const feeds = await startFeeds({
    config,
    log,
    scheduler,
    stopping: () => stopping,
    notice: (level, msg) => {
      if (trading && level !== "debug") notices.say(msg.replace(/\d+/g, "#"), `feeds: ${msg}`);
    },
  });
  const { index, first } = feeds;
  if (first.price === null) {
    await index.stop();
    if (stopping) return 0;
    log.warn(`No price source could be reached within ${config.startupTimeoutSeconds} s (no network?). Nothing was traded.`);
    log.warn("Try `npm run demo` to see btc15 work offline on recorded prices,");
    log.warn("or `npx btc15 feeds` to diagnose the sources.");
    return 1;
  }
  log.show((c) => `${c.green("✓")} Current price: ${c.bold(usdFromNumber(first.price!))}  ${priceLine(first)}`);

  const choice = await kalshi.chooseMarket({
    onError: (m) => {
      log.debug(`kalshi: ${m}`);
      if (trading) notices.say(`kalshi ${m.replace(/\d+/g, "#")}`, m.startsWith("kalshi") ? m : `kalshi: ${m}`);
    },
    onGiveUp: (ticker) => log.warn(`kalshi: no official result for ${ticker} after ${Math.round(config.kalshi.resultGiveUpMs / 60_000)} min; its positions stay open until the next start`),
    onBookNeedsKey: () => log.warn(bookKeyNotice(config)),
    onIndexCheck: (c) => log.debug(`index ${isoUtc(c.close)}: ours ${c.oursCents ?? "?"}¢ of ${c.count} values; Kalshi's final-minute ${c.finalCents ?? "?"}¢ (${c.finalSize ?? "?"}), 60-s ${c.avg60Cents ?? "?"}¢`),
  });
  log.show((c) => (choice.kind === "kalshi" ? `${c.green("✓")} ${choice.description}` : choice.description));
  if (live && choice.kind !== "kalshi") {
    await index.stop();
    log.warn("live trading needs Kalshi's market, and it could not be reached: not trading");
    return 1;
  }

  const run = openSession(o, scheduler, kalshi, choice, feeds, notices, live);
  trading = true;

  // Each second, just after it ends (a second with no tick is closed here). After a journal
  // failure: no new trades, and the run goes on while open positions await their results.
  const drained = journalDrain(run.session, config);
  let timer: Timer | null = null;
  const schedule = () => {
    timer = scheduler.after(1020 - (scheduler.now() % 1000), () => {
      if (stopping) return;
      run.seconds.tick();
      if (run.journalError() !== null && drained(Math.floor(scheduler.now() / 1000))) return requestStop();
      schedule();
    });
  };
  schedule();
  await stopRequested;
  stopping = true;
  (timer as Timer | null)?.cancel();
  return closeSession(run, o, scheduler);
}

/**
 * The session over the data directory (journal resumed, recording opened), shown on the dashboard
 * and fed by the market and the feeds; the backfill and the ticks that arrived meanwhile are
 * replayed into it (no trades) up to the current second, and then it is live.
 */
function openSession(o: LiveOptions, scheduler: Scheduler, kalshi: LiveKalshi, choice: MarketChoice, feeds: LiveFeeds, notices: Notices, live: boolean): LiveRun {
  const { config, log } = o;
  // Everything reaches the engine through the session's one door, orders' outcomes included.
  let door: (e: EngineEvent) => void = () => {};
  // Each order goes to its market's shard, as the market said (the start-up shard until then).
  const orders = kalshi.orders(
    (e) => door(e),
    (ticker) => choice.kalshi?.feed.market(ticker)?.exchangeIndex ?? null,
  );
  let journalError: Error | null = null;
  let seconds: LiveSeconds | null = null;
  let opened: TradingSession | null = null;
  const board = o.dashboard?.attach({ driver: "live", mode: live ? "live" : "paper", series: config.series, market: choice.kind, prices: () => seconds?.reading ?? feeds.first, kalshi: () => (opened ? kalshiCountersLine(choice, opened.market, config) : null) });
  const session: TradingSession = (opened = new TradingSession({
    config,
    dataDir: config.dataDir,
    market: choice.market,
    settlement: choice.kind === "kalshi" ? "official" : "proxy",
    log,
    fresh: false,
    maxCarrySeconds: Infinity,
    liveForMs: config.feeds.stalenessMs,
    live,
    scheduler,
    ...(o.disk ? { disk: o.disk } : {}),
    ...(orders ? { orders } : {}),
    ...(kalshi.account ? { venueExposure: kalshi.account.exposure } : {}),
    listeners: [{ onWindowClosed: (w) => choice.watchResult(w.window.ticker, w.window.close) }, board?.listener],
    onJournalError: (e) => (journalError ??= e),
    ...(config.recording.enabled ? { record: { market: choice.kind } } : {}),
  }));
  door = (e) => session.feed(e);
  if (session.recorder) {
    log.info(`recording  ${session.recorder.folder}/ (every event the engine takes, and raw ticks; --no-record turns it off)`);
    o.onRecording?.(session.recorder.folder);
  }
  feeds.index.onPrice((ts, price, source) => session.tick(source, price, ts));
  board?.follow(session.engine, config.dataDir);
  const r = session.recovery;
  log.info(
    r.records
      ? `journal    resumed: ${plural(r.records, "record")}, balance ${usdFromNumber(r.balance)}, ${plural(r.openPositions, "open position")}${r.warnings.length ? `, ${plural(r.warnings.length, "warning")}` : ""}`
      : `journal    new, starting balance ${usdFromNumber(config.balance)}`,
  );
  for (const p of session.engine.account.positions.values()) choice.watchResult(p.ticker, p.windowClose);
  choice.start(door);

  // The median's ticks that arrived meanwhile go in with the warm-up; after it, through the pricer.
  let take = (ts: number, price: number) => session.sampler.tick(ts, price);
  warmUp(session, () => {
    for (const p of feeds.warm.seconds) {
      if (p.mean !== undefined) session.sampler.mean(p.second + 1, p.mean);
      session.sampler.observe(p.second, p.price, p.exact);
    }
    feeds.onComposite((ts, price) => take(ts, price));
    session.sampler.advanceTo(Math.floor(scheduler.now() / 1000));
  });
  // With a key, the settlement index prices the seconds while it is fresh; the exchange median otherwise.
  const indexId = choice.kalshi?.indexId ?? null;
  const pricer = new SecondPricer(session.sampler, { indexId: indexId ?? "", startSecond: Math.floor(scheduler.now() / 1000), staleMs: config.kalshi.index.staleMs });
  choice.kalshi?.onIndex((v, receivedMs) => {
    session.tick(`kalshi-${v.indexId}-${v.channel}`, v.value / 10_000, receivedMs, v.sourceMs);
    pricer.onIndex(v, receivedMs);
  });
  take = (ts, price) => pricer.onMedian(ts, price);
  log.show((c) => c.bold(c.green("SYSTEM READY - MONITORING FOR OPPORTUNITIES")));
  seconds = new LiveSeconds({ config, log, scheduler, session, index: feeds.index, choice, notices, first: feeds.first, pricer, indexId, broker: kalshi.broker, balanceWatch: kalshi.balanceWatch });
  return { session, seconds, choice, feeds, kalshi, indexId, pricer, journalError: () => journalError };
}

/** Graceful stop: no new trades, close every connection, export, summarise; the exit code. */
async function closeSession(run: LiveRun, o: LiveOptions, scheduler: Scheduler): Promise<LiveExit> {
  const { config, log } = o;
  const { session, choice } = run;
  session.feed({ type: "stop", t: scheduler.now() });
  await Promise.all([run.feeds.index.stop(), choice.stop(), run.kalshi.balanceWatch?.stop()]);
  let csv = { trades: 0, predictions: 0 };
  try {
    csv = await session.close();
  } catch (e) {
    log.warn(`could not write the CSV exports: ${(e as Error).message}`);
  }
  log.show((p) => summaryBlock(session.summary, summaryLines(run, config, csv), p));
  const failed = run.journalError();
  if (failed === null) return 0;
  const pending = session.engine.journalPending;
  log.warn(
    `STOPPED: the trade journal ${journalFiles(config.dataDir).trades} could not be written (${failed.message}). ` +
      `Free space on its disk (or fix the error), then start again${pending ? `: the ${plural(pending, "record")} not written settle again then` : ""}.`,
  );
  return 3;
}

/** After every result is in, a disk that still refuses gets this long to take the records back. */
const JOURNAL_RETRY_SECONDS = 60;

/**
 * When a session whose journal failed has done what it still can: every open position's result
 * is in (or given up on), and the records are written, or the disk has refused them for
 * JOURNAL_RETRY_SECONDS more (they settle again at the next start).
 */
function journalDrain(session: TradingSession, config: AppConfig): (nowSeconds: number) => boolean {
  const giveUpSeconds = Math.ceil(config.kalshi.resultGiveUpMs / 1000);
  let resultsInAt: number | null = null;
  return (now) => {
    if (session.engine.awaitingSettlement(now - giveUpSeconds) > 0) {
      resultsInAt = null;
      return false;
    }
    resultsInAt ??= now;
    return session.engine.journalPending === 0 || now - resultsInAt >= JOURNAL_RETRY_SECONDS;
  };
}

function banner(config: AppConfig, log: RunLog): void {
  const live = config.mode === "live";
  log.show((c) => c.bold(`btc15 — ${live ? c.red("LIVE TRADING (real money)") : "PAPER trading"} on Kalshi ${config.series}`));
  log.info(`mode       ${live ? "LIVE" : "PAPER"}`);
  log.info(`model      ${describeModel(config)}`);
  log.info(`strategy   ${describeStrategy(config)}`);
  // A journal already there is resumed with its own balance: the configured one is only a new journal's.
  if (existsSync(journalFiles(config.dataDir).trades)) log.info(`journal    ${config.dataDir}/: resumed with its own balance`);
  else log.info(`balance    ${usdFromNumber(config.balance)}, a new journal in ${config.dataDir}/`);
  log.info(`feeds      ${config.feeds.mode}: ${config.feeds.order.join(" → ")}`);
  log.info(`markets    ${config.markets}`);
}

/** The final summary's lines beyond the account: seconds, no-trade reasons, exports, Kalshi, the index, live orders, the feeds. */
function summaryLines(run: LiveRun, config: AppConfig, csv: { trades: number; predictions: number }): SummaryLine[] {
  const { session, choice, seconds, indexId, pricer, kalshi } = run;
  const engine = session.engine;
  const c = engine.counters;
  const kalshiLine = kalshiCountersLine(choice, session.market, config);
  const settlementIndexLine = indexLine(indexId, pricer, engine.indexCheck, choice.kalshi?.averages ?? null);
  const ordersSummary = kalshi.broker ? ordersLine(kalshi.broker) : null;
  return [
    ["seconds", `${count(c.samples)} sampled, ${plural(c.forecasts, "forecast")}, ${plural(c.windowsClosed, "window")} closed`],
    ["no trade", noTradeText(c.noTrade)],
    ...(c.proxyCompared ? [["vs Kalshi", `${count(c.proxyDisagreements)} of ${plural(c.proxyCompared, "official result")} disagreed with our proxy settlement`] as const] : []),
    ...(engine.ordersPending ? [["pending", `${plural(engine.ordersPending, "live order")} unanswered at exit`] as const] : []),
    ...(engine.journalPending ? [["NOT JOURNALED", `${plural(engine.journalPending, "record")} could not be written (disk): they settle again at the next start`] as const] : []),
    ["exports", `trades.csv (${plural(csv.trades, "row")}), the open day's predictions CSV (${plural(csv.predictions, "row")}) in ${config.dataDir}/`],
    ...(session.summary.openPositions ? [["open positions", "settle when you next start (the journal keeps them)"] as const] : []),
    ...(kalshiLine ? [["kalshi", kalshiLine.replace(/^kalshi: /, "")] as const] : []),
    ...(settlementIndexLine ? [["index", settlementIndexLine.replace(/^index: /, "")] as const] : []),
    ...(ordersSummary ? [["live orders", ordersSummary] as const] : []),
    ["feeds", "messages"],
    ...feedSummaryLines(seconds.reading),
  ];
}
