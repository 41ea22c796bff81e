import { dollarsToMoney, moneyToDollars } from "../domain/money.ts";
import { engineConfig } from "../config/engine-config.ts";
import type { AppConfig } from "../config/schema.ts";
import { Account, type AccountSummary } from "../engine/account.ts";
import { Engine, type EngineListener, type Executor } from "../engine/engine.ts";
import type { MarketSource } from "../engine/market.ts";
import { Sampler } from "../engine/sampler.ts";
import { exportCsv } from "../store/export.ts";
import { type FreshStart, keepJournal, startAfresh } from "../store/fresh-journal.ts";
import { removeStaleTemps } from "../store/recovery.ts";
import { writeJsonAtomic } from "../store/snapshot.ts";
import { FileJournal, journalFiles, loadTradeJournal } from "../store/trade-journal.ts";
import { settlementLine, statusBlock, tradeBlock } from "./console-format.ts";
import { performanceSnapshot } from "./performance.ts";
import type { RunLog } from "./run-log.ts";

export interface SessionOptions {
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly market: MarketSource;
  readonly settlement: "proxy" | "official";
  readonly log: RunLog;
  /** Start from an empty journal (the demo: only one it made itself, unless forced); otherwise (false) resume the one in dataDir. */
  readonly fresh: false | FreshStart;
  /** Longest silence carried forward (live: forever; replayed history: a gap). */
  readonly maxCarrySeconds: number;
  readonly execute?: Executor;
  /** Extra listener (e.g. Kalshi result bookkeeping). */
  readonly listener?: EngineListener;
}

export interface Recovery {
  readonly records: number;
  readonly warnings: readonly string[];
  readonly openPositions: number;
  readonly balance: number;
  readonly repairedTail: boolean;
}

/**
 * One trading session over a data directory: the journal (resumed or fresh), the engine, the
 * sampler in front of it, performance.json kept current, and the console's trade and
 * settlement lines. The live runner and the demo drive it second by second.
 */
export class TradingSession {
  readonly engine: Engine;
  readonly sampler: Sampler;
  readonly journal: FileJournal;
  readonly recovery: Recovery;
  private lastSecond: number | null = null;
  private closed = false;

  constructor(private readonly o: SessionOptions) {
    if (o.fresh) startAfresh(o.dataDir, o.fresh);
    else keepJournal(o.dataDir);
    const loaded = loadTradeJournal(o.dataDir);
    const account = Account.fromRecords(loaded.records, dollarsToMoney(o.config.balance));
    this.journal = new FileJournal(o.dataDir, { durable: true, predictions: o.config.engine.predictionEverySeconds > 0, predictionBuffer: 0, onWarning: (m) => o.log.warn(`journal: ${m}`) });
    const log = o.log;
    this.engine = new Engine(engineConfig(o.config, { settlement: o.settlement, predictionEverySeconds: o.config.engine.predictionEverySeconds }), {
      market: o.market,
      journal: this.journal,
      account,
      execute: o.execute,
      listener: {
        onTrade: (r) => {
          log.show((c) => tradeBlock(r, c));
          this.writePerformance();
          o.listener?.onTrade?.(r);
        },
        onSettlement: (r) => {
          log.show((c) => settlementLine(r, c));
          this.writePerformance();
          o.listener?.onSettlement?.(r);
        },
        onWindowClosed: (w) => {
          log.debug(`window ${w.window.ticker} closed: strike ${w.strikeCents ?? "?"}¢ settlement ${w.settlementCents ?? "?"}¢ result ${w.result ?? "unknown"} (${w.settlementCarried} carried seconds)`);
          o.listener?.onWindowClosed?.(w);
        },
        onForecast: o.listener?.onForecast,
        onIdle: o.listener?.onIdle,
      },
    });
    this.sampler = new Sampler(
      {
        onSecond: (s, c, carried) => {
          this.lastSecond = s;
          this.engine.onSecond(s, c, carried);
        },
        onGap: (from, to) => {
          log.warn(`no prices from ${new Date(from * 1000).toISOString()} to ${new Date(to * 1000).toISOString()}: treated as a gap`);
          this.engine.onGap(from, to);
        },
      },
      { maxCarrySeconds: o.maxCarrySeconds },
    );
    const s = account.summary();
    this.recovery = { records: loaded.records.length, warnings: loaded.warnings, openPositions: s.openPositions, balance: moneyToDollars(s.balance), repairedTail: this.journal.repairedTail !== null };
    for (const w of loaded.warnings) log.warn(`journal: ${w}`);
    if (this.journal.repairedTail !== null) log.warn(`journal: an incomplete last line was set aside in ${journalFiles(o.dataDir).trades}.torn`);
    if (account.opened && account.startBalance !== dollarsToMoney(o.config.balance)) {
      log.warn(`this journal started with ${moneyToDollars(account.startBalance).toFixed(2)} dollars; the configured balance applies only to a new data directory`);
    }
    // After a crash: performance.json may lag the journal, and interrupted writes leave temporaries.
    const temps = removeStaleTemps(o.dataDir);
    if (temps.length) log.warn(`journal: removed ${temps.length} temporary file(s) left by interrupted writes`);
    this.lastSecond = loaded.records.at(-1)?.t ?? null;
    this.writePerformance();
  }

  get summary(): AccountSummary {
    return this.engine.account.summary();
  }

  /** The status block for instant `nowSeconds`. */
  status(nowSeconds: number, priceCents: number | null, priceSources: string): void {
    this.o.log.show((c) =>
      statusBlock(
        {
          nowSeconds,
          account: this.summary,
          forecast: this.engine.lastForecast,
          idle: this.engine.lastIdle?.decision ?? null,
          priceCents,
          priceSources,
          pendingOrders: this.engine.ordersPending,
        },
        c,
      ),
    );
  }

  /** performance.json is a snapshot: failing to write it is a warning, never the end of trading. */
  writePerformance(): void {
    try {
      writeJsonAtomic(journalFiles(this.o.dataDir).performance, performanceSnapshot(this.summary, this.lastSecond));
    } catch (e) {
      this.o.log.warn(`${(e as Error).message} (the journal is unaffected; it is written again after the next change)`);
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
    this.engine.stopTrading();
    this.writePerformance();
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
