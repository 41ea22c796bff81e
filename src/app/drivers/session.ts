import { join } from "node:path";
import { dollarsToMoney, moneyToDollars } from "../../domain/money.ts";
import type { AppConfig } from "../../config/schema.ts";
import type { EngineEvent } from "../../domain/events.ts";
import type { WindowRecord } from "../../domain/records.ts";
import { Account, type AccountSummary } from "../../engine/account.ts";
import type { Engine, EngineListener } from "../../engine/engine.ts";
import type { MarketSource } from "../../engine/market.ts";
import type { OrderPort } from "../../engine/orders.ts";
import type { Sampler } from "../../engine/sampler.ts";
import { type Scheduler, systemScheduler } from "../../net/scheduler.ts";
import type { FileOps } from "../../store/file-ops.ts";
import { exportCsv } from "../../store/export.ts";
import { type FreshStart, keepJournal, startAfresh } from "../../store/fresh-journal.ts";
import { removeStaleTemps } from "../../store/recovery.ts";
import { writeJsonAtomic } from "../../store/snapshot.ts";
import { FileJournal, journalFiles, loadTradeJournal } from "../../store/trade-journal.ts";
import { PLAIN, type StatusInput, settlementLine, statusBlock, statusLine, tradeSignalBlock } from "../console/console-format.ts";
import { contractPrice, count, plural, priceText, usd, usdFromUnits } from "../console/number-style.ts";
import type { TradeJournalRecord } from "../../domain/records.ts";
import { seriesSpec } from "../../domain/series.ts";
import type { Portfolio } from "../../engine/portfolio.ts";
import { type Core, type MarketSpec, buildCore } from "../core/builder.ts";
import { performanceSnapshot } from "../core/performance.ts";
import { SessionRecorder } from "../recording/recorder.ts";
import { recordRefusedWrites } from "../recording/refused-writes.ts";
import { VERSION } from "../core/version.ts";
import type { RunLog } from "../console/run-log.ts";

export interface SessionOptions {
  readonly config: AppConfig;
  /** The series this session trades (the configuration's first when absent). */
  readonly series?: string;
  /** Its price unit's decimals when the market said they are not the series table's. */
  readonly priceDigits?: number;
  /** This series' journal directory. */
  readonly dataDir: string;
  readonly market: MarketSpec;
  readonly settlement: "proxy" | "official";
  readonly log: RunLog;
  /** Start from an empty journal (the demo: only one it made itself, unless forced); otherwise (false) resume the one in dataDir. */
  readonly fresh: false | FreshStart;
  /** Longest silence carried forward (live: forever; replayed history: a gap). */
  readonly maxCarrySeconds: number;
  /** Live ticks: a silent second within this many ms of the last tick is not carried (see Sampler). */
  readonly liveForMs?: number;
  /** Live orders go here (and come back as order events); without it, paper fills. */
  readonly orders?: OrderPort;
  readonly live?: boolean;
  /** Exposure Kalshi reports in this series at start: what the journal does not hold counts against the limits. */
  readonly venueExposure?: number;
  /** The drivers' listeners (result watching, the dashboard), told after the session's own. */
  readonly listeners?: readonly (EngineListener | null | undefined)[];
  /** A journal write failed: the session stops trading; the driver decides when to stop. */
  readonly onJournalError?: (e: Error) => void;
  /** Record every event fed to the engine (and raw ticks, and refused journal writes) under `<dataDir>/sessions/`. */
  readonly record?: { readonly market: "kalshi" | "synthetic" };
  /**
   * The recording several series share (their sessions' events go in tagged with the series);
   * it belongs to whoever made it (TradingSessions), not to this session.
   */
  readonly recorder?: SessionRecorder;
  /** The other series' sessions of the process and the limits on all of them together. */
  readonly portfolio?: Portfolio;
  /** With several series: name this one on its status lines. */
  readonly label?: string;
  /** The clock: the recording's name and flushes, the stop event (default the wall clock). */
  readonly scheduler?: Scheduler;
  /** The journal's and the recording's writes (a test's full disk); Node's by default. */
  readonly disk?: FileOps;
}

