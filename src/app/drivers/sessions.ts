import { join } from "node:path";
import { totalLimits } from "../../config/engine-config.ts";
import type { AppConfig } from "../../config/schema.ts";
import type { EngineEvent } from "../../domain/events.ts";
import type { TradeJournalRecord } from "../../domain/records.ts";
import { formatUsd } from "../../domain/money.ts";
import { seriesSpec } from "../../domain/series.ts";
import type { AccountSummary } from "../../engine/account.ts";
import type { EngineListener } from "../../engine/engine.ts";
import type { OrderPort } from "../../engine/orders.ts";
import { Portfolio } from "../../engine/portfolio.ts";
import { type Scheduler, systemScheduler } from "../../net/scheduler.ts";
import type { FileOps } from "../../store/file-ops.ts";
import { type FreshStart, keepJournal, startAfresh } from "../../store/fresh-journal.ts";
import { migrateLegacyJournal, seriesDir } from "../../store/series-layout.ts";
import type { Paint, SummaryLine } from "../console/console-format.ts";
import { count, plural, signedUsd, usd } from "../console/number-style.ts";
import type { RunLog } from "../console/run-log.ts";
import type { MarketSpec } from "../core/builder.ts";
import { VERSION } from "../core/version.ts";
import { totalSummary } from "../core/account-view.ts";
import { SessionRecorder } from "../recording/recorder.ts";
import type { PriceDigits } from "../venue/kalshi-market.ts";
import { TradingSession } from "./session.ts";

export interface SessionsOptions {
  readonly config: AppConfig;
  /** The data directory: each series journals in its own folder under it, the recording goes in `sessions/`. */
  readonly rootDir: string;
  /** Each series' market (Kalshi's books, the synthetic maker). */
  readonly market: (series: string) => MarketSpec;
  readonly settlement: (series: string) => "proxy" | "official";
  readonly log: RunLog;
  /** Start every series' journal afresh (the demo); otherwise resume them (moving a journal of the old layout into its series' folder first). */
  readonly fresh: false | FreshStart;
  readonly maxCarrySeconds: number;
  readonly liveForMs?: number;
  /** Live orders of each series (an order port each, one broker behind them). */
  readonly orders?: (series: string, door: (e: EngineEvent) => void) => OrderPort | undefined;
  readonly live?: boolean;
  /** Exposure Kalshi reports in each series at start. */
  readonly venueExposure?: (series: string) => number | undefined;
  /** Each series' drivers' listeners. */
  readonly listeners?: (series: string) => readonly (EngineListener | null | undefined)[];
  readonly onJournalError?: (series: string, e: Error) => void;
  /** Record every series' events in one recording under `<rootDir>/sessions/`. */
  readonly record?: { readonly market: "kalshi" | "synthetic" };
  /** A series' price decimals when the market said they are not the series table's. */
  readonly priceDigits?: PriceDigits;
  readonly scheduler?: Scheduler;
  readonly disk?: FileOps;
}

/**
 * The trading sessions of one process: one per configured series, each with its own journal
 * (`<root>/<SERIES>/`), engine and limits, all seen together by one portfolio (the limits on every
 * series at once) and recorded in one recording whose event lines name their series. Today's
 * single-series data directory keeps working: its journal is moved into its series' folder first.
 */
export class TradingSessions {
  readonly list: readonly TradingSession[];
  readonly portfolio: Portfolio;
  readonly recorder: SessionRecorder | null;
  private readonly by = new Map<string, TradingSession>();
  private readonly scheduler: Scheduler;
  private closed = false;
  private firstJournalError: Error | null = null;

