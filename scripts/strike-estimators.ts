// npm run strike-estimators -- --quotes QUOTES.csv PRICES_1M.csv [PRICES_1M.csv...] [--shift SECONDS]
// How often each estimate of a minute's mean from its one-minute bar (close, open, typical price,
// ...) calls a window's result as Kalshi officially did: the evidence for the backtest's choice
// (src/domain/bar-placement.ts, MINUTE_MEAN). Research only.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { estimatorAgreement } from "../src/app/research/fit/strike-estimators.ts";
import { MINUTE_MEAN } from "../src/domain/bar-placement.ts";
import { BarCsvParser } from "../src/history/bars-csv.ts";
import { readQuoteFiles } from "../src/history/quote-files.ts";

const usage = "usage: npm run strike-estimators -- --quotes QUOTES.csv PRICES_1M.csv [PRICES_1M.csv...] [--shift SECONDS]\n";
const { values, positionals } = parseArgs({ allowPositionals: true, options: { quotes: { type: "string", multiple: true }, shift: { type: "string" } } });
if (!values.quotes?.length || positionals.length === 0) {
  process.stderr.write(usage);
  process.exit(2);
}
const shift = Number(values.shift ?? 0);
const quotes = await readQuoteFiles(values.quotes);
const results = new Map<number, boolean>();
for (const m of quotes.markets.values()) if (m.result !== null && m.closeTs !== null) results.set(m.closeTs, m.result === "yes");

const out: Record<string, unknown> = {};
for (const file of positionals) {
  const bars = new Map<number, [number, number, number, number]>();
  const parser = new BarCsvParser(basename(file), (t, o, h, l, c) => bars.set(t, [o, h, l, c]));
  parser.push(readFileSync(file, "latin1"));
  parser.end();
  const rows = estimatorAgreement(bars, results, shift);
  process.stdout.write(`${basename(file)}${shift ? ` (stamps read ${shift} s later)` : ""}: ${rows[0]?.windows ?? 0} windows with an official result and both minute bars\n`);
  for (const r of rows) process.stdout.write(`  ${r.estimator.padEnd(11)} ${String(r.agreed).padStart(5)}  ${(r.rate * 100).toFixed(1)} %  (95 % ${(r.ci95[0] * 100).toFixed(1)}–${(r.ci95[1] * 100).toFixed(1)} %)${r.estimator === MINUTE_MEAN ? "  ← the backtest's" : ""}\n`);
  out[basename(file)] = rows;
}
process.stdout.write(JSON.stringify(out) + "\n");
