import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { PredictionRecord } from "../domain/records.ts";
import { readLinesAsync } from "./jsonl.ts";

/**
 * Predictions are kept one file per UTC day of their `t`, in `<journal>/predictions/`:
 *
 *   2024-12-01.jsonl.gz   a closed day: the records, compressed
 *   2024-12-01.csv.gz     the same as a spreadsheet, compressed
 *   2024-12-02.jsonl      the day being written
 *   2024-12-02.csv        its spreadsheet, rewritten at each stop
 *
 * A file named for day D holds only records of day D or earlier (a record joins the open file
 * unless its day is later, which starts the next file). When a day's name is taken by a closed
 * day, a part number follows it: `2024-12-02.1.jsonl`.
 */
export const PREDICTIONS_DIR = "predictions";

/** All the files of one day (and part); null where there is none. */
export interface PredictionDay {
  /** "2024-12-02" or "2024-12-02.1" */
  readonly base: string;
  readonly day: string;
  readonly part: number;
  readonly jsonl: string | null;
  readonly jsonlGz: string | null;
  readonly csv: string | null;
  readonly csvGz: string | null;
}

const NAME = /^(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.(jsonl|csv)(\.gz)?$/;

/** The UTC day of unix second `t`: "2024-12-02". */
export function utcDay(t: number): string {
  return new Date(t * 1000).toISOString().slice(0, 10);
}

export function predictionsDir(journalDir: string): string {
  return join(journalDir, PREDICTIONS_DIR);
}

/** The day files of a journal directory, oldest first. */
export function listPredictionDays(journalDir: string): PredictionDay[] {
  const dir = predictionsDir(journalDir);
  if (!existsSync(dir)) return [];
  const days = new Map<string, { day: string; part: number; jsonl: string | null; jsonlGz: string | null; csv: string | null; csvGz: string | null }>();
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    if (!m) continue;
    const part = m[2] === undefined ? 0 : Number(m[2]);
    const base = part === 0 ? m[1]! : `${m[1]}.${part}`;
    const d = days.get(base) ?? { day: m[1]!, part, jsonl: null, jsonlGz: null, csv: null, csvGz: null };
    const key = m[3] === "jsonl" ? (m[4] ? "jsonlGz" : "jsonl") : m[4] ? "csvGz" : "csv";
    d[key] = join(dir, name);
    days.set(base, d);
  }
  return [...days.entries()]
    .map(([base, d]) => ({ base, ...d }))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.part - b.part));
}

/** The records' file of a day: the plain one while it exists (it is the original), else the compressed one. */
export function recordsFile(d: PredictionDay): string | null {
  return d.jsonl ?? d.jsonlGz;
}

export interface ReadPredictionsOptions {
  /** A line that is not a JSON object, with its file and line number. */
  readonly onSkip?: (message: string) => void;
}

/**
 * Every prediction of a journal directory, oldest first: an older version's single
 * `predictions.jsonl` first, then the day files in order, compressed or not. Asynchronous, so
 * reading weeks of predictions never blocks the process.
 */
export async function* readPredictions(journalDir: string, options: ReadPredictionsOptions = {}): AsyncGenerator<PredictionRecord> {
  const files: string[] = [];
  const legacy = join(journalDir, "predictions.jsonl");
  if (existsSync(legacy)) files.push(legacy);
  for (const d of listPredictionDays(journalDir)) {
    const f = recordsFile(d);
    if (f !== null) files.push(f);
  }
  for (const file of files) {
    for await (const { text, lineNo, complete } of readLinesAsync(file)) {
      if (text.trim() === "") continue;
      let r: PredictionRecord;
      try {
        r = JSON.parse(text) as PredictionRecord;
        if (typeof r !== "object" || r === null || typeof r.t !== "number") throw new Error("not a prediction");
      } catch {
        options.onSkip?.(`${file}: line ${lineNo} skipped (${complete ? "not a prediction" : "cut off mid-write"})`);
        continue;
      }
      yield r;
    }
  }
}
