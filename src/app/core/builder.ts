import { engineConfig, syntheticMarketParams } from "../../config/engine-config.ts";
import type { AppConfig } from "../../config/schema.ts";
import { type Money, parseDollars } from "../../domain/money.ts";
import type { EngineEvent } from "../../domain/events.ts";
import { quoteMid } from "../../domain/quote.ts";
import type { Account } from "../../engine/account.ts";
import { Engine, type EngineListener, type ForecastEvent } from "../../engine/engine.ts";
import { listenAll } from "../../engine/listener.ts";
import type { JournalPort } from "../../engine/journal.ts";
import { type MarketSource, NO_MARKET } from "../../engine/market.ts";
import type { OrderPort } from "../../engine/orders.ts";
import { type QuoteTape, RecordedMarket, type RecordedMarketParams } from "../../engine/recorded-market.ts";
import { Sampler, type SamplerOptions } from "../../engine/sampler.ts";
import { SyntheticMarket } from "../../engine/synthetic-market.ts";
import { VenueMarket } from "../../engine/venue-market.ts";
import { Scorecard, checkpointMinutes } from "../../report/scorecard.ts";
import { type Parts, configuredParts } from "./parts.ts";
import type { Portfolio } from "../../engine/portfolio.ts";

/** Where the core's quotes come from. */
export type MarketSpec =
  | { readonly kind: "synthetic" }
  /** Kalshi's books, learned from book and market events (live, replay). */
  | { readonly kind: "venue" }
  /** A quotes file (a backtest against recorded prices). */
  | { readonly kind: "recorded"; readonly tape: QuoteTape; readonly params: RecordedMarketParams }
  /** Nothing is ever quoted: forecasts only (the fit). */
  | { readonly kind: "none" };

export interface CoreOptions {
  readonly config: AppConfig;
  /** The series this core trades (one of config.series; the first when absent). */
  readonly series?: string;
  /** Its price unit's decimal places when they differ from the series table's (read from the market at a live start). */
  readonly priceDigits?: number;
  /** The other series' cores of the process and the limits on all of them together. */
  readonly portfolio?: Portfolio;
  readonly market: MarketSpec;
  /** "proxy": settle at the close on our own average; "official": on result events. */
  readonly settlement: "proxy" | "official";
  readonly journal: JournalPort;
  readonly predictionEverySeconds: number;
  /** Live trading: kalshi.live's limits join the risk settings. */
  readonly live?: boolean;
  /** State rebuilt from an existing journal; a fresh account otherwise. */
  readonly account?: Account;
  readonly orders?: OrderPort;
  readonly externalExposure?: Money;
  /** The drivers' listeners (console lines, result watching, the dashboard), told in this order after the scorecards. */
  readonly listeners?: readonly (EngineListener | null | undefined)[];
  /** How the sampler in front of the engine carries silent seconds (default: the backtest's limit). */
  readonly sampler?: SamplerOptions;
  /** Sees every event on its way in, before the engine does (the session's recording). */
  readonly onEvent?: (e: EngineEvent) => void;
  /** What forecasts and what decides (default: what the configuration asks for, configuredParts). */
  readonly parts?: Parts;
  /** Scorecards and P&L of an earlier core to carry on (a replay across a restart). */
  readonly carry?: Pick<Core, "scorecard" | "marketScorecard" | "settledPnl">;
}

/** The forecasters every run scores, by the same code: ours, the plain fair value, a coin flip. */
export const FORECASTERS = ["model", "fair_value", "coin_flip"] as const;
/** The same three beside the market's own mid, on the checkpoints where the market quoted both sides. */
export const WITH_MARKET = ["model", "fair_value", "coin_flip", "market"] as const;

export interface Core {
  readonly engine: Engine;
  /** One price a second from whatever arrives (ticks, bars), fed to the engine as second and gap events. */
  readonly sampler: Sampler;
  /** The one door: every event the engine takes goes through here (and past onEvent). */
  feed(e: EngineEvent): void;
  /** The last second fed, or null. */
  readonly lastSecond: number | null;
  readonly market: MarketSource;
  /** Every window's checkpoints. */
  readonly scorecard: Scorecard;
  /** The checkpoints where the market had a mid: the market scored on the same ones as the model. */
  readonly marketScorecard: Scorecard;
  /** Each settled trade's P&L (units), in order: the P&L interval is made from them. */
  readonly settledPnl: Money[];
}

