import type { Money } from "../domain/money.ts";
import type { Quote } from "../domain/quote.ts";
import type { Side } from "../domain/settlement.ts";
import type { SettlementRecord, StrikeSource, TradeRecord, VoidRecord, WindowRecord } from "../domain/records.ts";
import type { Window } from "../domain/window.ts";
import type { Forecast } from "../model/forecaster.ts";
import type { Decision, NoTrade } from "../strategy/decision.ts";
import type { ClosedWindow } from "./window-tracker.ts";

/**
 * One second's forecast and what the strategy made of it. The engine reuses one event (and its
 * forecast) every second: it is valid during the listener call and until the next second;
 * copy whatever you keep.
 */
export interface ForecastEvent {
  readonly t: number;
  readonly window: Window;
  readonly secondsLeft: number;
  readonly priceCents: number;
  /** The strike decided against: the venue's official one when known, else our 60-s average. */
  readonly strikeCents: number;
  readonly strikeSource: StrikeSource;
  /** Our own 60-s average strike (null when the window was joined midway). */
  readonly proxyStrikeCents: number | null;
  readonly forecast: Forecast;
  readonly quote: Quote | null;
  readonly decision: Decision;
}

export interface EngineListener {
  onForecast?(e: ForecastEvent): void;
  onWindowClosed?(w: ClosedWindow): void;
  /** A window's outcome is known (our proxy at the close, or the official result later). */
  onWindowResolved?(r: WindowRecord): void;
  onTrade?(r: TradeRecord): void;
  onSettlement?(r: SettlementRecord | VoidRecord): void;
  /** A second with no forecast (warm-up, no strike yet). */
  onIdle?(t: number, decision: NoTrade): void;
  /** Seconds [from, to) had no prices: the buffers start again. */
  onGap?(from: number, to: number): void;
  /** A journal write failed: trading has stopped; writes are retried. Once per episode. */
  onJournalError?(e: Error): void;
  /** An order went to the venue (at most `contracts` of `side`, none above `limitPrice`); its outcome arrives later as an order event. */
  onOrderSent?(ref: string, contracts: number, limitPrice: Money, side: Side): void;
  /** A venue order came back with nothing filled. */
  onOrderUnfilled?(ref: string, why: string | null): void;
}


/** Every method of a listener, checked against the interface so a new one cannot be missed. */
const LISTENER_METHODS = Object.keys({
  onForecast: true,
  onWindowClosed: true,
  onWindowResolved: true,
  onTrade: true,
  onSettlement: true,
  onIdle: true,
  onGap: true,
  onJournalError: true,
  onOrderSent: true,
  onOrderUnfilled: true,
} satisfies Record<keyof EngineListener, true>) as (keyof EngineListener)[];

/**
 * The one fan-out: a listener that tells each of `list`, in order (absent ones skipped). A
 * method none of them has stays absent, so the engine's hot path pays only for what is heard.
 */
export function listenAll(list: readonly (EngineListener | null | undefined)[]): EngineListener {
  const present = list.filter((l): l is EngineListener => l != null);
  const out: Record<string, (...args: never[]) => void> = {};
  for (const name of LISTENER_METHODS) {
    const calls = present.flatMap((l) => {
      const f = l[name] as ((...args: never[]) => void) | undefined;
      return f === undefined ? [] : [f.bind(l)];
    });
    if (calls.length === 1) out[name] = calls[0]!;
    else if (calls.length > 1) {
      out[name] = (...args: never[]) => {
        for (const call of calls) call(...args);
      };
    }
  }
  return out as EngineListener;
}
