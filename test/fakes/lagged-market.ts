// A recorded live session against a Kalshi whose book trails spot by a known delay: its mid at
// every instant is our own fair value of the spot D seconds earlier (on the 1¢ grid, with a
// little noise of its own), written with the real recorder the way a live session writes it.
import { buildCore } from "../../src/app/core/builder.ts";
import { SessionRecorder } from "../../src/app/recording/recorder.ts";
import { parseConfig } from "../../src/config/load.ts";
import type { AppConfig } from "../../src/config/schema.ts";
import type { EngineEvent } from "../../src/domain/events.ts";
import { windowAt } from "../../src/domain/window.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { gaussian } from "../helpers.ts";

/** The configuration the lagged sessions record: a short warm-up, so a few hours hold many windows. */
export function laggedConfig(dataDir: string): AppConfig {
  return parseConfig({ dataDir, model: { warmupSeconds: 120 }, strategy: { minConfidence: 0 } });
}

export interface LaggedSession {
  /** The delay of the market behind spot, seconds. */
  readonly delay: number;
  /** Windows of the session (whole quarter-hours after the warm-up). */
  readonly windows: number;
  readonly seed: number;
  /** Book requested this many ms before each second ends (1 s polls). */
  readonly pollLeadMs?: number;
  /** sd of the market's own noise, probability points (default 0.01). */
  readonly noise?: number;
}

const START = Date.parse("2026-11-02T00:00:00Z") / 1000;

/** Writes one lagged session under `sessionsDir`; returns the folder and the seconds it holds. */
export function writeLaggedSession(sessionsDir: string, config: AppConfig, o: LaggedSession): { folder: string; seconds: number } {
  const g = gaussian(o.seed);
  // Warm-up, then whole windows from the next quarter-hour.
  const first = START - 300;
  const end = START + 900 * o.windows;
  const cents: number[] = [];
  let p = 6_400_000;
  for (let s = first; s < end; s++) {
    p = Math.max(100, Math.round(p * (1 + 0.0002 * g())));
    cents.push(p);
  }
  // The engine's own fair value at each instant, from the same prices (no market needed for it).
  const fair = new Map<number, number>();
  const core = buildCore({
    config,
    market: { kind: "none" },
    settlement: "proxy",
    journal: new MemoryJournal(),
    predictionEverySeconds: 0,
    listeners: [{ onForecast: (e) => fair.set(e.t, e.forecast.fairValue) }],
  });
  cents.forEach((c, i) => core.feed({ type: "second", second: first + i, cents: c, carried: false }));

  const clock = { t: first * 1000 };
  const rec = new SessionRecorder({ dir: sessionsDir, rotate: "hour", now: () => clock.t, header: { btc15_version: "test", config, market: "kalshi", settlement: "proxy", mode: "paper", journal_at_start: [] } });
  const noise = o.noise ?? 0.01;
  const lead = o.pollLeadMs ?? 300;
  const events: EngineEvent[] = [];
  let ticker = "";
  cents.forEach((c, i) => {
    const second = first + i;
    const T = second + 1;
    clock.t = T * 1000 + 20;
    const w = windowAt(second);
    if (w.ticker !== ticker) {
      ticker = w.ticker;
      events.push({ type: "market", t: clock.t, ticker: w.ticker, open: w.open, close: w.close, tradable: true, strikeCents: null, ranges: null });
    }
    const then = fair.get(T - o.delay);
    if (then !== undefined) {
      const mid = Math.min(97, Math.max(3, Math.round((then + noise * g()) * 100)));
      // YES bid mid − 1¢, NO bid (100 − mid − 1)¢: YES ask mid + 1¢; depth enough for any order here.
      events.push({ type: "book", ticker: w.ticker, requestedMs: T * 1000 - lead, receivedMs: T * 1000 - lead + 150, book: { yes: [{ price: (mid - 1) * 100, size: 500 }], no: [{ price: (100 - mid - 1) * 100, size: 500 }] } });
    }
    events.push({ type: "second", second, cents: c, carried: false });
    for (const e of events) rec.event(e);
    events.length = 0;
  });
  rec.close();
  return { folder: rec.folder, seconds: cents.length };
}
