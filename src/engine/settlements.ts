import { type Side, resultOf } from "../domain/settlement.ts";
import type { SettlementRecord, VoidRecord, WindowRecord } from "../domain/records.ts";
import type { Account, Position } from "./account.ts";
import type { ResultEvent } from "../domain/events.ts";
import type { JournalPort, JournalQueue } from "./journal.ts";
import { type WindowOutcome, settlementRecord, voidRecord, windowRecord } from "./records.ts";
import type { ClosedWindow } from "./window-tracker.ts";
import { type PriceScale, unitsOf } from "../domain/price-scale.ts";

export interface SettlementCounters {
  settlements: number;
  voids: number;
  windowsClosed: number;
  /** Official results compared with our proxy settlement, and how many disagreed. */
  proxyCompared: number;
  proxyDisagreements: number;
  /** Windows whose own 60-s average had too many carried seconds to stand for a result. */
  proxyUnreliable: number;
}

export interface SettlementDeps {
  readonly account: Account;
  readonly journal: JournalQueue;
  /** Window records go straight to the journal port (a failed one is skipped and counted). */
  readonly port: JournalPort;
  readonly counters: SettlementCounters;
  /** "proxy": settle at the close on our own average; "official": wait for result events. */
  readonly mode: "proxy" | "official";
  /** An average with more carried-forward seconds than this is unreliable. */
  readonly maxCarriedSeconds: number;
  /** The series' price unit. */
  readonly scale: PriceScale;
  readonly officialStrike: (ticker: string) => number | null;
  /** An official outcome already known at the close (a quotes file), which then settles the window. */
  readonly outcomeAtClose?: (ticker: string) => { readonly result: Side; readonly settlementCents: number | null; readonly source: string } | null;
  readonly onSettlement?: (r: SettlementRecord | VoidRecord) => void;
  readonly onWindowResolved?: (r: WindowRecord) => void;
  readonly onWindowRecordFailed?: (e: Error) => void;
}

/**
 * Closing the loop: at each close our own 60-s average settles the window (mode "proxy") or is
 * kept to compare with the official result that settles it later (mode "official"). Either way
 * one window record says what the window's outcome was.
 */
export class Settlements {
  /** Our outcome of recently closed windows, waiting for their official result. */
  private readonly proxies = new Map<number, WindowOutcome>();
  private readonly resolved = new Set<number>();
  /** Positions whose settlement or void is written or queued: never ended twice. */
  private readonly ending = new Set<string>();

  constructor(private readonly d: SettlementDeps) {}

  /** Our own outcome of a recent window, for display and comparison. */
  proxyOf(close: number): WindowOutcome | undefined {
    return this.proxies.get(close);
  }

  onClose(closed: ClosedWindow, t: number): void {
    const d = this.d;
    d.counters.windowsClosed++;
    const max = d.maxCarriedSeconds;
    const settlement = closed.settlementCents !== null && closed.settlementCarried <= max ? closed.settlementCents : null;
    const proxyStrike = closed.strikeCents !== null && closed.strikeCarried <= max ? closed.strikeCents : null;
    if (closed.settlementCents !== null && settlement === null) d.counters.proxyUnreliable++;
    // Our settlement is compared with the strike that was traded on: the official one when known.
    const strike = d.officialStrike(closed.window.ticker) ?? proxyStrike;
    const result = settlement !== null && strike !== null ? resultOf(settlement, strike) : null;
    const outcome: WindowOutcome = {
      window: closed.window,
      strikeCents: strike,
      proxyStrikeCents: closed.strikeCents,
      settlementCents: settlement,
      proxySettlementCents: closed.settlementCents,
      result,
      proxyResult: result,
      source: "proxy",
    };
    const close = closed.window.close;
    const known = d.outcomeAtClose?.(closed.window.ticker) ?? null;
    if (d.mode === "official" || known !== null) {
      this.proxies.set(close, outcome);
      for (const k of this.proxies.keys()) if (k < close - 86_400) this.proxies.delete(k);
      if (known !== null) this.onResult({ type: "result", t: t * 1000, ticker: closed.window.ticker, close, result: known.result, settlementCents: known.settlementCents, strikeCents: strike, source: known.source });
      return;
    }
    this.resolve(outcome, t);
    for (const p of this.positionsIn(close)) {
      // The strike the trade was made against (journaled with it) decides, so a window joined
      // midway after a restart still settles when its closing minute was seen.
      const pStrike = p.strike === "" ? strike : unitsOf(p.strike, this.d.scale);
      if (settlement === null || pStrike === null) {
        const why = closed.settlementCents === null ? "no prices for this window's settlement minute" : `settlement average unreliable: ${closed.settlementCarried} of 60 seconds carried forward (no live price)`;
        this.voidPosition(p, t, why);
      } else this.settle(p, resultOf(settlement, pStrike), settlement, t, "proxy", null);
    }
  }

