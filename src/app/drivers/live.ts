import { existsSync } from "node:fs";
import type { AppConfig } from "../../config/schema.ts";
import { type Scheduler, type Timer, systemScheduler } from "../../net/scheduler.ts";
import type { FileOps } from "../../store/file-ops.ts";
import { journalFiles } from "../../store/trade-journal.ts";
import { describeModel, describeStrategy, describeTotalLimits, modelCaveat } from "../console/banner.ts";
import { type Paint, type SummaryLine, noTradeText, summaryBlock } from "../console/console-format.ts";
import { Notices } from "../console/notices.ts";
import { count, plural, usdFromNumber } from "../console/number-style.ts";
import type { RunLog } from "../console/run-log.ts";
import type { DashboardServer } from "../dashboard/server.ts";
import { SecondPricer } from "../venue/index-pricing.ts";
import { ordersLine } from "../venue/kalshi-live.ts";
import { type MarketChoice, type PriceDigits, readPriceDigits } from "../venue/kalshi-market.ts";
import { bookKeyNotice, indexLine } from "../venue/kalshi-status.ts";
import { isoUtc } from "../../domain/window.ts";
import { type LiveFeeds, feedSummaryLines, priceLine, startFeeds } from "./live-feeds.ts";
import { type LiveKalshi, kalshiCountersLine, openKalshi } from "./live-kalshi.ts";
import { LiveSeconds, type LiveSeries } from "./live-seconds.ts";
import { TradingSessions } from "./sessions.ts";
import { JOURNAL_STOP_EXIT, journalDrain, journalStopLine, notJournaledLine } from "./journal-stop.ts";
import { seriesDir } from "../../store/series-layout.ts";
import { seriesSpec } from "../../domain/series.ts";
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

/** What a live run is made of once the markets are chosen. */
interface LiveRun {
  readonly sessions: TradingSessions;
  /** Every series, in the configuration's order. */
  readonly series: readonly LiveSeries[];
  readonly seconds: LiveSeconds;
  readonly feeds: LiveFeeds;
  readonly kalshi: LiveKalshi;
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
  const { index } = feeds;
  if (![...feeds.coins.values()].some((f) => f.first.price !== null)) {
    await index.stop();
    if (stopping) return 0;
    log.warn(`No price source could be reached within ${config.startupTimeoutSeconds} s (no network?). Nothing was traded.`);
    log.warn("Try `npm run demo` to see btc15 work offline on recorded prices,");
    log.warn("or `npx btc15 feeds` to diagnose the sources.");
    return 1;
  }
  if (feeds.coins.size === 1) {
    const { first } = feeds.coins.values().next().value!;
    log.show((c) => `${c.green("✓")} Current price: ${c.bold(usdFromNumber(first.price!))}  ${priceLine(first)}`);
  }

  // ETH, SOL and XRP strikes' rounding is UNCONFIRMED: their markets say it at the start.
  const none = { digits: {}, notes: [] as string[] };
  const digits = config.markets === "synthetic" ? none : await readPriceDigits(kalshi.client, config.series, scheduler.now()).catch(() => none);
  for (const n of digits.notes) log.warn(`series ${n}`);
  const choices = await kalshi.chooseMarkets(
    {
      onError: (m) => {
        log.debug(`kalshi: ${m}`);
        if (trading) notices.say(`kalshi ${m.replace(/\d+/g, "#")}`, m.startsWith("kalshi") ? m : `kalshi: ${m}`);
      },
      onGiveUp: (ticker) => log.warn(`kalshi: no official result for ${ticker} after ${Math.round(config.kalshi.resultGiveUpMs / 60_000)} min; its positions stay open until the next start`),
      onBookNeedsKey: () => log.warn(bookKeyNotice(config)),
      onIndexCheck: (c) => log.debug(`index ${isoUtc(c.close)}: ours ${c.oursCents ?? "?"} of ${c.count} values; Kalshi's final-minute ${c.finalCents ?? "?"} (${c.finalSize ?? "?"}), 60-s ${c.avg60Cents ?? "?"} (in the series' price units)`),
      onRoundDigits: (ticker, d) => log.warn(`kalshi: ${ticker}'s strike is rounded to ${d} decimals, finer than btc15 keeps for its series: restart to read it again (docs/series.md)`),
    },
    digits.digits,
  );
  const choice = choices[0]!;
  log.show((c) => (choice.kind === "kalshi" ? `${c.green("✓")} ${choice.description}` : choice.description));
  if (live && choice.kind !== "kalshi") {
    await index.stop();
    log.warn("live trading needs Kalshi's market, and it could not be reached: not trading");
    return 1;
  }

