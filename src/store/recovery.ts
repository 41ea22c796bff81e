import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PREDICTIONS_DIR } from "./prediction-days.ts";

const TEMP = /\.tmp-(\d+)$/;

/** Is process `pid` still running? (Our own pid counts as gone: we have written nothing yet.) */
function running(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/**
 * Removes the temporary files (`performance.json.tmp-<pid>`, CSV and archive temporaries) that
 * writes interrupted by a crash or a kill left in a journal directory. A file whose process is
 * still running is another writer's, mid-write, and is left alone. Returns the names removed.
 */
export function removeStaleTemps(journalDir: string): string[] {
  const removed: string[] = [];
  for (const dir of [journalDir, join(journalDir, PREDICTIONS_DIR)]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const m = TEMP.exec(name);
      if (!m || running(Number(m[1]))) continue;
      rmSync(join(dir, name), { force: true, recursive: true });
      removed.push(name);
    }
  }
  return removed;
}
