import type { AppConfig } from "../../config/schema.ts";
import { journalFiles } from "../../store/trade-journal.ts";
import { seriesDir } from "../../store/series-layout.ts";
import { plural } from "../console/number-style.ts";
import type { TradingSessions } from "./sessions.ts";

// A trade journal that cannot be written ends a run, live or demo, the same way: no new trade
// from the first refused write, the open positions' results awaited and their records retried,
// then a stop with exit code 3 and one line that says what to do.

/** After every result is in, a disk that still refuses gets this long to take the records back. */
export const JOURNAL_RETRY_SECONDS = 60;

/** The exit code of a run stopped by its journal. */
export const JOURNAL_STOP_EXIT = 3;

/**
 * When a run whose journal failed has done what it still can: every open position's result is
 * in (or given up on), and the records are written, or the disk has refused them for
 * JOURNAL_RETRY_SECONDS more (they settle again at the next start).
 */
export function journalDrain(sessions: TradingSessions, config: AppConfig): (nowSeconds: number) => boolean {
  const giveUpSeconds = Math.ceil(config.kalshi.resultGiveUpMs / 1000);
  let resultsInAt: number | null = null;
  return (now) => {
    if (sessions.list.some((s) => s.engine.awaitingSettlement(now - giveUpSeconds) > 0)) {
      resultsInAt = null;
      return false;
    }
    resultsInAt ??= now;
    return sessions.list.every((s) => s.engine.journalPending === 0) || now - resultsInAt >= JOURNAL_RETRY_SECONDS;
  };
}

/** The one line a run stopped by its journal ends with. */
export function journalStopLine(sessions: TradingSessions, rootDir: string, failed: Error): string {
  const pending = sessions.list.reduce((n, s) => n + s.engine.journalPending, 0);
  const where = sessions.list.length === 1 ? journalFiles(seriesDir(rootDir, sessions.list[0]!.series)).trades : `under ${rootDir}/`;
  return (
    `STOPPED: the trade journal ${where} could not be written (${failed.message}). ` +
    `Free space on its disk (or fix the error), then start again${pending ? `: the ${plural(pending, "record")} not written ${pending === 1 ? "settles" : "settle"} again then` : ""}.`
  );
}

/** The summary's line for the records a journal did not take (none: no line). */
export function notJournaledLine(pending: number): readonly [string, string] | null {
  return pending ? ["NOT JOURNALED", `${plural(pending, "record")} could not be written (disk): ${pending === 1 ? "it settles" : "they settle"} again at the next start`] : null;
}
