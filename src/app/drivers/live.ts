import { existsSync } from "node:fs";
import type { AppConfig } from "../../config/schema.ts";
import { isoUtc } from "../../domain/window.ts";
import type { OrderPort } from "../../engine/orders.ts";
import type { MarketSource } from "../../engine/market.ts";
import { VenueMarket } from "../../engine/venue-market.ts";
import { type IndexReading, PriceIndex, warmStart } from "../../feeds/index.ts";
import { describeModel, describeStrategy } from "../console/banner.ts";
import { type SummaryLine, noTradeText, summaryBlock } from "../console/console-format.ts";
import { withBoard } from "../dashboard/board.ts";
import type { DashboardServer } from "../dashboard/server.ts";
import { count, duration, plural, usdFromNumber } from "../console/number-style.ts";
import { readKalshiCredentials } from "../venue/kalshi-credentials.ts";
import { type LiveAccount, ShardBalanceWatch, checkLiveGates, liveBroker, liveOrderPort, liveSummary, ordersLine, readLiveAccount, shardShortfall } from "../venue/kalshi-live.ts";
import { SecondPricer } from "../venue/index-pricing.ts";
import { bookKeyNotice, indexLine, shownPrice } from "../venue/kalshi-status.ts";
import { UserError } from "../../domain/errors.ts";
import type { LiveBroker } from "../../kalshi/live-broker.ts";
import { type MarketChoice, chooseMarketSource, kalshiClient } from "../venue/kalshi-market.ts";
import { Notices } from "../console/notices.ts";
import { SOURCE_REPORT_MS, everySourceFailed, sourceReport, warmStartLine } from "./live-startup.ts";
import type { RunLog } from "../console/run-log.ts";
import { TradingSession } from "../core/session.ts";
import { journalFiles } from "../../store/trade-journal.ts";
import { warmUp } from "../core/warm-up.ts";

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
  readonly now?: () => number;
  /** The dashboard (--dashboard), already listening: the session is shown on it. */
  readonly dashboard?: DashboardServer;
  /** Told the session's recording folder once it is open (for the `btc15 replay` line at the end). */
  readonly onRecording?: (folder: string) => void;
}

/** How the live run ended: 0 after a graceful stop, 1 when no price could be had, 2 for a gate. */
export type LiveExit = 0 | 1 | 2;

/** "coinbase live $64,123.45 · kraken backoff (ECONNREFUSED)" */
export function sourcesLine(r: IndexReading): string {
  return r.sources
    .filter((s) => s.state !== "disabled")
    .map((s) => {
      const err = s.lastError && s.state !== "live" ? ` (${s.lastError})` : "";
      const price = s.price !== null && s.state === "live" ? ` ${usdFromNumber(s.price)}` : "";
      return `${s.name} ${s.state}${price}${err}`;
    })
    .join(" · ");
}

function priceLine(r: IndexReading): string {
  if (r.price === null) return `no fresh price (${r.mode}); sources: ${sourcesLine(r)}`;
  return `${r.mode === "composite" ? "median of" : "from"} ${r.contributors.join(", ")} (${r.contributors.length}/${r.sources.filter((s) => s.state !== "disabled").length} sources)`;
}

/** Where the price came from in a few words, for the one-line status: "median of 4/7", "coinbase", "none". */
export function priceSourceShort(r: IndexReading): string {
  if (r.price === null) return "none";
  if (r.mode !== "composite" || r.contributors.length === 1) return r.contributors.join(", ");
  return `median of ${r.contributors.length}/${r.sources.filter((s) => s.state !== "disabled").length}`;
}

/** Problems the feeds counted so far, or null: "feeds: kraken 2 reconnects · coinbase 1 gap". */
export function feedProblemsLine(r: IndexReading): string | null {
  const parts = r.sources
    .filter((s) => s.state !== "disabled")
    .map((s) => {
      const p = [s.reconnects && plural(s.reconnects, "reconnect"), s.parseErrors && plural(s.parseErrors, "parse error"), s.rejected && plural(s.rejected, "price") + " rejected", s.gaps && plural(s.gaps, "gap")].filter(Boolean);
      return p.length ? `${s.name} ${p.join(", ")}` : null;
    })
    .filter((x): x is string => x !== null);
  return parts.length ? `feeds: ${parts.join(" · ")}` : null;
}

