// npm run fit:market -- --quotes QUOTES.csv PRICES.csv [PRICES.csv...] [--shift FILE=SECONDS] [--assume-spread CENTS] [--dry-run]
// Walk-forward test of forecasts that blend the market's mid with the fair value, on recorded
// Kalshi quotes; writes its section of docs/fit.md and docs/fit-market.json. Research only: the
// product is not changed by it.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { barTiming } from "../src/app/research/fit/bar-timing.ts";
import { marketBlendFit } from "../src/app/research/fit/market-blend.ts";
import { collectMarketCheckpoints } from "../src/app/research/fit/market-checkpoints.ts";
import { type BlendRun, marketBlendMarkdown, withMarketSection } from "../src/app/research/fit/market-report.ts";
import { defaultConfig } from "../src/config/load.ts";
import { BarCsvParser } from "../src/history/bars-csv.ts";
import { DEFAULT_ASSUMED_SPREAD_CENTS, type QuoteHistory, readQuoteFiles } from "../src/history/quote-files.ts";

const usage = "usage: npm run fit:market -- --quotes QUOTES.csv PRICES.csv [PRICES.csv...] [--shift FILE=SECONDS] [--assume-spread CENTS] [--dry-run]\n";
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quotes: { type: "string", multiple: true },
    shift: { type: "string" },
    "assume-spread": { type: "string" },
    "dry-run": { type: "boolean" },
  },
});
const fail = (why: string): never => {
  process.stderr.write(`${why}\n${usage}`);
  process.exit(2);
};
if (!values.quotes?.length || positionals.length === 0) fail("give quote files (--quotes) and price files");
const spread = values["assume-spread"] === undefined ? DEFAULT_ASSUMED_SPREAD_CENTS : Number(values["assume-spread"]);
let shift: { file: string; seconds: number } | null = null;
if (values.shift !== undefined) {
  const m = /^(.+)=(-?\d+)$/.exec(values.shift);
  if (m === null || !positionals.includes(m[1]!)) fail(`--shift must be one of the price files = whole seconds: ${values.shift}`);
  shift = { file: m![1]!, seconds: Number(m![2]) };
}

const quotes = await readQuoteFiles(values.quotes!, { assumeSpreadCents: spread });
const config = defaultConfig();
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Bar closes by stamp: what the timing check reads. */
function closesOf(path: string): Map<number, number> {
  const closes = new Map<number, number>();
  const parser = new BarCsvParser(basename(path), (t, _o, _h, _l, c) => closes.set(t, c));
  parser.push(readFileSync(path, "latin1"));
  parser.end();
  return closes;
}

function officialResults(q: QuoteHistory): Map<number, boolean> {
  const results = new Map<number, boolean>();
  for (const m of q.markets.values()) if (m.result !== null && m.closeTs !== null) results.set(m.closeTs, m.result === "yes");
  return results;
}

/** A copy of a price file with every stamp moved by `seconds` (the sensitivity run). */
function shifted(path: string, seconds: number): string {
  const [header, ...rows] = readFileSync(path, "latin1").split("\n");
  const moved = rows.map((line) => {
    const comma = line.indexOf(",");
    return comma < 0 ? line : `${Number(line.slice(0, comma)) + seconds}${line.slice(comma)}`;
  });
  const out = join(mkdtempSync(join(tmpdir(), "btc15-fit-market-")), basename(path).replace(/\.csv$/, `.shifted${seconds}s.csv`));
  writeFileSync(out, [header, ...moved].join("\n"));
  return out;
}

async function run(label: string, priceFiles: readonly string[]): Promise<BlendRun> {
  const rows = await collectMarketCheckpoints(priceFiles, quotes, config);
  log(`${label}: ${rows.length} checkpoints in ${new Set(rows.map((r) => r.close)).size} windows`);
  const report = marketBlendFit(rows);
  log(`${label}: kept ${report.selected ?? "none"}; ${report.decisions.map((d) => `${d.term} t = ${d.t.toFixed(2)}`).join(", ")}`);
  return { label, priceFiles, report };
}

const results = officialResults(quotes);
const timing = positionals.map((file) => ({ file, timing: barTiming(closesOf(file), results) }));
for (const t of timing) log(`timing ${basename(t.file)}: best shift ${t.timing.best} min over ${t.timing.windows} windows`);
const main = await run("prices as given", positionals);
const sensitivity =
  shift === null
    ? null
    : await run(
        `${basename(shift.file)} with every stamp moved ${Math.abs(shift.seconds)} s ${shift.seconds < 0 ? "earlier" : "later"}`,
        positionals.map((p) => (p === shift!.file ? shifted(p, shift!.seconds) : p)),
      );
const command = `npm run fit:market -- ${values.quotes!.map((q) => `--quotes ${q}`).join(" ")} ${positionals.join(" ")}${shift ? ` --shift ${values.shift}` : ""}${values["assume-spread"] !== undefined ? ` --assume-spread ${values["assume-spread"]}` : ""}`;
const section = marketBlendMarkdown({ command, quoteFiles: values.quotes!, assumedSpreadCents: spread, timing, main, sensitivity });
if (values["dry-run"]) {
  process.stdout.write(`${section}\n`);
} else {
  writeFileSync("docs/fit.md", withMarketSection(readFileSync("docs/fit.md", "utf8"), section));
  const record = (r: BlendRun) => ({ label: r.label, price_files: r.priceFiles.map((p) => basename(p)), ...r.report });
  // Six decimals are more than the data supports; the record stays readable.
  const rounded = (_k: string, v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toFixed(6)) : v);
  const json = { command, timing: timing.map((t) => ({ file: basename(t.file), ...t.timing })), main: record(main), sensitivity: sensitivity && record(sensitivity) };
  writeFileSync("docs/fit-market.json", JSON.stringify(json, rounded, 1) + "\n");
  process.stdout.write(`${section}\n`);
  log("wrote its section of docs/fit.md and docs/fit-market.json");
}
