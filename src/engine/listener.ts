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

