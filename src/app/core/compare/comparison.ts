import type { AppConfig } from "../../../config/schema.ts";
import type { EngineEvent } from "../../../domain/events.ts";
import { dollarsToMoney, moneyToDollars } from "../../../domain/money.ts";
import { Account } from "../../../engine/account.ts";
import { MemoryJournal } from "../../../engine/journal.ts";
import type { EngineListener } from "../../../engine/listener.ts";
import { Scorecard, checkpointMinutes } from "../../../report/scorecard.ts";
import { type Core, type MarketSpec, buildCore } from "../builder.ts";
import { PART_DESCRIPTIONS, partsFor } from "../parts.ts";
import type { ArmSpec } from "./arms.ts";
import { type TradeFigures, tradeFigures } from "../trade-figures.ts";

/** One strategy's figures; money in dollars. */
export interface ArmResult extends TradeFigures {
  readonly strategy: string;
  readonly description: string;
  /** Brier on the comparison's checkpoints (the same ones for every strategy), with its 95 % interval over windows. */
  readonly brier: number | null;
  readonly brier_ci95: [number, number] | null;
  /** Seconds without a trade by reason, the non-zero ones. */
  readonly no_trade: Record<string, number>;
}

export interface ComparisonResult {
  readonly strategies: readonly ArmResult[];
  /** The checkpoints every strategy forecast at (each whole minute 1–14 before a close), and their windows. */
  readonly checkpoints: number;
  readonly windows: number;
  readonly start_balance: number;
  /** What the market strategy did: it should find no edge after the spread and fee. */
  readonly fairness: { readonly market_trades: number | null; readonly ok: boolean | null; readonly note: string };
  readonly notes: readonly string[];
}

/** What every arm of one stretch of events shares (a backtest, or one recorded session). */
export interface ArmBase {
  readonly config: AppConfig;
  /** The series compared (default: the configuration's first) and its price decimals when not the series table's. */
  readonly series?: string;
  readonly priceDigits?: number;
  readonly market: MarketSpec;
  readonly settlement: "proxy" | "official";
  readonly live?: boolean;
}

