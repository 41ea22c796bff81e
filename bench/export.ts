// npx tsx bench/export.ts JOURNAL_DIR [--runs N]
// Times the CSV export a stop runs (exportCsv) on a journal directory, and the longest the event
// loop was blocked meanwhile: while it is blocked a second Ctrl+C cannot be heard. Make a journal
// with a week of one-a-second predictions first, e.g.:
//   npx btc15 backtest --from 2024-12-02 --to 2024-12-09 --predictions 1 --out /tmp/week
// A benchmark, not a test: it prints figures.
import { parseArgs } from "node:util";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { exportCsv } from "../src/store/export.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: "string" } } });
const dir = positionals[0];
if (!dir) {
  process.stderr.write("usage: npx tsx bench/export.ts JOURNAL_DIR [--runs N]\n");
  process.exit(2);
}
const runs = Number(values.runs ?? 3);
for (let i = 0; i < runs; i++) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  await new Promise((r) => setTimeout(r, 50)); // the monitor's first sample sets its start
  const t0 = performance.now();
  const out = await exportCsv(dir);
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 50)); // lets a stall at the very end be recorded too
  loop.disable();
  process.stdout.write(`export ${ms.toFixed(0)} ms, longest event-loop stall ${(loop.max / 1e6).toFixed(0)} ms, ${out.predictions} prediction rows, ${out.trades} trades\n`);
}