export interface Recovery {
  readonly records: number;
  readonly warnings: readonly string[];
  readonly openPositions: number;
  readonly balance: number;
  readonly repairedTail: boolean;
}

/**
 * One trading session over a data directory: the journal (resumed or fresh), the core (engine and
 * the sampler in front of it), performance.json kept current, the session's recording, and the
 * console's trade and settlement lines. Everything reaches the engine through feed(): the live
 * runner and the demo drive it.
 */
export class TradingSession {
  readonly core: Core;
  readonly engine: Engine;
  readonly sampler: Sampler;
  readonly journal: FileJournal;
  readonly recovery: Recovery;
  /** The session's recording, when recording. */
  readonly recorder: SessionRecorder | null;
  readonly series: string;
  /** The coin ("BTC") and the series' price decimals (2 for BTC). */
  readonly coin: string;
  readonly priceDigits: number;
  /** The journal's records when the session opened (a shared recording's header holds each series'). */
  readonly journalAtStart: readonly TradeJournalRecord[];
  private readonly ownRecorder: boolean;
  private readonly scheduler: Scheduler;
  private readonly resumedAt: number | null;
  private closed = false;
  private stopFed = false;
  /** performance.json could not be written last time (said once). */
  private performanceFailing = false;

  constructor(private readonly o: SessionOptions) {
    if (o.fresh) startAfresh(o.dataDir, o.fresh);
    else keepJournal(o.dataDir);
    this.series = o.series ?? o.config.series[0]!;
    const spec = seriesSpec(this.series);
    this.coin = spec.coin;
    this.priceDigits = o.priceDigits ?? spec.priceDigits;
    this.scheduler = o.scheduler ?? systemScheduler;
    const loaded = loadTradeJournal(o.dataDir);
    this.journalAtStart = loaded.records;
    const account = Account.fromRecords(loaded.records, dollarsToMoney(o.config.balance));
    this.journal = new FileJournal(o.dataDir, { durable: true, predictions: o.config.engine.predictionEverySeconds > 0, predictionBuffer: 0, onWarning: (m) => o.log.warn(`journal: ${m}`), ...(o.disk ? { ops: o.disk } : {}) });
    this.ownRecorder = o.recorder === undefined && o.record !== undefined;
    this.recorder =
      o.recorder ??
      (o.record
        ? new SessionRecorder({
            dir: join(o.dataDir, "sessions"),
            rotate: o.config.recording.rotate,
            now: () => this.scheduler.now(),
            header: { btc15_version: VERSION, config: o.config, market: o.record.market, settlement: o.settlement, mode: o.live ? "live" : "paper", journal_at_start: loaded.records, series: [this.series], ...(o.priceDigits !== undefined ? { price_digits: { [this.series]: o.priceDigits } } : {}) },
            ...(o.disk ? { ops: o.disk } : {}),
          })
        : null);
    const recorder = this.recorder;
    // A shared recording names each event's series; a session's own holds only its series.
    const tag = o.recorder === undefined ? undefined : this.series;
    this.core = buildCore({
      config: o.config,
      series: this.series,
      ...(o.priceDigits !== undefined ? { priceDigits: o.priceDigits } : {}),
      ...(o.portfolio ? { portfolio: o.portfolio } : {}),
      market: o.market,
      settlement: o.settlement,
      journal: recorder ? recordRefusedWrites(this.journal, (f) => recorder.writeFailed(f, tag)) : this.journal,
      predictionEverySeconds: o.config.engine.predictionEverySeconds,
      live: o.live ?? false,
      account,
      ...(o.orders ? { orders: o.orders } : {}),
      ...(o.venueExposure ? { externalExposure: Math.max(0, o.venueExposure - account.summary().openCost) } : {}),
      sampler: { maxCarrySeconds: o.maxCarrySeconds, ...(o.liveForMs ? { liveForMs: o.liveForMs } : {}) },
      ...(recorder ? { onEvent: (e: EngineEvent) => recorder.event(e, tag) } : {}),
      listeners: [this.consoleLines(), ...(o.listeners ?? [])],
    });
    this.engine = this.core.engine;
    this.sampler = this.core.sampler;
    if (this.ownRecorder) this.recorder?.open();
    const s = account.summary();
    this.recovery = { records: loaded.records.length, warnings: loaded.warnings, openPositions: s.openPositions, balance: moneyToDollars(s.balance), repairedTail: this.journal.repairedTail !== null };
    const log = o.log;
    for (const w of loaded.warnings) log.warn(`journal: ${w}`);
    if (this.journal.repairedTail !== null) log.warn(`journal: an incomplete last line was set aside in ${journalFiles(o.dataDir).trades}.torn`);
    if (account.opened && account.startBalance !== dollarsToMoney(o.config.balance)) {
      log.warn(`this journal started with ${usd(account.startBalance)}; the configured balance applies only to a new data directory`);
    }
    // After a crash: performance.json may lag the journal, and interrupted writes leave temporaries.
    const temps = removeStaleTemps(o.dataDir);
    if (temps.length) log.warn(`journal: removed ${plural(temps.length, "temporary file")} left by interrupted writes`);
    this.resumedAt = loaded.records.at(-1)?.t ?? null;
    this.writePerformance();
  }

