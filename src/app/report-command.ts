import { existsSync } from "node:fs";
import { Account } from "../engine/account.ts";
import { exportCsv } from "../store/export.ts";
import { journalFiles, loadTradeJournal } from "../store/trade-journal.ts";
import { UserError } from "../domain/errors.ts";
import { PLAIN, type Paint, summaryBlock, settlementLine, tradeBlock } from "./console-format.ts";

/** The performance summary of any journal (a past session, the demo, a backtest). */
export function journalReport(dir: string, paint: Paint = PLAIN, recent = 10): string {
  if (!existsSync(journalFiles(dir).trades)) throw new UserError(`no journal in ${dir}/ (expected ${journalFiles(dir).trades})`);
  const journal = loadTradeJournal(dir);
  const account = Account.fromRecords(journal.records, 0);
  const lines: string[] = [];
  for (const w of journal.warnings) lines.push(`warning: ${w}`);
  const events = journal.records.filter((r) => r.type !== "account");
  if (events.length) {
    lines.push(paint.bold(`Last ${Math.min(recent, events.length)} of ${events.length} journal events`));
    for (const r of events.slice(-recent)) lines.push(r.type === "trade" ? tradeBlock(r, paint) : settlementLine(r, paint));
    lines.push("");
  }
  lines.push(summaryBlock(account.summary(), [`journal        ${journalFiles(dir).trades} (${journal.records.length} records)`], paint));
  return lines.join("\n");
}

export function exportJournal(dir: string): string {
  if (!existsSync(journalFiles(dir).trades)) throw new UserError(`no journal in ${dir}/`);
  const out = exportCsv(dir);
  const f = journalFiles(dir);
  return [`wrote ${f.tradesCsv} (${out.trades} trades)`, `wrote ${f.predictionsCsv} (${out.predictions} predictions)`, ...out.warnings.map((w) => `warning: ${w}`)].join("\n");
}
