import { existsSync } from "node:fs";
import type { AppConfig } from "../../config/schema.ts";
import { isoUtc } from "../../domain/window.ts";
import type { IndexReading, PriceIndex } from "../../feeds/index.ts";
import type { Scheduler } from "../../net/scheduler.ts";
import type { Notices } from "../console/notices.ts";
import { count, duration } from "../console/number-style.ts";
import type { RunLog } from "../console/run-log.ts";
import type { MarketChoice } from "../venue/kalshi-market.ts";
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
    if ((reading.price === null) !== this.sourcesDown) {
      this.sourcesDown = reading.price === null;
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
    session.sampler.advanceTo(instant);
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
      const extra = [feedProblemsLine(reading), kalshiCountersLine(this.o.choice, session.market)].filter((x): x is string => x !== null);
      session.status(instant, reading.price === null ? null : Math.round(reading.price * 100), priceLine(reading), extra, priceSourceShort(reading));
    }
  }

  /** The forecaster needs historyNeeded seconds of prices; the warm start usually gives them all. */
  private warmingUp(): string {
    const engine = this.o.session.engine;
    return `Warming up... ${count(engine.history.size)}/${count(engine.forecaster.historyNeeded)} prices (forecasts start in about ${duration(engine.forecaster.historyNeeded - engine.history.size)})`;
  }
}