  /** The session's own listener: console lines, the recording flushed before a trade is told, performance.json. */
  private consoleLines(): EngineListener {
    const log = this.o.log;
    return {
      onTrade: (r) => {
        // What made the trade is on disk as soon as the trade is, before anyone is told.
        this.recorder?.flush(true);
        log.show((c, width) => tradeSignalBlock(r, c, width));
        this.writePerformance();
      },
      onSettlement: (r) => {
        this.recorder?.flush(true);
        log.show((c, width) => settlementLine(r, c, width));
        this.writePerformance();
      },
      onWindowClosed: (w) => {
        const price = (x: number | null) => (x === null ? "?" : usdFromUnits(x, this.priceDigits));
        log.debug(`window ${w.window.ticker} closed: strike ${price(w.strikeCents)} (${w.strikeCarried} carried) settlement ${price(w.settlementCents)} (${w.settlementCarried} carried)`);
      },
      onWindowResolved: (r) => {
        if (r.source === "proxy") log.debug(resultLine(r));
        else log.info(resultLine(r));
      },
      onGap: (from, to) => log.warn(`no prices from ${new Date(from * 1000).toISOString()} to ${new Date(to * 1000).toISOString()}: treated as a gap`),
      onJournalError: (e) => {
        log.warn(`JOURNAL WRITE FAILED: ${e.message}. No new trades; open positions settle as their results come, written as soon as the disk takes writes again.`);
        this.o.onJournalError?.(e);
      },
      // The venue's port shows the order as it goes on the wire; this is the engine's side of it.
      onOrderSent: (ref, contracts, limit, side) => log.debug(`live order ${ref}: sent, buy up to ${count(contracts)} ${side.toUpperCase()} at most ${contractPrice(limit)} each, immediate-or-cancel`),
      onOrderUnfilled: (ref, why) => log.info(`live order ${ref}: nothing filled${why ? ` (${why})` : ""}; the window's entry is free again`),
    };
  }

  /** A source's raw price, for the recording only (the engine takes the sampled seconds); `venueMs` when the source stamped it. */
  tick(source: string, price: number, receivedMs: number, venueMs?: number): void {
    const coin = this.coin === "BTC" ? {} : { c: this.coin };
    this.recorder?.tick(venueMs === undefined ? { type: "tick", s: source, p: price, r: receivedMs, ...coin } : { type: "tick", s: source, p: price, r: receivedMs, v: venueMs, ...coin });
  }

  /** The one door into the engine: every event the session learns (and records). */
  feed(e: EngineEvent): void {
    if (e.type === "stop") this.stopFed = true;
    this.core.feed(e);
  }