  const run = openSessions(o, scheduler, kalshi, choices, feeds, notices, live, digits.digits);
  trading = true;

  // Each second, just after it ends (a second with no tick is closed here). After a journal
  // failure: no new trades, and the run goes on while open positions await their results.
  const drained = journalDrain(run.sessions, config);
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
  return closeSessions(run, o, scheduler);
}

/**
 * Every series' session over the data directory (journals resumed, one recording opened), shown
 * on the dashboard and fed by its market and its coin's feed; each one's backfill and the ticks
 * that arrived meanwhile are replayed into it (no trades) up to the current second, and then it is live.
 */
function openSessions(o: LiveOptions, scheduler: Scheduler, kalshi: LiveKalshi, choices: readonly MarketChoice[], feeds: LiveFeeds, notices: Notices, live: boolean, digits: PriceDigits): LiveRun {
  const { config, log } = o;
  const choiceOf = new Map(config.series.map((s, i) => [s, choices[i]!]));
  let journalError: Error | null = null;
  let seconds: LiveSeconds | null = null;
  let opened: TradingSessions | null = null;
  const boards = new Map(
    config.series.map((s) => {
      const c = choiceOf.get(s)!;
      const board = o.dashboard?.attach({
        driver: "live",
        mode: live ? "live" : "paper",
        series: s,
        market: c.kind,
        prices: () => seconds?.readingOf(s) ?? feeds.coins.get(seriesSpec(s).coin)?.first ?? null,
        kalshi: () => (opened ? kalshiCountersLine(c, opened.of(s).market, config) : null),
      });
      return [s, board] as const;
    }),
  );
  const sessions: TradingSessions = (opened = new TradingSessions({
    config,
    rootDir: config.dataDir,
    market: (s) => choiceOf.get(s)!.market,
    settlement: (s) => (choiceOf.get(s)!.kind === "kalshi" ? "official" : "proxy"),
    log,
    fresh: false,
    maxCarrySeconds: Infinity,
    liveForMs: config.feeds.stalenessMs,
    live,
    scheduler,
    ...(o.disk ? { disk: o.disk } : {}),
    // Each order goes to its market's shard, as the market said (the start-up shard until then).
    orders: (s, door) => kalshi.orders(door, (ticker) => choiceOf.get(s)!.kalshi?.feed.market(ticker)?.exchangeIndex ?? null),
    ...(kalshi.account ? { venueExposure: (s: string) => kalshi.account!.bySeries[s]?.exposure } : {}),
    listeners: (s) => [{ onWindowClosed: (w) => choiceOf.get(s)!.watchResult(w.window.ticker, w.window.close) }, boards.get(s)?.listener],
    onJournalError: (_s, e) => (journalError ??= e),
    ...(config.recording.enabled ? { record: { market: choices[0]!.kind } } : {}),
    priceDigits: digits,
  }));
  if (sessions.recorder) {
    log.info(`recording  ${sessions.recorder.folder}/ (every event each engine takes, and raw ticks; --no-record turns it off)`);
    o.onRecording?.(sessions.recorder.folder);
  }
  const several = config.series.length > 1;
  const series: LiveSeries[] = [];
  for (const session of sessions.list) {
    const s = session.series;
    const choice = choiceOf.get(s)!;
    const feed = feeds.coins.get(session.coin)!;
    boards.get(s)?.follow(session.engine, seriesDir(config.dataDir, s));
    const r = session.recovery;
    const name = several ? `${s} ` : "";
    log.info(
      r.records
        ? `journal    ${name}resumed: ${plural(r.records, "record")}, balance ${usdFromNumber(r.balance)}, ${plural(r.openPositions, "open position")}${r.warnings.length ? `, ${plural(r.warnings.length, "warning")}` : ""}`
        : `journal    ${name}new, starting balance ${usdFromNumber(config.balance)}`,
    );
    for (const p of session.engine.account.positions.values()) choice.watchResult(p.ticker, p.windowClose);
    choice.start((e) => session.feed(e));

    // The median's ticks that arrived meanwhile go in with the warm-up; after it, through the pricer.
    let take = (ts: number, price: number) => session.sampler.tick(ts, price);
    warmUp(session, () => {
      for (const p of feed.warm.seconds) {
        if (p.mean !== undefined) session.sampler.mean(p.second + 1, p.mean);
        session.sampler.observe(p.second, p.price, p.exact);
      }
      feed.onComposite((ts, price) => take(ts, price));
      session.sampler.advanceTo(Math.floor(scheduler.now() / 1000));
    });
    // With a key, the settlement index prices the seconds while it is fresh; the exchange median otherwise.
    const indexId = choice.kalshi?.indexId ?? null;
    const pricer = new SecondPricer(session.sampler, { indexId: indexId ?? "", startSecond: Math.floor(scheduler.now() / 1000), staleMs: config.kalshi.index.staleMs, unitsPerDollar: 10 ** session.priceDigits });
    choice.kalshi?.onIndex((v, receivedMs) => {
      session.tick(`kalshi-${v.indexId}-${v.channel}`, v.value / 10_000, receivedMs, v.sourceMs);
      pricer.onIndex(v, receivedMs);
    });
    take = (ts, price) => pricer.onMedian(ts, price);
    series.push({ session, index: feed.index, choice, first: feed.first, pricer, indexId });
  }
  // Every source's raw price, for the recording, in its coin's session.
  const byCoin = new Map(sessions.list.map((s) => [s.coin, s]));
  feeds.index.onPrice((ts, price, source, coin) => byCoin.get(coin)?.tick(source, price, ts));
  log.show((c) => c.bold(c.green("SYSTEM READY - MONITORING FOR OPPORTUNITIES")));
  seconds = new LiveSeconds({
    config,
    log,
    scheduler,
    series,
    recorder: sessions.recorder,
    notices,
    ...(several ? { totalLine: (t: number, c: Paint) => sessions.totalLine(t, c) } : {}),
    broker: kalshi.broker,
    balanceWatch: kalshi.balanceWatch,
  });
  return { sessions, series, seconds, feeds, kalshi, journalError: () => journalError };
}

