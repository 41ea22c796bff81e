import type { PredictionRecord } from "../../../domain/records.ts";
import { checkpointMinutes } from "../../../report/scorecard.ts";

/** The forecasts made at one checkpoint of a window. */
export interface CheckpointForecast {
  readonly minutes: number;
  readonly model: number;
  readonly fairValue: number;
  /** The market's mid, (YES ask + YES bid) / 2 with YES bid = 1 − NO ask; null without a two-sided quote. */
  readonly market: number | null;
}

export interface PricePath {
  readonly ticker: string;
  readonly close: number;
  readonly strike: number;
  readonly prices: { t: number; price: number }[];
}

/**
 * What the report needs of predictions.jsonl, gathered in one pass so the file is never held
 * whole: the forecasts at each window's checkpoints, the no-trade reasons, and the price path
 * of the last few windows.
 */
export class PredictionDigest {
  count = 0;
  first: number | null = null;
  last: number | null = null;
  /** By window close, then by minutes before it; the first prediction at a checkpoint counts. */
  readonly checkpoints = new Map<number, Map<number, CheckpointForecast>>();
  readonly reasons = new Map<string, number>();
  private readonly paths = new Map<number, PricePath>();

  constructor(private readonly keepWindows: number) {}

  add(p: PredictionRecord): void {
    this.count++;
    if (this.first === null || p.t < this.first) this.first = p.t;
    if (this.last === null || p.t > this.last) this.last = p.t;
    const close = p.t + p.seconds_left;
    if (p.action === "none") {
      // The reason's name is the text before the first colon; the rest is detail ("low_edge: best edge …").
      const reason = p.reason.split(":")[0]!.trim() || "(none given)";
      this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    }
    const minutes = checkpointMinutes(close, p.t);
    if (minutes !== null) {
      let byMinute = this.checkpoints.get(close);
      if (byMinute === undefined) this.checkpoints.set(close, (byMinute = new Map()));
      if (!byMinute.has(minutes)) {
        const market = p.yes_ask !== null && p.no_ask !== null ? (p.yes_ask + 1 - p.no_ask) / 2 : null;
        byMinute.set(minutes, { minutes, model: p.p_up, fairValue: p.fair_value, market });
      }
    }
    let path = this.paths.get(close);
    if (path === undefined) {
      this.paths.set(close, (path = { ticker: p.ticker, close, strike: p.strike, prices: [] }));
      if (this.paths.size > this.keepWindows) this.paths.delete(Math.min(...this.paths.keys()));
    }
    path.prices.push({ t: p.t, price: p.btc_price });
  }

  /** Price paths of the last windows seen, by close. */
  pricePaths(): ReadonlyMap<number, PricePath> {
    return this.paths;
  }
}
