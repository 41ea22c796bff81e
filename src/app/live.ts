import type { AppConfig } from "../config/schema.ts";
import { isoUtc } from "../domain/window.ts";
import type { Executor } from "../engine/engine.ts";
import { type IndexReading, PriceIndex, warmStart } from "../feeds/index.ts";
import { describeModel, describeStrategy } from "./banner.ts";
import { summaryBlock } from "./console-format.ts";
import { readKalshiCredentials } from "./kalshi-credentials.ts";
import { checkLiveGates, liveExecutor, settleForLimits, startLiveBroker } from "./kalshi-live.ts";
import { type OfficialSettlement, officialSettlement } from "./kalshi-settlement.ts";
import { type MarketChoice, chooseMarketSource, kalshiClient } from "./kalshi-setup.ts";
import type { RunLog } from "./run-log.ts";
import { TradingSession } from "./session.ts";

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
}

/** How the live run ended: 0 after a graceful stop, 1 when no price could be had, 2 for a gate. */
export type LiveExit = 0 | 1 | 2;

/** "coinbase live 64,123.45 (312 msgs) · kraken backoff (ECONNREFUSED)" */
export function sourcesLine(r: IndexReading): string {
  return r.sources
    .filter((s) => s.state !== "disabled")
    .map((s) => {
      const err = s.lastError && s.state !== "live" ? ` (${s.lastError})` : "";
      const price = s.price !== null && s.state === "live" ? ` ${s.price.toFixed(2)}` : "";
      return `${s.name} ${s.state}${price}${err}`;
    })
    .join(" · ");
}

function priceLine(r: IndexReading): string {
  if (r.price === null) return `no fresh price (${r.mode}); sources: ${sourcesLine(r)}`;
  return `${r.mode === "composite" ? "median of" : "from"} ${r.contributors.join(", ")} (${r.contributors.length}/${r.sources.filter((s) => s.state !== "disabled").length} sources)`;
}

/**
 * `npm start`: the live paper trader (or, with all three gates, the live one). Connects the
 * feeds, backfills recent history, finds the market, resumes the journal, then once a second
 * samples the index, forecasts, decides and (maybe) trades, printing a status block every
 * status interval, until asked to stop.
 */