  /** An official result: settles the window's positions and is compared with our own outcome. */
  onResult(e: ResultEvent): void {
    const d = this.d;
    if (this.resolved.has(e.close)) return;
    const proxy = this.proxies.get(e.close);
    this.proxies.delete(e.close);
    if (proxy !== undefined && proxy.proxyResult !== null) {
      d.counters.proxyCompared++;
      if (proxy.proxyResult !== e.result) d.counters.proxyDisagreements++;
    }
    const t = Math.floor(e.t / 1000);
    for (const p of this.positionsIn(e.close)) this.settle(p, e.result, e.settlementCents, t, e.source, proxy?.proxySettlementCents ?? null);
    const windowOpen = e.close - 900;
    this.resolve(
      {
        window: proxy?.window ?? { series: "", open: windowOpen, close: e.close, ticker: e.ticker },
        strikeCents: e.strikeCents ?? proxy?.strikeCents ?? null,
        proxyStrikeCents: proxy?.proxyStrikeCents ?? null,
        settlementCents: e.settlementCents,
        proxySettlementCents: proxy?.proxySettlementCents ?? null,
        result: e.result,
        proxyResult: proxy?.proxyResult ?? null,
        source: e.source,
      },
      t,
    );
  }

  /**
   * Open positions with nothing yet written or queued to end them, whose window closed after
   * `closedAfter` (unix seconds) and has no outcome yet: what this session may still settle.
   */
  awaiting(closedAfter: number): number {
    let n = 0;
    for (const p of this.d.account.positions.values()) if (p.windowClose > closedAfter && !this.ending.has(p.id) && !this.resolved.has(p.windowClose)) n++;
    return n;
  }

  /** Voids every position closing after `from` (their prices are gone: a gap). */
  voidFrom(from: number, reason: string): void {
    for (const p of [...this.d.account.positions.values()]) if (p.windowClose > from && !this.ending.has(p.id)) this.voidPosition(p, from, reason);
  }

  private resolve(outcome: WindowOutcome, t: number): void {
    const close = outcome.window.close;
    this.resolved.add(close);
    if (this.resolved.size > 256) this.resolved.delete(this.resolved.values().next().value!);
    const record = windowRecord(outcome, t, this.d.scale);
    try {
      this.d.port.window(record);
    } catch (e) {
      this.d.onWindowRecordFailed?.(e instanceof Error ? e : new Error(String(e)));
    }
    this.d.onWindowResolved?.(record);
  }

  private positionsIn(close: number): Position[] {
    return [...this.d.account.positions.values()].filter((p) => p.windowClose === close && !this.ending.has(p.id));
  }

  private settle(p: Position, result: Side, settlementCents: number | null, t: number, source: string, proxyCents: number | null): void {
    this.end(p, settlementRecord(p, result, settlementCents, t, source, proxyCents, this.d.account.balance, this.d.scale), "settlements");
  }

  private voidPosition(p: Position, t: number, reason: string): void {
    this.end(p, voidRecord(p, t, reason, this.d.account.balance), "voids");
  }

  /** Journals the record that ends a position; it counts once the journal has it (a failed write is retried). */
  private end(p: Position, record: SettlementRecord | VoidRecord, counter: "settlements" | "voids"): void {
    this.ending.add(p.id);
    this.d.journal.write(record, () => {
      this.ending.delete(p.id);
      this.d.account.apply(record);
      this.d.counters[counter]++;
      this.d.onSettlement?.(record);
    });
  }
}
