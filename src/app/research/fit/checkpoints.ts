import type { AppConfig } from "../../../config/schema.ts";
import { MemoryJournal } from "../../../engine/journal.ts";
import { replayHistory } from "../../../history/files.ts";
import type { ModelParams } from "../../../model/params.ts";
import { type Scorecard, checkpointMinutes } from "../../../report/scorecard.ts";
import { buildCore } from "../../core/builder.ts";

/**
 * What the forecaster said at each checkpoint of each settled window, and what happened, as
 * columns (a fit holds millions of them): the forecast, the fair-value z-score, the two terms'
 * standardised signals times the drift factor, and the outcome.
 */
export interface Checkpoints {
  readonly n: number;
  readonly close: Float64Array;
  readonly pUp: Float64Array;
  readonly z: Float64Array;
  readonly momentum: Float64Array;
  readonly meanReversion: Float64Array;
  readonly up: Uint8Array;
}

/** Grows typed columns as rows arrive. */
class CheckpointBuilder {
  private cap = 1024;
  n = 0;
  private cols = this.alloc(this.cap);

  private alloc(cap: number) {
    return { close: new Float64Array(cap), pUp: new Float64Array(cap), z: new Float64Array(cap), momentum: new Float64Array(cap), meanReversion: new Float64Array(cap), up: new Uint8Array(cap) };
  }

  push(close: number, pUp: number, z: number, momentum: number, meanReversion: number, up: boolean): void {
    if (this.n === this.cap) {
      const bigger = this.alloc((this.cap *= 2));
      for (const k of Object.keys(bigger) as (keyof typeof bigger)[]) bigger[k].set(this.cols[k] as never);
      this.cols = bigger;
    }
    const i = this.n++;
    const c = this.cols;
    c.close[i] = close;
    c.pUp[i] = pUp;
    c.z[i] = z;
    c.momentum[i] = momentum;
    c.meanReversion[i] = meanReversion;
    c.up[i] = up ? 1 : 0;
  }

  build(): Checkpoints {
    const c = this.cols;
    const n = this.n;
    return { n, close: c.close.slice(0, n), pUp: c.pUp.slice(0, n), z: c.z.slice(0, n), momentum: c.momentum.slice(0, n), meanReversion: c.meanReversion.slice(0, n), up: c.up.slice(0, n) };
  }
}

/**
 * Runs the production engine (sampler, window tracker, forecaster) over history files with a
 * market that never quotes, so nothing trades, and keeps the forecast at every whole minute
 * before each close together with the outcome. A Scorecard scores the same forecasts the way
 * the backtest does.
 */
export async function collectCheckpoints(
  files: readonly string[],
  model: ModelParams,
  base: AppConfig,
  onProgress?: (bytesDone: number, bytesTotal: number) => void,
): Promise<{ checkpoints: Checkpoints; scorecard: Scorecard }> {
  const rows = new CheckpointBuilder();
  const pending = new Map<number, [number, number, number, number][]>();
  const { sampler, scorecard } = buildCore({
    config: { ...base, model },
    market: { kind: "none" },
    settlement: "proxy",
    journal: new MemoryJournal(),
    predictionEverySeconds: 0,
    listeners: [
      {
        onForecast(e) {
          if (checkpointMinutes(e.window.close, e.t) === null) return;
          const f = e.forecast;
          let list = pending.get(e.window.close);
          if (list === undefined) pending.set(e.window.close, (list = []));
          list.push([f.pUp, f.z, f.momentumSignal * f.drift, f.meanReversionSignal * f.drift]);
        },
        // The same outcomes the backtest scores: our own 60-s averages, when they were made of live prices.
        onWindowResolved(w) {
          const list = pending.get(w.window_close);
          pending.delete(w.window_close);
          if (list === undefined || w.result === null) return;
          for (const [pUp, z, m, r] of list) rows.push(w.window_close, pUp, z, m, r, w.result === "yes");
        },
        onGap: () => pending.clear(),
      },
    ],
  });
  await replayHistory(files, sampler, { onProgress });
  sampler.flush();
  return { checkpoints: rows.build(), scorecard };
}