  constructor(private readonly o: SessionsOptions) {
    const { config, log } = o;
    this.scheduler = o.scheduler ?? systemScheduler;
    if (o.fresh) startAfresh(o.rootDir, o.fresh);
    else {
      keepJournal(o.rootDir);
      const moved = migrateLegacyJournal(o.rootDir, config.series[0]!);
      if (moved !== null) log.warn(`journal: moved the journal of ${o.rootDir}/ (${plural(moved.records, "record")}: ${moved.moved.join(", ")}) into ${moved.to}/, where ${moved.series} journals now`);
    }
    this.portfolio = new Portfolio(totalLimits(config, o.live ?? false));
    const several = config.series.length > 1;
    // The recording is made first and opened once every series' journal is in its header.
    const journals: Record<string, TradeJournalRecord[]> = {};
    this.recorder = o.record
      ? new SessionRecorder({
          dir: join(o.rootDir, "sessions"),
          rotate: config.recording.rotate,
          now: () => this.scheduler.now(),
          header: {
            btc15_version: VERSION,
            config,
            market: o.record.market,
            settlement: o.settlement(config.series[0]!),
            mode: o.live ? "live" : "paper",
            series: config.series,
            journals_at_start: journals,
            ...(o.priceDigits && Object.keys(o.priceDigits).length ? { price_digits: o.priceDigits } : {}),
          },
          ...(o.disk ? { ops: o.disk } : {}),
        })
      : null;
    const sessions: TradingSession[] = [];
    for (const series of config.series) {
      let door: (e: EngineEvent) => void = () => {};
      const orders = o.orders?.(series, (e) => door(e));
      const exposure = o.venueExposure?.(series);
      const digits = o.priceDigits?.[series];
      const session = new TradingSession({
        config,
        series,
        dataDir: seriesDir(o.rootDir, series),
        market: o.market(series),
        settlement: o.settlement(series),
        log,
        fresh: o.fresh ? { ...o.fresh, force: true } : false,
        maxCarrySeconds: o.maxCarrySeconds,
        ...(o.liveForMs ? { liveForMs: o.liveForMs } : {}),
        ...(orders ? { orders } : {}),
        ...(o.live ? { live: true } : {}),
        ...(exposure ? { venueExposure: exposure } : {}),
        ...(o.listeners ? { listeners: o.listeners(series) } : {}),
        onJournalError: (e: Error) => {
          this.firstJournalError ??= e;
          o.onJournalError?.(series, e);
        },
        ...(digits !== undefined ? { priceDigits: digits } : {}),
        ...(this.recorder ? { recorder: this.recorder } : {}),
        portfolio: this.portfolio,
        ...(several ? { label: seriesSpec(series).coin } : {}),
        scheduler: this.scheduler,
        ...(o.disk ? { disk: o.disk } : {}),
      });
      door = (e) => session.feed(e);
      journals[series] = [...session.journalAtStart];
      sessions.push(session);
      this.by.set(series, session);
    }
    this.recorder?.open();
    this.list = sessions;
  }

  /** The first journal write that failed in any series, if one did: the run takes no new trade from then on. */
  get journalError(): Error | null {
    return this.firstJournalError;
  }

  /** The session of `series`; throws for a series not configured. */
  of(series: string): TradingSession {
    const s = this.by.get(series);
    if (s === undefined) throw new RangeError(`no session for ${series}`);
    return s;
  }

  /** Every series' account added up (start balances, balance, P&L, trades, open cost…). */
  get total(): AccountSummary {
    return totalSummary(this.list.map((s) => s.summary));
  }

  /** The line under the series' status lines: every series together, and the limits on all of them. */
  totalLine(nowSeconds: number, c: Paint): string {
    const t = this.total;
    const l = this.portfolio.limits;
    const open = this.portfolio.openExposure();
    const limits = [l.maxOpenExposure === null ? null : `open ${usd(open)}/${formatUsd(l.maxOpenExposure)}`, l.maxDailyLoss === null ? null : `day ${signedUsd(this.portfolio.dayPnl(nowSeconds))}/-${formatUsd(l.maxDailyLoss)}`].filter((x) => x !== null);
    const pnl = (t.pnl >= 0 ? c.green : c.red)(signedUsd(t.pnl));
    return `${c.dim(`${new Date(nowSeconds * 1000).toISOString().slice(11, 19)} UTC`)}  ${c.cyan("ALL")}  Balance: ${c.bold(usd(t.balance))} | P&L: ${pnl} | Trades: ${count(t.trades)}${t.openPositions ? ` (${count(t.openPositions)} open)` : ""}${limits.length ? ` | Limits: ${limits.join(", ")}` : ""}`;
  }

  /** The summary's lines beyond the total account: one per series. */
  seriesSummaryLines(): SummaryLine[] {
    if (this.list.length < 2) return [];
    return [
      ["series", `${this.list.length}: ${this.list.map((s) => s.series).join(", ")}`],
      ...this.list.map((s): SummaryLine => {
        const a = s.summary;
        const settled = a.wins + a.losses;
        return [`  ${s.series}`, `balance ${usd(a.balance)}, P&L ${signedUsd(a.pnl)}, ${plural(a.trades, "trade")} (won ${count(a.wins)}, lost ${count(a.losses)}${a.openPositions ? `, ${count(a.openPositions)} open` : ""}), win rate ${settled ? `${((a.wins / settled) * 100).toFixed(1)}%` : "—"}, fees ${usd(a.fees)}`];
      }),
    ];
  }

  /** Stops new trades everywhere; closes every journal and exports each series' CSV, then the recording. */
  async close(): Promise<{ trades: number; predictions: number }> {
    if (this.closed) return { trades: 0, predictions: 0 };
    this.closed = true;
    let trades = 0;
    let predictions = 0;
    for (const s of this.list) {
      const out = await s.close();
      trades += out.trades;
      predictions += out.predictions;
    }
    const recorder = this.recorder;
    if (recorder !== null) {
      recorder.close();
      const lost = recorder.counters.dropped;
      const why = recorder.takeError() ?? `recording ${recorder.folder}`;
      if (lost > 0) this.o.log.warn(`${why}: ${plural(lost, "line")} could not be written: a replay of this session lacks them and will not make this journal`);
    }
    return { trades, predictions };
  }
}