export async function runLive(o: LiveOptions): Promise<LiveExit> {
  const { config, log } = o;
  const now = o.now ?? Date.now;
  const live = config.mode === "live";
  log.show((c) => c.bold(`btc15 — ${live ? c.red("LIVE TRADING (real money)") : "PAPER trading"} on Kalshi ${config.series}`));
  log.info(`mode       ${live ? "LIVE" : "PAPER"}`);
  log.info(`model      ${describeModel(config)}`);
  log.info(`strategy   ${describeStrategy(config)}`);
  log.info(`balance    $${config.balance.toFixed(2)} for a new journal; journal in ${config.dataDir}/`);
  log.info(`feeds      ${config.feeds.mode}: ${config.feeds.order.join(" → ")}`);
  log.info(`markets    ${config.markets}`);

  // Live orders need all three gates before anything connects.
  const credentials = readKalshiCredentials(o.env);
  if (live) {
    let confirmed = o.confirmLive;
    if (!confirmed && o.ask && credentials !== null) {
      confirmed = await o.ask(`Trade REAL money on Kalshi (limits: $${config.kalshi.live.maxPerOrder}/order, $${config.kalshi.live.maxDailyLoss} daily loss)? Type "yes": `);
    }
    checkLiveGates({ mode: config.mode, credentials, confirmed }); // throws, naming the missing gate(s)
  }

  let stopping = false;
  void o.stop.then(() => (stopping = true));

  // Feed events (connects, drops, reconnects, rejected prices) are log-file detail: the console
  // shows each source's state at start-up and in the status block instead.
  const index = new PriceIndex(config.feeds, { log: (level, msg) => log.debug(`feeds ${level}: ${msg}`) });
  index.start();
  const warm = await warmStart(config.feeds, { log: (_l, msg) => log.debug(`warm start: ${msg}`) });
  log.info(
    warm.seconds.length
      ? `warm start ${warm.seconds.length} s of history from ${warm.source} (to ${isoUtc(warm.seconds.at(-1)!.second + 1)})`
      : `warm start none (${warm.notes.join("; ") || "no history"}): warming up from live prices`,
  );

  // Wait for a first live price; report each source's fate either way.
  const deadline = now() + config.startupTimeoutSeconds * 1000;
  let reading = index.read(now());
  while (reading.price === null && now() < deadline && !stopping) {
    await new Promise((r) => setTimeout(r, 250));
    reading = index.read(now());
  }
  for (const s of reading.sources.filter((x) => x.state !== "disabled")) {
    log.info(`  ${s.name.padEnd(15)} ${s.transport.padEnd(4)} ${s.state}${s.price !== null ? ` ${s.price.toFixed(2)}` : ""}${s.lastError ? `  (${s.lastError})` : ""}`);
  }
  if (reading.price === null) {
    await index.stop();
    if (stopping) return 0;
    log.warn(`No price source could be reached within ${config.startupTimeoutSeconds} s (no network?). Nothing was traded.`);
    log.warn("Try `npm run demo` to see btc15 work offline on recorded prices, or `npx btc15 feeds` to diagnose the sources.");
    return 1;
  }
  log.info(`price      $${reading.price.toFixed(2)} ${priceLine(reading)}`);

  // The market: Kalshi's book when reachable (or asked for), the synthetic maker otherwise.
  let settlement: OfficialSettlement | null = null;
  const choice: MarketChoice = await chooseMarketSource(config.markets, {
    config,
    key: credentials,
    onError: (m) => log.debug(`kalshi: ${m}`),
    onLifecycle: (e) => {
      if (e.eventType === "determined") settlement?.watcher.hint(e.ticker);
    },
  });
  log.info(choice.description);
  if (live && choice.kind !== "kalshi") {
    await index.stop();
    log.warn("live trading needs Kalshi's market, and it could not be reached: not trading");
    return 1;
  }

  // Live orders: reconcile with the account, then route the engine's orders to Kalshi.
  let execute: Executor | undefined;
  let broker: Awaited<ReturnType<typeof startLiveBroker>>["broker"] | null = null;
  let session: TradingSession | null = null;
  if (live && credentials !== null) {
    const start = await startLiveBroker({ mode: config.mode, credentials, confirmed: true, client: kalshiClient(config, { key: credentials }), config, clock: { now } });
    broker = start.broker;
    log.show((c) => c.red(start.summary));
    execute = liveExecutor({ broker, complete: (ref, fill) => session?.engine.completeOrder(ref, fill), log: (l) => log.info(l) });
  }

  session = new TradingSession({
    config,
    dataDir: config.dataDir,
    market: choice.source,
    settlement: choice.kind === "kalshi" ? "official" : "proxy",
    log,
    fresh: false,
    maxCarrySeconds: Infinity,
    ...(execute ? { execute } : {}),
    listener: {
      onWindowClosed: (w) => settlement?.watchWindow(w.window),
      onSettlement: (r) => {
        if (broker !== null) settleForLimits(broker, r);
      },
    },
  });
  const engine = session.engine;
  const r = session.recovery;
  log.info(
    r.records
      ? `journal    resumed: ${r.records} records, balance $${r.balance.toFixed(2)}, ${r.openPositions} open position(s)${r.warnings.length ? `, ${r.warnings.length} warning(s)` : ""}`
      : `journal    new, starting balance $${config.balance.toFixed(2)}`,
  );
  if (choice.kind === "kalshi" && choice.kalshi !== null) {
    settlement = officialSettlement({ engine, client: choice.kalshi.client, config, clock: { now }, log: (l) => log.info(l) });
    settlement.watchOpenPositions();
    settlement.start();
  }
  choice.start();

  // Warm start: replay the backfill (no trades), then carry on with live seconds.
  engine.setReplaying(true);
  for (const p of warm.seconds) session.sampler.observe(p.second, p.price, p.exact);
  const firstLive = Math.floor(now() / 1000);
  session.sampler.advanceTo(Math.max(firstLive, (warm.seconds.at(-1)?.second ?? firstLive - 1) + 1));
  engine.setReplaying(false);
  log.show((c) => c.green(`ready — ${engine.forecaster.ready ? "forecasting now" : `warming up (${engine.history.size}/${engine.forecaster.historyNeeded} s of prices)`}`));

  // One step a second, just after each second ends; a status block on round times.
  const every = config.statusIntervalSeconds;
  let lastStatus = Math.floor(now() / 1000 / every) * every;
  let lastWarmupNote = 0;
  const tick = () => {
    const t = now();
    const second = Math.floor(t / 1000) - 1; // the second that just ended
    reading = index.read(t);
    if (reading.price !== null && !reading.stale) session!.sampler.observe(second, reading.price);
    session!.sampler.advanceTo(second + 1);
    const instant = second + 1;
    if (!engine.forecaster.ready && instant - lastWarmupNote >= 10) {
      lastWarmupNote = instant;
      log.info(`warming up: ${engine.history.size}/${engine.forecaster.historyNeeded} s of prices`);
    }
    if (instant >= lastStatus + every) {
      lastStatus = Math.floor(instant / every) * every;
      session!.status(instant, reading.price === null ? null : Math.round(reading.price * 100), priceLine(reading));
    }
  };
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    // 50 ms after the next whole second, so the second that ended is complete.
    timer = setTimeout(() => {
      if (stopping) return;
      tick();
      schedule();
    }, 1050 - (now() % 1000));
  };
  schedule();
  await o.stop;

  // Graceful stop: no new trades, close every connection, export, summarise.
  if (timer) clearTimeout(timer);
  engine.stopTrading();
  await Promise.all([index.stop(), choice.stop(), settlement?.stop()]);
  const csv = session.close();
  const c = engine.counters;
  const feedLines = reading.sources
    .filter((s) => s.state !== "disabled")
    .map((s) => {
      const problems = [s.reconnects && `${s.reconnects} reconnects`, s.parseErrors && `${s.parseErrors} parse errors`, s.rejected && `${s.rejected} prices rejected`, s.gaps && `${s.gaps} gaps`].filter(Boolean);
      return `  ${s.name.padEnd(15)} ${String(s.messages).padStart(7)} msgs${problems.length ? `, ${problems.join(", ")}` : ""}`;
    });
  const reasons = Object.entries(c.noTrade)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  log.show((p) =>
    summaryBlock(
      session!.summary,
      [
        `seconds         ${c.samples} sampled, ${c.forecasts} forecasts, ${c.windowsClosed} windows closed`,
        `no trade        ${reasons || "—"}`,
        ...(c.proxyCompared ? [`vs Kalshi       ${c.proxyDisagreements} of ${c.proxyCompared} official results disagreed with our proxy settlement`] : []),
        ...(engine.ordersPending ? [`pending         ${engine.ordersPending} live order(s) unanswered at exit`] : []),
        `exports         trades.csv (${csv.trades} rows), predictions.csv (${csv.predictions} rows) in ${config.dataDir}/`,
        ...(session!.summary.openPositions ? [`open positions  settle when you next start (the journal keeps them)`] : []),
        `feeds`,
        ...feedLines,
      ],
      p,
    ),
  );
  return 0;
}
