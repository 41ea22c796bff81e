import { existsSync, writeSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../../domain/errors.ts";
import { renderReport } from "../../../report/html/render.ts";
import type { ReportData } from "../../../report/html/report-data.ts";
import { writeAtomic } from "../../../store/snapshot.ts";
import { journalFiles, loadTradeJournal } from "../../../store/trade-journal.ts";
import { LAST_WINDOWS, assembleReport } from "./assemble.ts";
import { type SeriesRow, isAbsent } from "../../../report/html/report-data.ts";
import type { TradeJournalRecord } from "../../../domain/records.ts";
import { formatDecimal, parseDollars } from "../../../domain/money.ts";
import { seriesDir, seriesJournals } from "../../../store/series-layout.ts";
import { type SkippedLines, predictionsFile, readBacktestScores, readComparison, readLag, readWindows, reportPredictions, windowsFile } from "./journal-input.ts";
import { PredictionDigest } from "./prediction-digest.ts";
import { plural } from "../../console/number-style.ts";
import { isoUtc } from "../../../domain/window.ts";

/**
 * Reads a journal directory (trades, predictions, windows, backtest.json) into the report's data;
 * a data directory with a journal per series into all of them together, with each one's row.
 */
export async function readReportData(dir: string, generatedAt: string): Promise<ReportData> {
  const f = journalFiles(dir);
  const series = existsSync(f.trades) ? [] : seriesJournals(dir);
  // One series' folder is that series' report; several are added up.
  if (series.length === 1) return readReportData(seriesDir(dir, series[0]!), generatedAt);
  if (series.length > 1) return readSeriesReportData(dir, series, generatedAt);
  if (!existsSync(f.trades)) throw new UserError(`no journal in ${dir}/ (expected ${f.trades})`);
  const journal = loadTradeJournal(dir);
  const warnings = [...journal.warnings];
  const kinds = { account: 0, trade: 0, settlement: 0, void: 0 };
  for (const r of journal.records) kinds[r.type]++;
  const sources = [`${f.trades}: ${plural(journal.records.length, "record")} (${plural(kinds.trade, "trade")}, ${plural(kinds.settlement, "settlement")}, ${plural(kinds.void, "void")})`];

  const windows = readWindows(dir);
  if (windows !== null) warnings.push(...windows.warnings);
  sources.push(windows === null ? `${windowsFile(dir)}: not found` : `${windowsFile(dir)}: ${plural(windows.records.length, "window")}`);

  const skipped: SkippedLines = { count: 0, examples: [] };
  const digest = new PredictionDigest(LAST_WINDOWS);
  for await (const p of reportPredictions(dir, skipped)) digest.add(p);
  if (skipped.count > 0) warnings.push(`${plural(skipped.count, "line")} of ${predictionsFile(dir)} skipped`, ...skipped.examples);
  sources.push(digest.count > 0 ? `${predictionsFile(dir)}: ${plural(digest.count, "prediction")}` : `${predictionsFile(dir)}: no predictions`);

  const backtest = readBacktestScores(dir, warnings);
  if (backtest !== null) sources.push(`${dir}/${backtest.source ?? "backtest.json"}: the run's scores and no-trade counts`);

  const comparison = readComparison(dir, warnings);
  if (comparison !== null) sources.push(`${dir}/compare.json: ${plural(comparison.strategies.length, "strategy", "strategies")} side by side`);
  const lag = readLag(dir, warnings);
  if (lag !== null) sources.push(`${dir}/lag.json: how far Kalshi trails spot`);
  return assembleReport({ title: dir, generatedAt, sources, warnings, records: journal.records, windows: windows?.records ?? null, backtest, digest, comparison, lag });
}

/**
 * Several series' journals as one report: every trade, settlement and void of every series in
 * time order under one account (the start balances added up; trade ids named by their series),
 * and a row per series with its own figures and forecast score.
 */
async function readSeriesReportData(dir: string, series: readonly string[], generatedAt: string): Promise<ReportData> {
  const each = await Promise.all(series.map((s) => readReportData(seriesDir(dir, s), generatedAt)));
  const rows: SeriesRow[] = series.map((name, i) => {
    const d = each[i]!;
    const scores = isAbsent(d.scores) ? null : d.scores;
    const model = scores?.forecasters.find((x) => x.key === "model") ?? null;
    const market = scores?.forecasters.find((x) => x.key === "market") ?? null;
    return { name, summary: d.summary, brier: model?.brier ?? null, marketBrier: market?.brier ?? null, forecasts: model?.n ?? null };
  });
  const warnings: string[] = [];
  const records: TradeJournalRecord[] = [];
  let start = 0;
  let opened: number | null = null;
  const rest: { r: TradeJournalRecord; k: number }[] = [];
  for (const s of series) {
    // Its warnings are in its own report's, added below.
    const journal = loadTradeJournal(seriesDir(dir, s));
    for (const r of journal.records) {
      if (r.type === "account") {
        start += parseDollars(r.balance);
        opened = opened === null ? r.t : Math.min(opened, r.t);
        continue;
      }
      const named = r.type === "trade" ? { ...r, id: `${s}:${r.id}` } : { ...r, trade_id: `${s}:${r.trade_id}` };
      rest.push({ r: named, k: rest.length });
    }
  }
  if (opened !== null) records.push({ type: "account", t: opened, ts: isoUtc(opened), balance: formatDecimal(start) });
  rest.sort((a, b) => a.r.t - b.r.t || a.k - b.k);
  records.push(...rest.map((x) => x.r));
  const sources = each.flatMap((d, i) => d.sources.map((x) => `${series[i]}: ${x}`));
  for (const [i, d] of each.entries()) warnings.push(...d.warnings.map((w) => `${series[i]}: ${w}`));
  return assembleReport({
    title: dir,
    generatedAt,
    sources,
    warnings,
    records,
    windows: null,
    backtest: null,
    digest: new PredictionDigest(LAST_WINDOWS),
    seriesNames: series,
    series: rows,
    absentScores: "Forecasts are scored per series (the table above; each series' own report has its charts): the windows of several coins close at the same instants and are not one market.",
  });
}

/**
 * `btc15 report --html`: writes the journal's report as one self-contained HTML file (atomically,
 * so a browser never opens half a page) and says where it went.
 */
export async function writeHtmlReport(dir: string, file: string | undefined, generatedAt: string): Promise<string> {
  const out = file ?? join(dir, "report.html");
  const data = await readReportData(dir, generatedAt);
  const html = renderReport(data);
  // No folder is made here: a missing one was refused before the run (as for --json).
  writeAtomic(out, (fd) => writeSync(fd, html));
  const lines = [`wrote ${out} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB)`];
  for (const w of data.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n");
}

/**
 * What a run (backtest, demo, replay, live) says about its HTML report as it ends: with `html`
 * (the `--html [FILE]` flag) it writes the report and says where; without, the command that would.
 */
export async function reportAfterRun(dir: string, html: string | true | undefined): Promise<string> {
  if (html === undefined) return `HTML report: npx btc15 report --html --data-dir ${dir}`;
  return writeHtmlReport(dir, html === true ? undefined : html, new Date().toISOString());
}
