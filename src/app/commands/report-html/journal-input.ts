import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import type { PredictionRecord, WindowRecord } from "../../../domain/records.ts";
import type { CalibrationBin } from "../../../report/metrics.ts";
import type { ComparisonView, LagView } from "../../../report/html/report-data.ts";
import { readJsonl } from "../../../store/jsonl.ts";
import { readPredictions } from "../../../store/prediction-days.ts";
import { parseWindowRecord } from "../../../store/record-schema.ts";
import { journalFiles } from "../../../store/trade-journal.ts";

export type { WindowRecord };

/** Lines of a file that were skipped, for the report's warnings. */
export interface SkippedLines {
  count: number;
  readonly examples: string[];
}

export function windowsFile(dir: string): string {
  return journalFiles(dir).windows;
}

/** windows.jsonl, or null when the journal has none (older journals). Bad lines are skipped and reported. */
export function readWindows(dir: string): { records: WindowRecord[]; warnings: readonly string[] } | null {
  const path = windowsFile(dir);
  if (!existsSync(path)) return null;
  return readJsonl(path, parseWindowRecord);
}

/** Where a journal's predictions are (one file per day; an older version's predictions.jsonl beside them). */
export function predictionsFile(dir: string): string {
  return journalFiles(dir).predictionsDir;
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isNumOrNull = (v: unknown) => v === null || isNum(v);

/** Why a parsed line is not a prediction the report can use, or null when it is one. */
function predictionProblem(v: unknown): string | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "not a JSON object";
  const r = v as Record<string, unknown>;
  for (const k of ["t", "seconds_left", "btc_price", "strike", "p_up", "fair_value"]) if (!isNum(r[k])) return `${k} is not a number`;
  for (const k of ["yes_ask", "no_ask"]) if (!isNumOrNull(r[k])) return `${k} is not a number or null`;
  if (typeof r.ticker !== "string" || typeof r.reason !== "string") return "ticker or reason is not text";
  if (r.action !== "trade" && r.action !== "none") return "action is not trade or none";
  return null;
}

/**
 * Every prediction of a journal directory, oldest first, through the store's reader (days
 * rotated and compressed, an older single file first). Lines that are not predictions the report
 * can use are skipped and counted.
 */
export async function* reportPredictions(dir: string, skipped: SkippedLines): AsyncGenerator<PredictionRecord> {
  const skip = (message: string) => {
    skipped.count++;
    if (skipped.examples.length < 5) skipped.examples.push(message);
  };
  for await (const value of readPredictions(dir, { onSkip: skip })) {
    const problem = predictionProblem(value);
    if (problem !== null) {
      skip(`a prediction at t=${String((value as { t?: unknown }).t)} skipped: ${problem}`);
      continue;
    }
    yield value;
  }
}

/** The parts of a backtest's result (backtest.json) the report uses: its scores and no-trade counts. */
export interface BacktestScores {
  readonly windows: number;
  readonly forecasts_scored: number;
  readonly brier: number | null;
  readonly brier_by_minutes_to_close: Record<string, number | null>;
  readonly calibration: CalibrationBin[];
  readonly baselines: {
    readonly coin_flip: { readonly brier: number | null };
    readonly fair_value: { readonly brier: number | null; readonly brier_by_minutes_to_close: Record<string, number | null> };
    readonly market: {
      readonly brier: number | null;
      readonly brier_by_minutes_to_close: Record<string, number | null>;
      readonly n?: number;
      readonly forecasts_scored?: number;
      readonly windows?: number;
      /** Ours on the very checkpoints the market was scored on (backtests since the identical-checkpoint rule). */
      readonly model?: { readonly brier: number | null; readonly brier_by_minutes_to_close: Record<string, number | null> };
      readonly fair_value?: { readonly brier: number | null; readonly brier_by_minutes_to_close: Record<string, number | null> };
    } | null;
    readonly note?: string;
  };
  readonly no_trade_reasons: Record<string, number>;
  /** The file the scores came from: backtest.json, or a replay's replay.json. */
  readonly source?: string;
}