  /** The engine's market (Kalshi's books as learned, or the synthetic maker). */
  get market(): MarketSource {
    return this.core.market;
  }

  get summary(): AccountSummary {
    return this.engine.account.summary();
  }

  /**
   * The status for instant `nowSeconds`: one line, or the detailed block with consoleDetail. The
   * log file gets the block either way, so the details behind a line can always be looked up.
   */
  status(nowSeconds: number, priceCents: number | null, priceSources: string, extra: readonly string[] = [], source = priceSources): void {
    const input: StatusInput = {
      nowSeconds,
      account: this.summary,
      forecast: this.engine.lastForecast,
      idle: this.engine.lastIdle?.decision ?? null,
      priceCents,
      priceSources,
      source,
      pendingOrders: this.engine.ordersPending,
      extra,
      coin: this.coin,
      priceDigits: this.priceDigits,
      ...(this.o.label !== undefined ? { label: this.o.label } : {}),
    };
    if (this.o.config.consoleDetail) return this.o.log.show((c) => statusBlock(input, c));
    this.o.log.show((c, width) => statusLine(input, c, width));
    this.o.log.debug(statusBlock(input, PLAIN));
  }

  /** performance.json is a snapshot: failing to write it is a warning, never the end of trading. */
  writePerformance(): void {
    try {
      writeJsonAtomic(journalFiles(this.o.dataDir).performance, performanceSnapshot(this.summary, this.core.lastSecond ?? this.resumedAt));
      if (this.performanceFailing) this.o.log.info(`${journalFiles(this.o.dataDir).performance} written again`);
      this.performanceFailing = false;
    } catch (e) {
      // Said once until it is written again: a full disk would otherwise repeat it at every trade and settlement.
      if (!this.performanceFailing) this.o.log.warn(`${(e as Error).message} (the journal is unaffected; it is tried again at every change, quietly until it works)`);
      this.performanceFailing = true;
    }
  }

  /**
   * Stops new trades, writes performance.json, closes the journal and writes the CSV exports
   * (the open day's predictions only: earlier days were archived as they ended). Asynchronous, so a
   * second Ctrl+C is heard while it runs.
   */
  async close(): Promise<{ trades: number; predictions: number }> {
    if (this.closed) return { trades: 0, predictions: 0 };
    this.closed = true;
    // Recorded even when the journal had stopped the trading: a recording without it lost its end.
    if (!this.stopFed) this.feed({ type: "stop", t: this.scheduler.now() });
    this.writePerformance();
    if (this.ownRecorder) this.recorder?.close();
    try {
      this.journal.close();
      await this.journal.idle();
      const out = await exportCsv(this.o.dataDir);
      return { trades: out.trades, predictions: out.predictions };
    } catch (e) {
      this.o.log.warn((e as Error).message);
      return { trades: 0, predictions: 0 };
    }
  }
}

const centsText = (s: string | null) => (s === null ? "?" : priceText(s));

/** "KXBTC15M-…: Kalshi NO at $64,809.04 (strike $64,839.26); ours NO at $64,809.10: agree". */
export function resultLine(r: WindowRecord): string {
  if (r.source === "proxy") return `${r.ticker}: ours ${r.result?.toUpperCase() ?? "unknown"} at ${centsText(r.proxy_settlement_value)} (strike ${centsText(r.strike)})`;
  const official = `${r.source === "kalshi" ? "Kalshi" : r.source} ${r.result?.toUpperCase() ?? "?"} at ${centsText(r.settlement_value)} (strike ${centsText(r.strike)})`;
  if (r.proxy_result === null) return `${r.ticker}: ${official}; no reliable proxy settlement to compare`;
  const verdict = r.proxy_result === r.result ? "agree" : "DISAGREE";
  return `${r.ticker}: ${official}; ours ${r.proxy_result.toUpperCase()} at ${centsText(r.proxy_settlement_value)}: ${verdict}`;
}
