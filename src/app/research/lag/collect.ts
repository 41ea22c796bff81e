import type { AppConfig } from "../../../config/schema.ts";
import { UserError } from "../../../domain/errors.ts";
import { quoteMid } from "../../../domain/quote.ts";
import { MemoryJournal } from "../../../engine/journal.ts";
import type { EngineListener } from "../../../engine/listener.ts";
import { DEFAULT_RECORDED_MARKET } from "../../../engine/recorded-market.ts";
import { replayHistory } from "../../../history/files.ts";
import { readQuoteFiles } from "../../../history/quote-files.ts";
import { buildCore } from "../../core/builder.ts";
import { type RecordedEvent, stripSeries } from "../../recording/format.ts";
import { type ReadCounters, findSessions, isEngineEvent, readRecordingBatches } from "../../recording/reader.ts";
import { recordedSeries } from "../../drivers/replay.ts";
import { FactsWatcher, type RecordingFacts } from "./facts.ts";
import { LagAccumulator, type LagOptions, type LagResult } from "./measure.ts";

/** Every forecast second, to the lag: the window, the instant, our fair value, and Kalshi's mid as known then. */
function toLag(acc: LagAccumulator): EngineListener {
  return {
    onForecast(e) {
      acc.add({ close: e.window.close, t: e.t, fairValue: e.forecast.fairValue, mid: quoteMid(e.quote) });
    },
  };
}

export interface RecordingsLag {
  readonly result: LagResult;
  readonly facts: RecordingFacts;
  readonly recording: ReadCounters;
}

/**
 * The lag over recorded live sessions: each session's events replayed through the same builder
 * and engine as `btc15 replay` (with its own configuration unless one is given), and at every
 * second the engine forecast, its fair value beside the mid of Kalshi's book as the engine knew
 * it then (no quote from a book older than kalshi.bookFreshnessMs). Sessions that traded the
 * synthetic market have no Kalshi book and are skipped.
 */
export async function lagFromRecordings(paths: readonly string[], o: { config?: AppConfig; lag?: LagOptions; onSession?: (line: string) => void } = {}): Promise<RecordingsLag> {
  const sessions = await findSessions(paths);
  const acc = new LagAccumulator(o.lag);
  const watch = new FactsWatcher();
  const read: ReadCounters = { lines: 0, ticks: 0, skipped: 0, problems: [] };
  for (const session of sessions) {
    if (session.header.market !== "kalshi") {
      watch.syntheticSkipped++;
      o.onSession?.(`session ${session.id}: skipped (it traded the synthetic market: no Kalshi book was recorded)`);
      continue;
    }
    watch.sessions++;
    // The recording's configuration read as replay reads it; of several series, the first one's events.
    const rec = recordedSeries(session.header);
    const series = rec.series[0]!;
    const digits = rec.priceDigits[series];
    const core = buildCore({
      config: o.config ?? rec.config,
      series,
      ...(digits !== undefined ? { priceDigits: digits } : {}),
      market: { kind: "venue" },
      settlement: session.header.settlement,
      journal: new MemoryJournal(),
      predictionEverySeconds: 0,
      listeners: [toLag(acc)],
      onEvent: (e) => watch.observe(e),
    });
    let events = 0;
    for (const file of session.files) {
      for await (const batch of readRecordingBatches(file.path, read)) {
        for (const line of batch) {
          if (!isEngineEvent(line)) continue;
          const e = line as RecordedEvent;
          if ((e.series ?? series) !== series) continue;
          core.feed(stripSeries(e));
          events++;
        }
      }
    }
    o.onSession?.(`session ${session.id}: ${events.toLocaleString("en-US")} events${rec.series.length > 1 ? ` of ${series} (the first of ${rec.series.join(", ")})` : ""}`);
  }
  if (watch.sessions === 0) {
    throw new UserError(`none of the ${sessions.length} session(s) in ${paths.join(", ")} recorded Kalshi's book (they traded the synthetic market): record a live session against Kalshi (btc15 live --markets kalshi)`);
  }
  return { result: acc.result(), facts: watch.facts(), recording: read };
}

export interface MinuteFacts {
  readonly price_files: readonly string[];
  readonly quote_files: readonly string[];
  readonly quote_rows: number;
  readonly quote_delay_seconds: number;
  readonly assumed_spread_cents: number | null;
  readonly seconds: number;
}

/**
 * The lag from minute data: a price file (bars rebuilt into seconds, as the backtest does) and a
 * quotes file (a row a minute, each usable from its label plus `quoteDelaySeconds`), through the
 * backtest's engine, every second. The mid changes once a minute, so the answer has the rows'
 * resolution, not a second's.
 */
export async function lagFromMinuteFiles(priceFiles: readonly string[], quoteFiles: readonly string[], o: { config: AppConfig; quoteDelaySeconds?: number; assumeSpreadCents?: number; lag?: LagOptions }): Promise<{ result: LagResult; facts: MinuteFacts }> {
  const quotes = await readQuoteFiles(quoteFiles, o.assumeSpreadCents === undefined ? {} : { assumeSpreadCents: o.assumeSpreadCents });
  if (quotes.quotes.size === 0) throw new UserError(`no usable quote rows in ${quoteFiles.join(", ")}`);
  const acc = new LagAccumulator(o.lag);
  const delay = o.quoteDelaySeconds ?? 0;
  const core = buildCore({
    config: o.config,
    market: { kind: "recorded", tape: quotes, params: { ...DEFAULT_RECORDED_MARKET, quoteDelaySeconds: delay } },
    settlement: "proxy",
    journal: new MemoryJournal(),
    predictionEverySeconds: 0,
    listeners: [toLag(acc)],
  });
  await replayHistory(priceFiles, core.sampler);
  core.sampler.flush();
  return {
    result: acc.result(),
    facts: {
      price_files: priceFiles,
      quote_files: quoteFiles,
      quote_rows: quotes.stats.rows,
      quote_delay_seconds: delay,
      assumed_spread_cents: quotes.stats.assumedSpreadCents,
      seconds: core.engine.counters.samples,
    },
  };
}
