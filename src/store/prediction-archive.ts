import { createReadStream, createWriteStream, rmSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { constants, createGzip } from "node:zlib";
import type { PredictionDay } from "./prediction-days.ts";
import { writePredictionsCsv } from "./prediction-csv.ts";
import { writeAtomicAsync } from "./snapshot.ts";

/** Compresses a file into `to`, atomically. */
async function gzipFile(from: string, to: string, level: number): Promise<void> {
  await writeAtomicAsync(to, (tmp) => pipeline(createReadStream(from), createGzip({ level }), createWriteStream(tmp)));
}

/**
 * Closes a finished day: its spreadsheet and its records are written compressed, and only then
 * are the plain files removed. The plain records file stays the original until the very end, so
 * a crash at any step leaves it in place and the day is simply archived again.
 */
export async function archiveDay(d: PredictionDay, warnings: string[], level: number = constants.Z_DEFAULT_COMPRESSION): Promise<number> {
  if (d.jsonl === null) return 0;
  const base = d.jsonl.slice(0, -".jsonl".length);
  const rows = await writePredictionsCsv(d.jsonl, `${base}.csv.gz`, warnings, level);
  await gzipFile(d.jsonl, `${base}.jsonl.gz`, level);
  if (d.csv !== null) rmSync(d.csv, { force: true });
  rmSync(d.jsonl);
  return rows;
}