export function marketOf(spec: MarketSpec, config: AppConfig): MarketSource {
  switch (spec.kind) {
    case "synthetic":
      return new SyntheticMarket(syntheticMarketParams(config));
    case "venue":
      return new VenueMarket("kalshi", config.kalshi.bookFreshnessMs);
    case "recorded":
      return new RecordedMarket(spec.tape, spec.params);
    case "none":
      return NO_MARKET;
  }
}

/**
 * The one builder of the core: engine (forecaster, strategy, risk gate, broker), its market, the
 * journal it writes, the sampler in front of it, and the scorecards that score every window's
 * forecasts whether traded or not. Live, demo, backtest, replay, the bench and the fit all build
 * it here, and everything reaches the engine through the core's feed().
 */
export function buildCore(o: CoreOptions): Core {
  const scorecard = o.carry?.scorecard ?? new Scorecard([...FORECASTERS]);
  const marketScorecard = o.carry?.marketScorecard ?? new Scorecard([...WITH_MARKET]);
  const market = marketOf(o.market, o.config);
  const settledPnl: Money[] = o.carry?.settledPnl ?? [];
  const config = engineConfig(o.config, { settlement: o.settlement, predictionEverySeconds: o.predictionEverySeconds, live: o.live ?? false, ...(o.series ? { series: o.series } : {}), ...(o.priceDigits !== undefined ? { priceDigits: o.priceDigits } : {}) });
  const engine = new Engine(config, {
    market,
    journal: o.journal,
    ...(o.account ? { account: o.account } : {}),
    ...(o.orders ? { orders: o.orders } : {}),
    ...(o.externalExposure ? { externalExposure: o.externalExposure } : {}),
    ...(o.parts ?? configuredParts(o.config)),
    ...(o.portfolio ? { portfolio: o.portfolio } : {}),
    listener: listenAll([scoring(scorecard, marketScorecard, settledPnl), ...(o.listeners ?? [])]),
  });
  const onEvent = o.onEvent;
  let lastSecond: number | null = null;
  const feed = (e: EngineEvent): void => {
    onEvent?.(e);
    if (e.type === "second") lastSecond = e.second;
    engine.handle(e);
  };
  const sampler = new Sampler(feed, { ...(o.sampler ?? { maxCarrySeconds: o.config.backtest.maxCarrySeconds }), unitsPerDollar: engine.scale.perDollar });
  return {
    engine,
    sampler,
    feed,
    get lastSecond() {
      return lastSecond;
    },
    market,
    scorecard,
    marketScorecard,
    settledPnl,
  };
}

/** Scores every checkpoint's forecasts (and the market's mid), resolves them with each window, and keeps each settled P&L. */
function scoring(scorecard: Scorecard, marketScorecard: Scorecard, settledPnl: Money[]): EngineListener {
  const three = [0.5, 0.5, 0.5];
  const four = [0.5, 0.5, 0.5, 0.5];
  return {
    onForecast(e: ForecastEvent) {
      const minutes = checkpointMinutes(e.window.close, e.t);
      if (minutes === null) return;
      three[0] = e.forecast.pUp;
      three[1] = e.forecast.fairValue;
      scorecard.record(e.window.close, minutes, three);
      const mid = quoteMid(e.quote);
      if (mid !== null) {
        four[0] = e.forecast.pUp;
        four[1] = e.forecast.fairValue;
        four[3] = mid;
        marketScorecard.record(e.window.close, minutes, four);
      }
    },
    onWindowResolved(r) {
      const up = r.result === null ? null : r.result === "yes";
      scorecard.resolve(r.window_close, up);
      marketScorecard.resolve(r.window_close, up);
    },
    onGap() {
      scorecard.dropPending();
      marketScorecard.dropPending();
    },
    onSettlement(r) {
      if (r.type === "settlement") settledPnl.push(parseDollars(r.pnl));
    },
  };
}
