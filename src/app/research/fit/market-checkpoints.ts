import type { AppConfig } from "../../../config/schema.ts";
import { MemoryJournal } from "../../../engine/journal.ts";
import { DEFAULT_RECORDED_MARKET, type QuoteTape } from "../../../engine/recorded-market.ts";
import { replayHistory } from "../../../history/files.ts";
import { checkpointMinutes } from "../../../report/scorecard.ts";
import { buildCore } from "../../core/builder.ts";
import { quoteMid } from "../../../domain/quote.ts";

/** One checkpoint where both the forecaster and the recorded market had a price, with the official outcome. */
export interface MarketCheckpoint {
  /** The window's close (unix s). */
  readonly close: number;
  /** Minutes before the close (1…14). */
  readonly minutes: number;
  readonly fairValue: number;
  /** The forecaster's P(up) (the fair value under the fitted defaults). */
  readonly pUp: number;
  /** The market's mid, (YES bid + YES ask) / 2, as the backtest's market baseline reads it. */
  readonly mid: number;
  readonly up: boolean;
}

/**
 * Runs the production engine over price history against recorded Kalshi quotes, as
 * `btc15 backtest --quotes` does, and keeps every checkpoint (each whole minute 1–14 before a
 * close) where the market quoted both sides: the same checkpoints the backtest's market baseline
 * scores. Only windows settled by the recording's official result are kept, never by our own
 * proxy average, so the outcome is Kalshi's.
 */
export async function collectMarketCheckpoints(
  priceFiles: readonly string[],
  tape: QuoteTape,
  config: AppConfig,
): Promise<MarketCheckpoint[]> {
  const rows: MarketCheckpoint[] = [];
  const pending = new Map<number, Omit<MarketCheckpoint, "up">[]>();
  const { sampler } = buildCore({
    config,
    market: { kind: "recorded", tape, params: DEFAULT_RECORDED_MARKET },
    settlement: "proxy",
    journal: new MemoryJournal(),
    predictionEverySeconds: 0,
    listeners: [
      {
        onForecast(e) {
          const minutes = checkpointMinutes(e.window.close, e.t);
          const mid = quoteMid(e.quote);
          if (minutes === null || mid === null) return;
          let list = pending.get(e.window.close);
          if (list === undefined) pending.set(e.window.close, (list = []));
          list.push({ close: e.window.close, minutes, fairValue: e.forecast.fairValue, pUp: e.forecast.pUp, mid });
        },
        onWindowResolved(w) {
          const list = pending.get(w.window_close);
          pending.delete(w.window_close);
          if (list === undefined || w.result === null || w.source === "proxy") return;
          for (const c of list) rows.push({ ...c, up: w.result === "yes" });
        },
        onGap: () => pending.clear(),
      },
    ],
  });
  await replayHistory(priceFiles, sampler);
  sampler.flush();
  return rows;
}
