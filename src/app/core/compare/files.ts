import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "../../../store/snapshot.ts";
import { journalFiles } from "../../../store/trade-journal.ts";
import type { Comparison, ComparisonResult } from "./comparison.ts";

/** Where a run's comparison goes: <dir>/compare.json, and each strategy's journal in <dir>/compare/<name>/. */
export function compareFile(dir: string): string {
  return join(dir, "compare.json");
}

export function armDir(dir: string, label: string): string {
  return join(dir, "compare", label.replace(/[^a-z0-9_]+/gi, "-"));
}

/**
 * Writes the comparison's result and each strategy's trade and window records (each folder a
 * journal of its own, so `btc15 report --data-dir <dir>/compare/<name>` reports one strategy).
 */
export function writeComparison(dir: string, comparison: Comparison, result: ComparisonResult): void {
  for (const { label, journal } of comparison.journals()) {
    const f = journalFiles(armDir(dir, label));
    mkdirSync(f.dir, { recursive: true });
    writeFileSync(f.trades, journal.records.map((r) => JSON.stringify(r) + "\n").join(""));
    writeFileSync(f.windows, journal.windows.map((r) => JSON.stringify(r) + "\n").join(""));
  }
  writeJsonAtomic(compareFile(dir), result);
}