/** Graceful stop: no new trades, close every connection, export, summarise; the exit code. */
async function closeSessions(run: LiveRun, o: LiveOptions, scheduler: Scheduler): Promise<LiveExit> {
  const { config, log } = o;
  const { sessions } = run;
  for (const s of sessions.list) s.feed({ type: "stop", t: scheduler.now() });
  await Promise.all([run.feeds.index.stop(), ...run.series.map((s) => s.choice.stop()), run.kalshi.balanceWatch?.stop()]);
  let csv = { trades: 0, predictions: 0 };
  try {
    csv = await sessions.close();
  } catch (e) {
    log.warn(`could not write the CSV exports: ${(e as Error).message}`);
  }
  if (sessions.list.length === 1) log.show((p) => summaryBlock(sessions.list[0]!.summary, summaryLines(run, run.series[0]!, config, csv), p));
  else {
    for (const s of run.series) log.show((p) => summaryBlock(s.session.summary, summaryLines(run, s, config, null), p, `Performance summary: ${s.session.series}`));
    const totals: SummaryLine[] = [
      ...sessions.seriesSummaryLines(),
      ["exports", `trades.csv (${plural(csv.trades, "row")}), the open day's predictions CSV (${plural(csv.predictions, "row")}) in each series' folder of ${config.dataDir}/`],
      ...(run.kalshi.broker && ordersLine(run.kalshi.broker) ? [["live orders", ordersLine(run.kalshi.broker)!] as const] : []),
      ["feeds", "messages"],
      ...feedSummaryLines(run.seconds.reading),
    ];
    log.show((p) => summaryBlock(sessions.total, totals, p, "Performance summary: every series together"));
  }
  const failed = run.journalError();
  if (failed === null) return 0;
  log.warn(journalStopLine(sessions, config.dataDir, failed));
  return JOURNAL_STOP_EXIT;
}

