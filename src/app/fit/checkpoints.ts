import type { AppConfig } from "../../config/schema.ts";
import { engineConfig } from "../../config/engine-config.ts";
import { Engine } from "../../engine/engine.ts";
import { MemoryJournal } from "../../engine/journal.ts";
import { Sampler } from "../../engine/sampler.ts";
import { replayHistory } from "../../history/files.ts";
import type { ModelParams } from "../../model/params.ts";
import { Scorecard } from "../../report/scorecard.ts";

/** What the forecaster said at one checkpoint of one window, and what happened. */
export interface Checkpoint {
  readonly close: number;
  readonly minutes: number;
  readonly pUp: number;
  /** Fair-value z-score, and the two terms' standardised signals times the drift factor. */
  readonly z: number;
  readonly momentum: number;
  readonly meanReversion: number;
  readonly up: boolean;
}

/**
 * Runs the production engine (sampler, window tracker, forecaster) over history files with a
 * market that never quotes, so nothing trades, and keeps the forecast at every whole minute
 * before each close together with the outcome. A Scorecard scores the same forecasts the way
 * the backtest does.
 */
export async function collectCheckpoints(files: readonly string[], model: ModelParams, base: AppConfig): Promise<{ checkpoints: Checkpoint[]; scorecard: Scorecard }> {
  const checkpoints: Checkpoint[] = [];
  const pending = new Map<number, Omit<Checkpoint, "up">[]>();
  const scorecard = new Scorecard(["model", "fair_value"]);
  const engine = new Engine(engineConfig({ ...base, model }, { settlement: "proxy", predictionEverySeconds: 0 }), {
    market: { name: "none", quote: () => null },
    journal: new MemoryJournal(),
    listener: {
      onForecast(e) {
        const left = e.window.close - e.t;
        if (left % 60 !== 0 || left < 60 || left > 14 * 60) return;
        const f = e.forecast;
        let list = pending.get(e.window.close);
        if (list === undefined) pending.set(e.window.close, (list = []));
        list.push({ close: e.window.close, minutes: left / 60, pUp: f.pUp, z: f.z, momentum: f.momentumSignal * f.drift, meanReversion: f.meanReversionSignal * f.drift });
        scorecard.record(e.window.close, left / 60, [f.pUp, f.fairValue]);
      },
      onWindowClosed(w) {
        const list = pending.get(w.window.close);
        pending.delete(w.window.close);
        scorecard.resolve(w.window.close, w.result === null ? null : w.result === "yes");
        if (list === undefined || w.result === null) return;
        for (const c of list) checkpoints.push({ ...c, up: w.result === "yes" });
      },
    },
  });
  const sampler = new Sampler(
    {
      onSecond: (s, c, carried) => engine.onSecond(s, c, carried),
      onGap: (from, to) => {
        pending.clear();
        scorecard.dropPending();
        engine.onGap(from, to);
      },
    },
    { maxCarrySeconds: base.backtest.maxCarrySeconds },
  );
  await replayHistory(files, sampler);
  sampler.flush();
  return { checkpoints, scorecard };
}
