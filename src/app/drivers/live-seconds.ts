import { existsSync } from "node:fs";
import type { AppConfig } from "../../config/schema.ts";
import { isoUtc } from "../../domain/window.ts";
import type { CoinIndex, IndexReading } from "../../feeds/index.ts";
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
import type { SessionRecorder } from "../recording/recorder.ts";
import type { Paint } from "../console/console-format.ts";

/** One series in a live run: its session, its coin's index, its market and what prices its seconds. */
export interface LiveSeries {
  readonly session: TradingSession;
  readonly index: CoinIndex;
  readonly choice: MarketChoice;
  /** The reading at start (the coin's first live price). */
  readonly first: IndexReading;
  /** Prices each second: the settlement index while it is fresh (with a key), the exchange median otherwise. */
  readonly pricer: SecondPricer;
  /** The settlement index's id (BRTI, ETHUSD_RTI…), or null without a key. */
  readonly indexId: string | null;
}

export interface LiveSecondsOptions {
  readonly config: AppConfig;
  readonly log: RunLog;
  readonly scheduler: Scheduler;
  /** Every series, in the configuration's order. */
  readonly series: readonly LiveSeries[];
  /** The recording every series shares (flushed once a second), or null. */
  readonly recorder: SessionRecorder | null;
  readonly notices: Notices;
  /** With several series: the line of all of them together, printed after theirs. */
  readonly totalLine?: (nowSeconds: number, c: Paint) => string;
  /** Live trading only: the broker's counters and the shard's balance, for the status. */
  readonly broker: LiveBroker | null;
  readonly balanceWatch: ShardBalanceWatch | null;
}

/** What the runner keeps of each series between seconds. */
class SeriesSeconds {
  reading: IndexReading;
  lastWarmupNote: number;
  warmedUp: boolean;
  sourcesDown = false;

  constructor(readonly s: LiveSeries, now: number) {
    this.reading = s.first;
    this.lastWarmupNote = now; // the note at ready was the first
    this.warmedUp = s.session.engine.forecaster.ready;
  }
}

/**
 * What the live runner does once a second, just after each second ends: read each coin's feeds
 * (and say when every source of a coin is down and when one is back), watch the kill switch, close
 * the second that ended in each series' sampler (if no tick of the next one did), flush the
 * recording, tell how each warm-up goes, and print a status line per series (and one of them all)
 * on round times.
 */
export class LiveSeconds {
  private readonly every: number;
  private lastStatus: number;
  private killSwitch = false;
  private readonly runs: SeriesSeconds[];

  constructor(private readonly o: LiveSecondsOptions) {
    const now = Math.floor(o.scheduler.now() / 1000);
    this.every = o.config.statusIntervalSeconds;
    this.lastStatus = Math.floor(now / this.every) * this.every;
    this.runs = o.series.map((s) => new SeriesSeconds(s, now));
    for (const r of this.runs) if (!r.warmedUp) o.log.info(this.warmingUp(r));
  }

  /** The first series' feeds as read at the last second (the dashboard's price panel). */
  get reading(): IndexReading {
    return this.runs[0]!.reading;
  }

  /** A series' feeds as read at the last second. */
  readingOf(series: string): IndexReading | null {
    return this.runs.find((r) => r.s.session.series === series)?.reading ?? null;
  }

  /** One second has ended. */
  tick(): void {
    const { log } = this.o;
    const t = this.o.scheduler.now();
    const instant = Math.floor(t / 1000);
    const several = this.runs.length > 1;
    for (const r of this.runs) {
      const reading = (r.reading = r.s.index.read(t));
      const coin = several ? `${r.s.session.coin} ` : "";
      // With a key the settlement index can price the seconds while every exchange is down.
      if ((reading.price === null && r.s.pricer.mode !== "index") !== r.sourcesDown) {
        r.sourcesDown = !r.sourcesDown;
        if (r.sourcesDown) log.warn(`ALL ${coin}PRICE SOURCES DOWN at ${isoUtc(instant)}: ${sourcesLine(reading)}; no ${several ? `${r.s.session.series} ` : ""}trades until a price returns`);
        else log.warn(`${coin}price sources back: ${priceLine(reading)}`);
      }
    }
    const killFile = this.o.config.kalshi.live.killSwitchFile;
    const kill = existsSync(killFile);
    if (kill !== this.killSwitch) {
      this.killSwitch = kill;
      for (const r of this.runs) r.s.session.feed({ type: "kill_switch", t, on: kill });
      log.warn(kill ? `kill switch ON (${killFile} exists): no new orders` : `kill switch off (${killFile} removed): orders allowed again`);
    }
    for (const r of this.runs) r.s.pricer.onClock(t);
    this.o.recorder?.flush();
    const recordingError = this.o.recorder?.takeError();
    if (recordingError) this.o.notices.say("recording", `${recordingError}: the recording has a hole until the disk takes writes again; trading goes on`);
    for (const r of this.runs) {
      const engine = r.s.session.engine;
      if (!r.warmedUp && engine.forecaster.ready) {
        r.warmedUp = true;
        log.show((c) => `${c.green("✓")} Warmed up${several ? ` ${r.s.session.series}` : ""}: ${count(engine.history.size)} prices; forecasting now`);
      } else if (!r.warmedUp && instant - r.lastWarmupNote >= 10) {
        r.lastWarmupNote = instant;
        log.info(this.warmingUp(r));
      }
    }
    if (instant >= this.lastStatus + this.every) {
      this.lastStatus = Math.floor(instant / this.every) * this.every;
      const { broker, balanceWatch } = this.o;
      const liveBits = [balanceWatch?.line(), broker ? ordersLine(broker) : null].filter((x): x is string => !!x).join("; ");
      for (const [i, r] of this.runs.entries()) {
        const { session, choice, pricer, indexId } = r.s;
        const reading = r.reading;
        const extra = [
          feedProblemsLine(reading),
          kalshiCountersLine(choice, session.market, this.o.config),
          indexLine(indexId, pricer, session.engine.indexCheck, choice.kalshi?.averages ?? null, session.priceDigits),
          i === this.runs.length - 1 && liveBits ? `live: ${liveBits}` : null,
        ].filter((x): x is string => x !== null);
        const shown = shownPrice(indexId === null ? null : pricer, indexId, { price: reading.price, short: priceSourceShort(reading) });
        session.status(instant, shown.price === null ? null : Math.round(shown.price * 10 ** session.priceDigits), priceLine(reading), extra, shown.short);
      }
      if (several && this.o.totalLine) {
        const line = this.o.totalLine;
        log.show((c) => line(instant, c));
      }
    }
  }

  /** The forecaster needs historyNeeded seconds of prices; the warm start usually gives them all. */
  private warmingUp(r: SeriesSeconds): string {
    const engine = r.s.session.engine;
    const which = this.runs.length > 1 ? ` ${r.s.session.series}` : "";
    return `Warming up${which}... ${count(engine.history.size)}/${count(engine.forecaster.historyNeeded)} prices (forecasts start in about ${duration(engine.forecaster.historyNeeded - engine.history.size)})`;
  }
}