/** Kalshi's counters, or null: requests, retries by cause, skipped levels, and why books gave no quote. */
export function kalshiCountersLine(choice: MarketChoice, market: MarketSource, config?: AppConfig): string | null {
  const k = choice.kalshi;
  if (k === null || !(market instanceof VenueMarket)) return null;
  if (k.feed.bookNeedsKey && config) return `kalshi: ${bookKeyNotice(config)}`;
  const c = k.client.counters;
  const v = market.counters;
  const retries = c.retries ? ` (${[c.rateLimited && `${count(c.rateLimited)}× 429`, c.serverErrors && `${count(c.serverErrors)}× 5xx`, c.timeouts && plural(c.timeouts, "timeout"), c.networkErrors && plural(c.networkErrors, "network error")].filter(Boolean).join(", ")})` : "";
  const misses = Object.entries(v.misses)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${why} ${count(n)}`)
    .join(", ");
  const ws = k.socket ? `, ws ${plural(k.socket.counters.reconnects, "reconnect")}, ${plural(k.socket.counters.seqGaps, "sequence gap")}` : "";
  return `kalshi: ${plural(c.requests, "request")}, ${plural(c.retries, "retry", "retries")}${retries}, ${count(c.failures)} failed; ${plural(v.books, "book")}, no quote: ${misses || "none"}; levels skipped ${count(k.feed.counters.badLevels)}, off-grid ${count(v.offGridLevels)}${ws}`;
}

/**
 * `npm start`: the live paper trader (or, with all three gates, the live one). Connects the
 * feeds, backfills recent history, finds the market, resumes the journal, then files each tick
 * under the second it arrived in; each second the engine forecasts, decides and (maybe) trades,
 * with a status block every status interval, until asked to stop.
 */
export async function runLive(o: LiveOptions): Promise<LiveExit> {
  const { config, log } = o;
  const now = o.now ?? Date.now;
  const clock = { now };
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

  // Live orders: check everything that can be checked (key file, key id, Kalshi accepting the
  // key) before asking the real-money question; nothing connects to the feeds before that.
  const credentials = readKalshiCredentials(o.env, config.kalshi.env);
  let account: LiveAccount | null = null;
  let grant: ReturnType<typeof checkLiveGates> | null = null;
  if (live) {
    if (credentials === null) checkLiveGates({ mode: config.mode, credentials, confirmed: o.confirmLive, kalshiEnv: config.kalshi.env }); // throws, naming the missing gate(s)
    const probe = kalshiClient(config, { key: credentials, clock });
    try {
      account = await readLiveAccount(probe, config.series, now());
    } finally {
      probe.close();
    }
    // Collateral is per exchange shard: refuse before the question when the series' shard cannot pay for an order.
    const short = shardShortfall(config, account);
    if (short !== null) throw new UserError(short);
    let confirmed = o.confirmLive;
    if (!confirmed && o.ask) confirmed = await o.ask(`Trade REAL money on Kalshi (limits: ${usdFromNumber(config.kalshi.live.maxPerOrder)}/order, ${usdFromNumber(config.kalshi.live.maxDailyLoss)} daily loss)? Type "yes": `);
    grant = checkLiveGates({ mode: config.mode, credentials, confirmed, kalshiEnv: config.kalshi.env });
  }

  let stopping = false;
  let requestStop: () => void = () => {};
  const stopRequested = new Promise<void>((r) => (requestStop = r));
  void o.stop.then(() => {
    stopping = true;
    requestStop();
  });

  // Feed events (drops, hung sockets killed, reconnects) show at once once trading, each kind
  // at most once a minute per source; all of them go to the log file.
  let trading = false;
  const notices = new Notices((l) => log.warn(l), 60_000, now);
  const index = new PriceIndex(config.feeds, {
    now,
    log: (level, msg) => {
      log.debug(`feeds ${level}: ${msg}`);
      if (trading && level !== "debug") notices.say(msg.replace(/\d+/g, "#"), `feeds: ${msg}`);
    },
  });
  // Ticks are stamped on arrival from the start; until the session exists they wait here.
  let onTick: (tsMs: number, price: number) => void;
  const early: [number, number][] = [];
  onTick = (ts, price) => early.push([ts, price]);
  index.onComposite((ts, price) => onTick(ts, price));
  index.start();
  // The warm start's history is fetched while the sources connect: neither waits for the other.
  const warming = warmStart(config.feeds, { now, log: (_l, msg) => log.debug(`warm start: ${msg}`) });

  // Wait for a first live price. Without one, each source's fate is shown within a few seconds
  // (at once when all have failed); then the runner keeps trying, quietly, until the timeout.
  const deadline = now() + config.startupTimeoutSeconds * 1000;
  const reportAt = now() + SOURCE_REPORT_MS;
  let reported = false;
  let reading = index.read(now());
  while (reading.price === null && now() < deadline && !stopping) {
    if (!reported && (now() >= reportAt || everySourceFailed(reading))) {
      reported = true;
      const r = reading;
      log.show((c) => sourceReport(r, c, config.startupTimeoutSeconds));
      for (const s of r.sources) if (s.lastError) log.debug(`feeds: ${s.name}: ${s.lastError}`);
    }
    await new Promise((r) => setTimeout(r, 250));
    reading = index.read(now());
  }
  // REST answers first; give sockets still connecting a moment, so the lines below say what connected.
  const grace = Math.min(deadline, now() + 3000);
  while (reading.price !== null && reading.sources.some((s) => s.state === "connecting" && s.lastError === null) && now() < grace && !stopping) {
    await new Promise((r) => setTimeout(r, 100));
    reading = index.read(now());
  }
  if (reading.price === null) {
    const [, unused] = await Promise.all([index.stop(), warming]); // the warm start gives up on its own timeout
    for (const note of unused.notes) log.debug(`warm start: ${note}`);
    if (stopping) return 0;
    const r = reading;
    if (!reported) log.show((c) => sourceReport(r, c, null));
    log.warn(`No price source could be reached within ${config.startupTimeoutSeconds} s (no network?). Nothing was traded.`);
    log.warn("Try `npm run demo` to see btc15 work offline on recorded prices,");
    log.warn("or `npx btc15 feeds` to diagnose the sources.");
    return 1;
  }
  const connected = reading;
  log.show((c) => sourceReport(connected, c, null));
  const warm = await warming;
  log.info(warmStartLine(warm));
  for (const note of warm.notes) log.debug(`warm start: ${note}`);
  const first = reading;
  log.show((c) => `${c.green("✓")} Current price: ${c.bold(usdFromNumber(first.price!))}  ${priceLine(first)}`);

  // The market: Kalshi's book when reachable (or asked for), the synthetic maker otherwise.
  const choice: MarketChoice = await chooseMarketSource(config.markets, {
    config,
    key: credentials,
    clock,
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

  // Live orders go to Kalshi; their outcomes come back through the session's one door.
  let orders: OrderPort | undefined;
  let session: TradingSession | null = null;
  let broker: LiveBroker | null = null;
  let balanceWatch: ShardBalanceWatch | null = null;
  if (grant !== null && account !== null) {
    const liveClient = kalshiClient(config, { key: credentials, clock });
    broker = liveBroker(grant, liveClient, config);
    log.show((c) => c.red(liveSummary(config, account!)));
    // Each order goes to its market's shard, as the market said (the start-up shard until then).
    const shardOf = (ticker: string) => choice.kalshi?.feed.market(ticker)?.exchangeIndex ?? account!.shard;
    orders = liveOrderPort(broker, (e) => session?.feed(e), clock, (l) => log.info(l), shardOf);
    balanceWatch = new ShardBalanceWatch(liveClient, account, config.statusIntervalSeconds * 1000, config.kalshi.backoff.maxMs);
    balanceWatch.start();
  }

  const board = o.dashboard?.attach({ driver: "live", mode: live ? "live" : "paper", series: config.series, market: choice.kind, prices: () => reading, kalshi: () => (session ? kalshiCountersLine(choice, session.market, config) : null) });
  session = new TradingSession({
    config,
    dataDir: config.dataDir,
    market: choice.market,
    settlement: choice.kind === "kalshi" ? "official" : "proxy",
    log,
    fresh: false,
    maxCarrySeconds: Infinity,
    liveForMs: config.feeds.stalenessMs,
    live,
    ...(orders ? { orders } : {}),
    ...(account ? { venueExposure: account.exposure } : {}),
    listener: withBoard({ onWindowClosed: (w) => choice.watchResult(w.window.ticker, w.window.close) }, board),
    onJournalError: () => requestStop(),
    ...(config.recording.enabled ? { record: { market: choice.kind, now } } : {}),
  });
  if (session.recorder) {
    log.info(`recording  ${session.recorder.folder}/ (every event the engine takes, and raw ticks; --no-record turns it off)`);
    o.onRecording?.(session.recorder.folder);
  }
  index.onPrice((ts, price, source) => session?.tick(source, price, ts));
  board?.follow(session.engine, config.dataDir);
  const engine = session.engine;
  const r = session.recovery;
  log.info(
    r.records
      ? `journal    resumed: ${plural(r.records, "record")}, balance ${usdFromNumber(r.balance)}, ${plural(r.openPositions, "open position")}${r.warnings.length ? `, ${plural(r.warnings.length, "warning")}` : ""}`
      : `journal    new, starting balance ${usdFromNumber(config.balance)}`,
  );
  for (const p of engine.account.positions.values()) choice.watchResult(p.ticker, p.windowClose);
  const feed = (e: Parameters<TradingSession["feed"]>[0]) => session!.feed(e);
  choice.start(feed);

  // Warm start: the backfill and the ticks that arrived meanwhile fill the buffers (no trades),
  // up to the current second; then live.
  const current = session;
  warmUp(current, () => {
    for (const p of warm.seconds) {
      if (p.mean !== undefined) current.sampler.mean(p.second + 1, p.mean);
      current.sampler.observe(p.second, p.price, p.exact);
    }
    for (const [ts, price] of early) current.sampler.tick(ts, price);
    early.length = 0;
    current.sampler.advanceTo(Math.floor(now() / 1000));
  });
  // With a key, the settlement index prices the seconds while it is fresh; the exchange median otherwise.
  const indexId = choice.kalshi?.indexId ?? null;
  const pricer = new SecondPricer(current.sampler, { indexId: indexId ?? "", startSecond: Math.floor(now() / 1000), staleMs: config.kalshi.index.staleMs });
  choice.kalshi?.onIndex((v, receivedMs) => {
    current.tick(`kalshi-${v.indexId}-${v.channel}`, v.value / 10_000, receivedMs, v.sourceMs);
    pricer.onIndex(v, receivedMs);
  });
  onTick = (ts, price) => pricer.onMedian(ts, price);
  trading = true;
  log.show((c) => c.bold(c.green("SYSTEM READY - MONITORING FOR OPPORTUNITIES")));
  // The forecaster needs historyNeeded seconds of prices; the warm start usually gives them all.
  const warmingUp = () => `Warming up... ${count(engine.history.size)}/${count(engine.forecaster.historyNeeded)} prices (forecasts start in about ${duration(engine.forecaster.historyNeeded - engine.history.size)})`;
  if (!engine.forecaster.ready) log.info(warmingUp());

  // Each second: close the second that ended (if no tick of the next one did), watch the kill
  // switch, and print the status on round times.
  const every = config.statusIntervalSeconds;
  let lastStatus = Math.floor(now() / 1000 / every) * every;
  let lastWarmupNote = Math.floor(now() / 1000); // the note at ready was the first
  let warmedUp = engine.forecaster.ready;
  let killSwitch = false;
  let sourcesDown = false;
  const killFile = config.kalshi.live.killSwitchFile;
  const tick = () => {
    const t = now();
    const instant = Math.floor(t / 1000);
    reading = index.read(t);
    // With a key the settlement index can price the seconds while every exchange is down.
    if ((reading.price === null && pricer.mode !== "index") !== sourcesDown) {
      sourcesDown = !sourcesDown;
      if (sourcesDown) log.warn(`ALL PRICE SOURCES DOWN at ${isoUtc(instant)}: ${sourcesLine(reading)}; no trades until a price returns`);
      else log.warn(`price sources back: ${priceLine(reading)}`);
    }
    const kill = existsSync(killFile);
    if (kill !== killSwitch) {
      killSwitch = kill;
      current.feed({ type: "kill_switch", t, on: kill });
      log.warn(kill ? `kill switch ON (${killFile} exists): no new orders` : `kill switch off (${killFile} removed): orders allowed again`);
    }
    pricer.onClock(t);
    current.recorder?.flush();
    const recordingError = current.recorder?.takeError();
    if (recordingError) notices.say("recording", `${recordingError}: the recording has a hole; trading goes on`);
    if (!warmedUp && engine.forecaster.ready) {
      warmedUp = true;
      log.show((c) => `${c.green("✓")} Warmed up: ${count(engine.history.size)} prices; forecasting now`);
    } else if (!warmedUp && instant - lastWarmupNote >= 10) {
      lastWarmupNote = instant;
      log.info(warmingUp());
    }
    if (instant >= lastStatus + every) {
      lastStatus = Math.floor(instant / every) * every;
      const liveBits = [balanceWatch?.line(), broker ? ordersLine(broker) : null].filter((x): x is string => !!x).join("; ");
      const extra = [feedProblemsLine(reading), kalshiCountersLine(choice, current.market, config), indexLine(indexId, pricer, engine.indexCheck, choice.kalshi?.averages ?? null), liveBits ? `live: ${liveBits}` : null].filter((x): x is string => x !== null);
      const shown = shownPrice(indexId === null ? null : pricer, indexId, { price: reading.price, short: priceSourceShort(reading) });
      current.status(instant, shown.price === null ? null : Math.round(shown.price * 100), priceLine(reading), extra, shown.short);
    }
  };
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    // Just after the next whole second: a second with no tick is closed here.
    timer = setTimeout(() => {
      if (stopping) return;
      tick();
      schedule();
    }, 1020 - (now() % 1000));
  };
  schedule();
  await stopRequested;
  stopping = true;

  // Graceful stop: no new trades, close every connection, export, summarise.
  if (timer) clearTimeout(timer);
  current.feed({ type: "stop", t: now() });
  await Promise.all([index.stop(), choice.stop(), balanceWatch?.stop()]);
  let csv = { trades: 0, predictions: 0 };
  try {
    csv = await current.close();
  } catch (e) {
    log.warn(`could not write the CSV exports: ${(e as Error).message}`);
  }
  const c = engine.counters;
  const feedLines = reading.sources
    .filter((s) => s.state !== "disabled")
    .map((s) => {
      const problems = [s.reconnects && plural(s.reconnects, "reconnect"), s.parseErrors && plural(s.parseErrors, "parse error"), s.rejected && plural(s.rejected, "price") + " rejected", s.gaps && plural(s.gaps, "gap")].filter(Boolean);
      return `  ${s.name.padEnd(15)} ${count(s.messages).padStart(9)} msgs${problems.length ? `, ${problems.join(", ")}` : ""}`;
    });
  const kalshiLine = kalshiCountersLine(choice, current.market, config);
  const settlementIndexLine = indexLine(indexId, pricer, engine.indexCheck, choice.kalshi?.averages ?? null);
  const ordersSummary = broker ? ordersLine(broker) : null;
  const extra: SummaryLine[] = [
    ["seconds", `${count(c.samples)} sampled, ${plural(c.forecasts, "forecast")}, ${plural(c.windowsClosed, "window")} closed`],
    ["no trade", noTradeText(c.noTrade)],
    ...(c.proxyCompared ? [["vs Kalshi", `${count(c.proxyDisagreements)} of ${plural(c.proxyCompared, "official result")} disagreed with our proxy settlement`] as const] : []),
    ...(engine.ordersPending ? [["pending", `${plural(engine.ordersPending, "live order")} unanswered at exit`] as const] : []),
    ...(engine.journalPending ? [["NOT JOURNALED", `${plural(engine.journalPending, "record")} could not be written (disk): they settle again at the next start`] as const] : []),
    ["exports", `trades.csv (${plural(csv.trades, "row")}), the open day's predictions CSV (${plural(csv.predictions, "row")}) in ${config.dataDir}/`],
    ...(current.summary.openPositions ? [["open positions", "settle when you next start (the journal keeps them)"] as const] : []),
    ...(kalshiLine ? [["kalshi", kalshiLine.replace(/^kalshi: /, "")] as const] : []),
    ...(settlementIndexLine ? [["index", settlementIndexLine.replace(/^index: /, "")] as const] : []),
    ...(ordersSummary ? [["live orders", ordersSummary] as const] : []),
    ["feeds", "messages"],
    ...feedLines,
  ];
  log.show((p) => summaryBlock(current.summary, extra, p));
  return 0;
}
