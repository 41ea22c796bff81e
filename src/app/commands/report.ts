import { existsSync } from "node:fs";
import { Account } from "../../engine/account.ts";
import { exportCsv } from "../../store/export.ts";
import { type Io, PROCESS_IO } from "./io.ts";
import { preflightExport, preflightHtmlReport, preflightReport } from "./preflight.ts";
import { writeHtmlReport } from "./report-html/command.ts";
import { journalFiles, loadTradeJournal } from "../../store/trade-journal.ts";
import { UserError } from "../../domain/errors.ts";
import { COLOUR, PLAIN, type Paint, type SummaryLine, summaryBlock, settlementLine, tradeBlock } from "../console/console-format.ts";
import { seriesDir, seriesJournals } from "../../store/series-layout.ts";
import { totalSummary } from "../core/account-view.ts";
import { consoleColumns, fitLines } from "../console/fit.ts";
import { count, plural, signedUsd, usd } from "../console/number-style.ts";

/**
 * The performance summary of any journal (a past session, the demo, a backtest); of a data
 * directory with a journal per series, each series' and then all of them together.
 */
export function journalReport(dir: string, paint: Paint = PLAIN, recent = 10, width = Infinity): string {
  const series = existsSync(journalFiles(dir).trades) ? [] : seriesJournals(dir);
  if (series.length === 1) return journalReport(seriesDir(dir, series[0]!), paint, recent, width);
  if (series.length > 0) {
    const summaries = series.map((s) => Account.fromRecords(loadTradeJournal(seriesDir(dir, s)).records, 0).summary());
    const parts = series.map((s) => paint.bold(`── ${s} ──`) + "\n" + journalReport(seriesDir(dir, s), paint, recent, width));
    const rows: SummaryLine[] = series.map((s, i) => [s, `P&L ${signedUsd(summaries[i]!.pnl)}, ${plural(summaries[i]!.trades, "trade")}, balance ${usd(summaries[i]!.balance)}`]);
    parts.push(summaryBlock(totalSummary(summaries), rows, paint, `Performance summary: every series together (${series.length})`));
    return fitLines(parts.join("\n\n"), width);
  }
  if (!existsSync(journalFiles(dir).trades)) throw new UserError(`no journal in ${dir}/ (expected ${journalFiles(dir).trades})`);
  const journal = loadTradeJournal(dir);
  const account = Account.fromRecords(journal.records, 0);
  const lines: string[] = [];
  for (const w of journal.warnings) lines.push(`warning: ${w}`);
  const events = journal.records.filter((r) => r.type !== "account");
  if (events.length) {
    lines.push(paint.bold(`Last ${count(Math.min(recent, events.length))} of ${plural(events.length, "journal event")}`));
    for (const r of events.slice(-recent)) lines.push(r.type === "trade" ? tradeBlock(r, paint) : settlementLine(r, paint, width));
    lines.push("");
  }
  lines.push(summaryBlock(account.summary(), [["journal", `${journalFiles(dir).trades} (${plural(journal.records.length, "record")})`]], paint));
  return fitLines(lines.join("\n"), width);
}

/** `btc15 export`: trades.csv, and the predictions of each day not yet archived (finished days have theirs in predictions/); each series' with several. */
export async function exportJournal(dir: string): Promise<string> {
  const series = existsSync(journalFiles(dir).trades) ? [] : seriesJournals(dir);
  if (series.length > 0) {
    const out: string[] = [];
    for (const s of series) out.push(await exportJournal(seriesDir(dir, s)));
    return out.join("\n");
  }
  if (!existsSync(journalFiles(dir).trades)) throw new UserError(`no journal in ${dir}/`);
  const out = await exportCsv(dir);
  const f = journalFiles(dir);
  return [
    `wrote ${f.tradesCsv} (${plural(out.trades, "trade")})`,
    out.predictionFiles.length ? `wrote ${out.predictionFiles.join(", ")} (${plural(out.predictions, "prediction")})` : `no open day of predictions to export`,
    ...out.warnings.map((w) => `warning: ${w}`),
  ].join("\n");
}

/** `btc15 report`: the summary of a journal, or its HTML report with `html`. */
export async function reportCommand(o: { readonly dataDir: string; readonly last: number; readonly html?: string | true }, io: Io = PROCESS_IO): Promise<void> {
  if (o.html !== undefined) preflightHtmlReport(o.dataDir, o.html);
  else preflightReport(o.dataDir);
  if (o.html !== undefined) {
    io.out.write((await writeHtmlReport(o.dataDir, o.html === true ? undefined : o.html, new Date().toISOString())) + "\n");
    return;
  }
  io.out.write(journalReport(o.dataDir, io.out.isTTY ? COLOUR : PLAIN, o.last, consoleColumns(io.out, io.env)) + "\n");
}

/** `btc15 export`: the CSV files of a journal. */
export async function exportCommand(o: { readonly dataDir: string }, io: Io = PROCESS_IO): Promise<void> {
  preflightExport(o.dataDir);
  io.out.write((await exportJournal(o.dataDir)) + "\n");
}
