import { readFileSync } from "node:fs";
import { buildCore } from "../src/app/core/builder.ts";
import { BUNDLED_SAMPLE } from "../src/app/core/sample.ts";
import type { AppConfig } from "../src/config/schema.ts";
import { MemoryJournal } from "../src/engine/journal.ts";
import { BarBatch, BarCsvParser } from "../src/history/bars-csv.ts";
import { perSecondFromBars } from "../src/history/per-second.ts";

/**
 * Several million one-second prices as a one-second CSV held in memory: the bundled minute
 * sample turned into seconds (the backtest's own rule), `copies` times end to end.
 */
export function oneSecondCsv(copies: number): { chunks: string[]; rows: number } {
  const seconds: number[] = [];
  const prices: number[] = [];
  const toSeconds = perSecondFromBars(60, { observe: (s, p) => (seconds.push(s), prices.push(p)) });
  const p = new BarCsvParser("sample", toSeconds);
  p.push(readFileSync(BUNDLED_SAMPLE, "latin1"));
  p.end();
  const span = seconds.at(-1)! - seconds[0]! + 1;
  // Flat strings of about 1 MB, like the chunks a file stream delivers (joined, not built with +=,
  // which would leave trees of string pieces that inflate the memory figures).
  const chunks: string[] = [];
  let lines: string[] = ["timestamp_unix_seconds,open,high,low,close,volume\n"];
  for (let c = 0; c < copies; c++) {
    for (let i = 0; i < seconds.length; i++) {
      const price = prices[i]!.toFixed(2);
      lines.push(`${seconds[i]! + c * span},${price},${price},${price},${price},0.01\n`);
      if (lines.length === 20_000) {
        chunks.push(lines.join(""));
        lines = [];
      }
    }
  }
  chunks.push(lines.join(""));
  return { chunks, rows: seconds.length * copies };
}

/** The floor: only parsing the same prices (chunk by chunk into columns, as the backtest reads files). */
export function parseOnly(chunks: readonly string[]): { rows: number; checksum: number } {
  let checksum = 0;
  const batch = new BarBatch();
  const p = new BarCsvParser("bench", batch.add);
  for (const c of chunks) {
    p.push(c);
    checksum += batch.sumOfCloses();
  }
  p.end();
  checksum += batch.sumOfCloses();
  return { rows: p.counters.bars, checksum };
}

/** The pipeline: parse, sampler, and the backtest's own engine (forecaster, strategy, paper broker, scorecard) with the journal in memory. */
export function fullPipeline(chunks: readonly string[], config: AppConfig): { samples: number; trades: number; forecasts: number } {
  const { engine, sampler } = buildCore({ config, market: { kind: "synthetic" }, settlement: "proxy", journal: new MemoryJournal(), predictionEverySeconds: 0, sampler: { maxCarrySeconds: 300 } });
  const toSeconds = perSecondFromBars(1, sampler);
  const batch = new BarBatch();
  const p = new BarCsvParser("bench", batch.add);
  for (const c of chunks) {
    p.push(c);
    batch.replay(toSeconds);
  }
  p.end();
  batch.replay(toSeconds);
  sampler.flush();
  return { samples: engine.counters.samples, trades: engine.counters.trades, forecasts: engine.counters.forecasts };
}