interface Arm {
  readonly spec: ArmSpec;
  readonly journal: MemoryJournal;
  account: Account | null;
  core: Core | null;
  /** No-trade counts of the cores before the current one (one per recorded session). */
  readonly noTradeBefore: Record<string, number>;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Several strategies over the very same events, each as its own paper account (its own engine,
 * market, journal and account), with the same risk limits and fees: a comparison. Every event
 * one of them is fed, all are fed. Forecasts are scored only at the checkpoints where every
 * strategy forecast (the market's own mid exists only where it quoted both sides), so the
 * Brier scores compare like with like.
 */
export class Comparison {
  private readonly arms: Arm[];
  private readonly card: Scorecard;
  /** Forecasts at each window's checkpoints, one slot per arm (NaN until it forecast there). */
  private readonly rows = new Map<number, Map<number, Float64Array>>();

  constructor(readonly specs: readonly ArmSpec[]) {
    this.arms = specs.map((spec) => ({ spec, journal: new MemoryJournal(), account: null, core: null, noTradeBefore: {} }));
    this.card = new Scorecard(specs.map((s) => s.label));
  }

  /**
   * Builds each arm's core for a stretch of events (the backtest, or each recorded session in
   * turn); an arm's account carries on from the stretch before, from the balance it started with.
   */
  start(base: ArmBase): void {
    this.arms.forEach((arm, i) => {
      arm.account ??= new Account(dollarsToMoney(base.config.balance));
      if (arm.core !== null) addCounts(arm.noTradeBefore, arm.core.engine.counters.noTrade);
      const carry = arm.core === null ? {} : { carry: arm.core };
      arm.core = buildCore({
        config: base.config,
        ...(base.series !== undefined ? { series: base.series } : {}),
        ...(base.priceDigits !== undefined ? { priceDigits: base.priceDigits } : {}),
        market: base.market,
        settlement: base.settlement,
        journal: arm.journal,
        predictionEverySeconds: 0,
        live: base.live ?? false,
        account: arm.account,
        parts: partsFor(arm.spec.name, base.config, arm.spec.stale),
        listeners: [this.listener(i)],
        ...carry,
      });
    });
  }

  /** One event, to every arm. */
  feed(e: EngineEvent): void {
    for (const arm of this.arms) arm.core!.feed(e);
  }

  /** Each arm's trade and window records (for a journal folder of its own). */
  journals(): { label: string; journal: MemoryJournal }[] {
    return this.arms.map((a) => ({ label: a.spec.label, journal: a.journal }));
  }

  private listener(i: number): EngineListener {
    const n = this.arms.length;
    const own: EngineListener = {
      onForecast: (e) => {
        const minutes = checkpointMinutes(e.window.close, e.t);
        if (minutes === null) return;
        let byMinute = this.rows.get(e.window.close);
        if (byMinute === undefined) this.rows.set(e.window.close, (byMinute = new Map()));
        let row = byMinute.get(minutes);
        if (row === undefined) byMinute.set(minutes, (row = new Float64Array(n).fill(NaN)));
        row[i] = e.forecast.pUp;
      },
    };
    if (i > 0) return own;
    // Every arm sees the same windows resolve the same way: the first one speaks for all.
    return {
      ...own,
      onWindowResolved: (r) => {
        const byMinute = this.rows.get(r.window_close);
        this.rows.delete(r.window_close);
        if (byMinute === undefined) return;
        for (const [minutes, row] of byMinute) if (row.every(Number.isFinite)) this.card.record(r.window_close, minutes, Array.from(row));
        this.card.resolve(r.window_close, r.result === null ? null : r.result === "yes");
      },
      onGap: () => {
        this.rows.clear();
        this.card.dropPending();
      },
    };
  }

  result(notes: readonly string[] = []): ComparisonResult {
    const strategies = this.arms.map((arm) => this.armResult(arm));
    const first = this.card.score(this.arms[0]!.spec.label);
    const market = strategies.find((s) => s.strategy === "market");
    const fairness =
      market === undefined
        ? { market_trades: null, ok: null, note: "the market strategy was not run: add market to --compare to check that the comparison charges spread and fee" }
        : market.trades === 0
          ? { market_trades: 0, ok: true, note: "the market strategy (Kalshi's own mid as the forecast) found no edge after the spread and fee, as it should" }
          : { market_trades: market.trades, ok: false, note: `the market strategy traded ${market.trades} time(s): its own mid should never beat its ask after the fee; look for a quote that moved between forecast and fill` };
    return {
      strategies,
      checkpoints: first.n,
      windows: first.windows,
      start_balance: strategies.length ? moneyToDollars(this.arms[0]!.account!.startBalance) : 0,
      fairness,
      notes,
    };
  }

  private armResult(arm: Arm): ArmResult {
    const s = arm.account!.summary();
    const brier = this.card.brierInterval(arm.spec.label);
    const counts = { ...arm.noTradeBefore };
    if (arm.core !== null) addCounts(counts, arm.core.engine.counters.noTrade);
    const noTrade = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]));
    return {
      strategy: arm.spec.label,
      description: PART_DESCRIPTIONS[arm.spec.name] + (arm.spec.stale?.bookAgeSeconds ? ` (N = ${arm.spec.stale.bookAgeSeconds} s)` : ""),
      ...tradeFigures(s, arm.core!.settledPnl),
      brier: num(brier.mean),
      brier_ci95: brier.ci95 === null ? null : [brier.ci95[0], brier.ci95[1]],
      no_trade: noTrade,
    };
  }
}

function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

/** What a comparison's reader must know about the market it ran against. */
export function compareNotes(market: "synthetic" | "recorded" | "kalshi"): string[] {
  const same = "Each strategy is its own paper account from the configured balance, fed the very same events, with the same risk limits, fees and paper fills (walking the book).";
  switch (market) {
    case "synthetic":
      return [same, "The market is btc15's synthetic one (quotes around the fair value, plus noise in the demo): not Kalshi. P&L against it says how the strategies trade against noise around the fair value, nothing about Kalshi."];
    case "recorded":
      return [same, "The market is recorded Kalshi quotes (one row a minute, depth assumed): fills are at the quoted ask, as the backtest assumes."];
    case "kalshi":
      return [same, "The market is Kalshi's books as recorded live: fills walk each book as it was."];
  }
}