const byMinutes = z.record(z.string(), z.number().nullable());
const backtestSchema = z.object({
  windows: z.number().int().nonnegative(),
  forecasts_scored: z.number().int().nonnegative(),
  brier: z.number().nullable(),
  brier_by_minutes_to_close: byMinutes,
  calibration: z.array(z.object({ lo: z.number(), hi: z.number(), n: z.number().int().nonnegative(), mean_p: z.number(), freq: z.number() })),
  baselines: z.object({
    coin_flip: z.object({ brier: z.number().nullable() }),
    fair_value: z.object({ brier: z.number().nullable(), brier_by_minutes_to_close: byMinutes }),
    market: z
      .object({
        brier: z.number().nullable(),
        brier_by_minutes_to_close: byMinutes,
        n: z.number().int().optional(),
        forecasts_scored: z.number().int().nonnegative().optional(),
        windows: z.number().int().nonnegative().optional(),
        model: z.object({ brier: z.number().nullable(), brier_by_minutes_to_close: byMinutes }).optional(),
        fair_value: z.object({ brier: z.number().nullable(), brier_by_minutes_to_close: byMinutes }).optional(),
      })
      .nullable()
      .optional(),
    note: z.string().optional(),
  }),
  no_trade_reasons: z.record(z.string(), z.number().int().nonnegative()),
});

export function backtestFile(dir: string): string {
  return join(dir, "backtest.json");
}

/** backtest.json's scores (or a replay's replay.json, its same figures); null when absent. A file that does not parse is reported in `warnings`, not fatal. */
export function readBacktestScores(dir: string, warnings: string[]): BacktestScores | null {
  const path = [backtestFile(dir), join(dir, "replay.json")].find((p) => existsSync(p));
  if (path === undefined) return null;
  const r = readJsonFile(path, backtestSchema, path.endsWith("replay.json") ? "a replay result" : "a backtest result", warnings);
  if (r === null) return null;
  return { ...r, baselines: { ...r.baselines, market: r.baselines.market ?? null }, source: basename(path) };
}

/** A JSON file checked against `schema`; null (and a warning) when it is not what it should be. */
function readJsonFile<T>(path: string, schema: z.ZodType<T>, what: string, warnings: string[]): T | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    warnings.push(`${path} ignored: not JSON (${(e as Error).message})`);
    return null;
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    warnings.push(`${path} ignored: not ${what} (${issue?.path.join(".") || "file"}: ${issue?.message ?? "invalid"})`);
    return null;
  }
  return r.data;
}

const interval = z.tuple([z.number(), z.number()]).nullable();
const comparisonSchema = z.object({
  strategies: z.array(
    z.object({
      strategy: z.string(),
      description: z.string(),
      trades: z.number().int().nonnegative(),
      win_rate: z.number().nullable(),
      pnl: z.number(),
      pnl_ci95: interval,
      fees: z.number(),
      max_drawdown: z.number(),
      brier: z.number().nullable(),
    }),
  ),
  checkpoints: z.number().int().nonnegative(),
  windows: z.number().int().nonnegative(),
  start_balance: z.number(),
  fairness: z.object({ ok: z.boolean().nullable(), note: z.string() }),
  notes: z.array(z.string()),
});

/** compare.json (a backtest's or replay's --compare) beside the journal; null when absent. */
export function readComparison(dir: string, warnings: string[]): ComparisonView | null {
  const path = join(dir, "compare.json");
  return existsSync(path) ? readJsonFile(path, comparisonSchema, "a comparison (--compare)", warnings) : null;
}

const lagSchema = z.object({
  lag_seconds: z.number().int().nullable(),
  ci95: interval,
  n_seconds: z.number().int().nonnegative(),
  n_windows: z.number().int().nonnegative(),
  curve: z.array(z.object({ lag: z.number().int(), score: z.number() })),
  measure: z.string().optional(),
  cannot_say: z.array(z.string()).optional(),
});

/** lag.json (`btc15 research lag --json DIR/lag.json`) beside the journal; null when absent. */
export function readLag(dir: string, warnings: string[]): LagView | null {
  const path = join(dir, "lag.json");
  return existsSync(path) ? readJsonFile(path, lagSchema, "a lag measurement (btc15 research lag --json)", warnings) : null;
}
