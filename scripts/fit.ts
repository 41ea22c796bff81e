// npm run fit -- FILE [FILE...] [--train-before ISO]
// Walk-forward fit of the forecaster's defaults; writes src/model/fitted.ts, docs/fit.md and docs/fit.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { fitMarkdown, fittedSource } from "../src/app/research/fit/report.ts";
import { marketSection, withMarketSection } from "../src/app/research/fit/market-report.ts";
import { DEFAULT_GRID, walkForwardFit } from "../src/app/research/fit/walk-forward.ts";
import { defaultConfig } from "../src/config/load.ts";
import { inspectHistoryFile } from "../src/history/files.ts";
import { BUNDLED_SAMPLE } from "../src/app/core/sample.ts";
import { parseIsoTime } from "../src/cli/args.ts";
import { ProgressBar } from "../src/app/console/progress.ts";
import { mmss } from "../src/app/console/console-format.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "train-before": { type: "string" }, "dry-run": { type: "boolean" } },
});
if (positionals.length < 2) {
  process.stderr.write("usage: npm run fit -- FILE FILE [FILE...] [--train-before ISO] [--dry-run]\n");
  process.exit(2);
}
const sample = inspectHistoryFile(BUNDLED_SAMPLE);
for (const f of positionals) {
  if (basename(f) === basename(BUNDLED_SAMPLE) || inspectHistoryFile(f).firstTimestamp === sample.firstTimestamp) {
    process.stderr.write(`refusing ${f}: the bundled sample is the evaluation set and must not be fitted on\n`);
    process.exit(2);
  }
}
const trainBefore = values["train-before"] ? parseIsoTime(values["train-before"]) : sample.firstTimestamp;
const command = `npm run fit -- ${positionals.join(" ")}${values["train-before"] ? ` --train-before ${values["train-before"]}` : ""}`;
const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
// On a terminal a bar with the time left; otherwise a plain line at every tenth of the work.
const bar = new ProgressBar("fit", process.stderr);
let tenths = 0;
const progress = (done: number, total: number) => {
  if (bar.enabled) return bar.update(done, total);
  const now = Math.floor((10 * done) / total);
  if (now <= tenths || now >= 10) return;
  tenths = now;
  process.stderr.write(`[${elapsed().toFixed(0)}s] ${now * 10}% done, about ${mmss((elapsed() * (total - done)) / done)} left\n`);
};
const report = await walkForwardFit({
  files: positionals,
  trainBefore,
  grid: DEFAULT_GRID,
  config: defaultConfig(),
  log: (line) => {
    bar.done();
    process.stderr.write(`[${elapsed().toFixed(0)}s] ${line}\n`);
  },
  onProgress: progress,
});
bar.done();
const md = fitMarkdown(report, command);
if (values["dry-run"]) {
  process.stdout.write(md);
} else {
  mkdirSync("docs", { recursive: true });
  // The market blend's section belongs to `npm run fit:market`: carry it over as it is.
  const market = existsSync("docs/fit.md") ? marketSection(readFileSync("docs/fit.md", "utf8")) : null;
  writeFileSync("docs/fit.md", market === null ? md : withMarketSection(md, market));
  // Per-window losses are working data, not results: leave them out of the record.
  const folds = report.folds.map((f) => ({ ...f, scores: Object.fromEntries(Object.entries(f.scores).map(([k, s]) => [k, { n: s.n, brier: s.brier, logLoss: s.logLoss }])) }));
  writeFileSync("docs/fit.json", JSON.stringify({ command, ...report, folds }, null, 2) + "\n");
  writeFileSync("src/model/fitted.ts", fittedSource(report.final, report, command));
  process.stdout.write(md);
  process.stderr.write("wrote docs/fit.md, docs/fit.json, src/model/fitted.ts\n");
}