function banner(config: AppConfig, log: RunLog): void {
  const live = config.mode === "live";
  log.show((c) => c.bold(`btc15 — ${live ? c.red("LIVE TRADING (real money)") : "PAPER trading"} on Kalshi ${config.series.join(", ")}`));
  log.info(`mode       ${live ? "LIVE" : "PAPER"}`);
  log.info(`model      ${describeModel(config)}`);
  const caveat = modelCaveat(config);
  if (caveat) log.info(`           ${caveat}`);
  log.info(`strategy   ${describeStrategy(config)}`);
  const total = describeTotalLimits(config);
  if (config.series.length > 1 || total !== null) log.info(`series     ${config.series.length === 1 ? "1" : `${config.series.length}, one engine each`}${total === null ? "" : `; ${total}`}`);
  // A journal already there is resumed with its own balance: the configured one is only a new journal's.
  const several = config.series.length > 1;
  for (const s of config.series) {
    const dir = seriesDir(config.dataDir, s);
    const where = several ? `${dir}/` : `${config.dataDir}/`;
    const legacy = s === config.series[0] && existsSync(journalFiles(config.dataDir).trades);
    if (existsSync(journalFiles(dir).trades) || legacy) log.info(`journal    ${where}: resumed with its own balance`);
    else log.info(`balance    ${usdFromNumber(config.balance)}, a new journal in ${where}`);
  }
  log.info(`feeds      ${config.feeds.mode}: ${config.feeds.order.join(" → ")}`);
  log.info(`markets    ${config.markets}`);
}

/** One series' summary lines beyond the account: seconds, no-trade reasons, exports, Kalshi, the index, live orders, the feeds. */
function summaryLines(run: LiveRun, one: LiveSeries, config: AppConfig, csv: { trades: number; predictions: number } | null): SummaryLine[] {
  const { seconds, kalshi } = run;
  const { session, choice, indexId, pricer } = one;
  const engine = session.engine;
  const c = engine.counters;
  const kalshiLine = kalshiCountersLine(choice, session.market, config);
  const settlementIndexLine = indexLine(indexId, pricer, engine.indexCheck, choice.kalshi?.averages ?? null, session.priceDigits);
  const ordersSummary = kalshi.broker ? ordersLine(kalshi.broker) : null;
  const reading = seconds.readingOf(session.series) ?? seconds.reading;
  const refusedTotal = c.refused.max_total_exposure + c.refused.max_total_daily_loss;
  return [
    ["seconds", `${count(c.samples)} sampled, ${plural(c.forecasts, "forecast")}, ${plural(c.windowsClosed, "window")} closed`],
    ["no trade", noTradeText(c.noTrade)],
    ...(refusedTotal ? [["total limits", `${plural(refusedTotal, "order")} refused by the limits on every series together`] as const] : []),
    ...(c.proxyCompared ? [["vs Kalshi", `${count(c.proxyDisagreements)} of ${plural(c.proxyCompared, "official result")} disagreed with our proxy settlement`] as const] : []),
    ...(engine.ordersPending ? [["pending", `${plural(engine.ordersPending, "live order")} unanswered at exit`] as const] : []),
    ...[notJournaledLine(engine.journalPending)].filter((l) => l !== null),
    ...(csv ? [["exports", `trades.csv (${plural(csv.trades, "row")}), the open day's predictions CSV (${plural(csv.predictions, "row")}) in ${seriesDir(config.dataDir, session.series)}/`] as const] : []),
    ...(session.summary.openPositions ? [["open positions", "settle when you next start (the journal keeps them)"] as const] : []),
    ...(kalshiLine ? [["kalshi", kalshiLine.replace(/^kalshi: /, "")] as const] : []),
    ...(settlementIndexLine ? [["index", settlementIndexLine.replace(/^index: /, "")] as const] : []),
    ...(ordersSummary && csv ? [["live orders", ordersSummary] as const] : []),
    ...(csv
      ? [["feeds", "messages"] as const, ...feedSummaryLines(reading)]
      : [["feeds", `${session.coin}: ${reading.sources.filter((x) => x.state !== "disabled").map((x) => `${x.name} ${count(x.prices)} price${x.prices === 1 ? "" : "s"}`).join(", ")}`] as const]),
  ];
}
