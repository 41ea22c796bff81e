import { existsSync } from "node:fs";
import type { AppConfig } from "../../config/schema.ts";
import { isoUtc } from "../../domain/window.ts";
import type { IndexReading, PriceIndex } from "../../feeds/index.ts";
import type { Scheduler } from "../../net/scheduler.ts";
import type { Notices } from "../console/notices.ts";
import { count, duration } from "../console/number-style.ts";
import type { RunLog } from "../console/run-log.ts";
import type { LiveBroker } from "../../kalshi/live-broker.ts";
import type { SecondPricer } from "../venue/index-pricing.ts";
import { type ShardBalanceWatch, ordersLine } from "../venue/kalshi-live.ts";
import type { MarketChoice } from "../venue/kalshi-market.ts";
import { indexLine, shownPrice } from "../venue/kalshi-status.ts";
import { kalshiCountersLine } from "./live-kalshi.ts";
import { feedProblemsLine, priceLine, priceSourceShort, sourcesLine } from "./live-feeds.ts";
import type { TradingSession } from "./session.ts";

export interface LiveSecondsOptions {
  readonly config: AppConfig;
  readonly log: RunLog;
  readonly scheduler: Scheduler;
  readonly session: TradingSession;
  readonly index: PriceIndex;
  readonly choice: MarketChoice;
  readonly notices: Notices;
  /** The reading at start (the first live price). */
  readonly first: IndexReading;
  /** Prices each second: the settlement index while it is fresh (with a key), the exchange median otherwise. */
  readonly pricer: SecondPricer;
  /** The settlement index's id (BRTI), or null without a key. */
  readonly indexId: string | null;
  /** Live trading only: the broker's counters and the shard's balance, for the status. */
  readonly broker: LiveBroker | null;
  readonly balanceWatch: ShardBalanceWatch | null;
}

/**
 * What the live runner does once a second, just after each second ends: read the feeds (and say
 * when every source is down and when one is back), watch the kill switch, close the second that
 * ended in the sampler (if no tick of the next one did), flush the recording, tell how the warm-up
 * goes, and print the status on round times.
 */
export class LiveSeconds {
  /** The feeds as read at the last second. */
  reading: IndexReading;
  private readonly every: number;
  private lastStatus: number;
  private lastWarmupNote: number;
  private warmedUp: boolean;
  private killSwitch = false;
  private sourcesDown = false;

  constructor(private readonly o: LiveSecondsOptions) {
    const now = Math.floor(o.scheduler.now() / 1000);
    this.reading = o.first;
    this.every = o.config.statusIntervalSeconds;
    this.lastStatus = Math.floor(now / this.every) * this.every;
    this.lastWarmupNote = now; // the note at ready was the first
    this.warmedUp = o.session.engine.forecaster.ready;
    if (!this.warmedUp) o.log.info(this.warmingUp());
  }

  /** One second has ended. */
  tick(): void {
    const { session, log } = this.o;
    const engine = session.engine;
    const t = this.o.scheduler.now();
    const instant = Math.floor(t / 1000);
    const reading = (this.reading = this.o.index.read(t));
    // With a key the settlement index can price the seconds while every exchange is down.
    if ((reading.price === null && this.o.pricer.mode !== "index") !== this.sourcesDown) {
      this.sourcesDown = !this.sourcesDown;
      if (this.sourcesDown) log.warn(`ALL PRICE SOURCES DOWN at ${isoUtc(instant)}: ${sourcesLine(reading)}; no trades until a price returns`);
      else log.warn(`price sources back: ${priceLine(reading)}`);
    }
    const killFile = this.o.config.kalshi.live.killSwitchFile;
    const kill = existsSync(killFile);
    if (kill !== this.killSwitch) {
      this.killSwitch = kill;
      session.feed({ type: "kill_switch", t, on: kill });
      log.warn(kill ? `kill switch ON (${killFile} exists): no new orders` : `kill switch off (${killFile} removed): orders allowed again`);
    }
    this.o.pricer.onClock(t);
    session.recorder?.flush();
    const recordingError = session.recorder?.takeError();
    if (recordingError) this.o.notices.say("recording", `${recordingError}: the recording has a hole until the disk takes writes again; trading goes on`);
    if (!this.warmedUp && engine.forecaster.ready) {
      this.warmedUp = true;
      log.show((c) => `${c.green("✓")} Warmed up: ${count(engine.history.size)} prices; forecasting now`);
    } else if (!this.warmedUp && instant - this.lastWarmupNote >= 10) {
      this.lastWarmupNote = instant;
      log.info(this.warmingUp());
    }
    if (instant >= this.lastStatus + this.every) {
      this.lastStatus = Math.floor(instant / this.every) * this.every;
      const { choice, pricer, indexId, broker, balanceWatch } = this.o;
      const liveBits = [balanceWatch?.line(), broker ? ordersLine(broker) : null].filter((x): x is string => !!x).join("; ");
      const extra = [feedProblemsLine(reading), kalshiCountersLine(choice, session.market, this.o.config), indexLine(indexId, pricer, engine.indexCheck, choice.kalshi?.averages ?? null), liveBits ? `live: ${liveBits}` : null].filter((x): x is string => x !== null);
      const shown = shownPrice(indexId === null ? null : pricer, indexId, { price: reading.price, short: priceSourceShort(reading) });
      session.status(instant, shown.price === null ? null : Math.round(shown.price * 100), priceLine(reading), extra, shown.short);
    }
  }

  /** The forecaster needs historyNeeded seconds of prices; the warm start usually gives them all. */
  private warmingUp(): string {
    const engine = this.o.session.engine;
    return `Warming up... ${count(engine.history.size)}/${count(engine.forecaster.historyNeeded)} prices (forecasts start in about ${duration(engine.forecaster.historyNeeded - engine.history.size)})`;
  }
}
