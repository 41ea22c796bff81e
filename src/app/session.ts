import { dollarsToMoney, moneyToDollars } from "../domain/money.ts";
import { engineConfig } from "../config/engine-config.ts";
import type { AppConfig } from "../config/schema.ts";
import { Account, type AccountSummary } from "../engine/account.ts";
import { Engine, type EngineListener, type Executor } from "../engine/engine.ts";
import type { MarketSource } from "../engine/market.ts";
import { Sampler } from "../engine/sampler.ts";
import { exportCsv } from "../store/export.ts";
import { writeJsonAtomic } from "../store/snapshot.ts";
import { FileJournal, clearJournal, journalFiles, loadTradeJournal } from "../store/trade-journal.ts";
import { settlementLine, statusBlock, tradeBlock } from "./console-format.ts";
import { performanceSnapshot } from "./performance.ts";
import type { RunLog } from "./run-log.ts";

export interface SessionOptions {
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly market: MarketSource;
  readonly settlement: "proxy" | "official";
  readonly log: RunLog;
  /** Start from an empty journal (the demo); otherwise resume the one in dataDir. */
  readonly fresh: boolean;
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
    if (o.fresh) clearJournal(o.dataDir);
    const loaded = loadTradeJournal(o.dataDir);
    const account = Account.fromRecords(loaded.records, dollarsToMoney(o.config.balance));
    this.journal = new FileJournal(o.dataDir, { durable: true, predictions: o.config.engine.predictionEverySeconds > 0, predictionBuffer: 0 });
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
        onSecond: (s, c, carried, exact) => {
          this.lastSecond = s;
          this.engine.onSecond(s, c, carried, exact);
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

  writePerformance(): void {
    writeJsonAtomic(journalFiles(this.o.dataDir).performance, performanceSnapshot(this.summary, this.lastSecond));
  }

  /** Stops new trades, writes performance.json and the CSV exports, closes the journal. */
  close(): { trades: number; predictions: number } {
    if (this.closed) return { trades: 0, predictions: 0 };
    this.closed = true;
    this.engine.stopTrading();
    this.writePerformance();
    this.journal.close();
    const out = exportCsv(this.o.dataDir);
    return { trades: out.trades, predictions: out.predictions };
  }
}
