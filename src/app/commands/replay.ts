import { writeFileSync } from "node:fs";
import { loadConfigFile, resolveConfig } from "../../config/load.ts";
import { UserError } from "../../domain/errors.ts";
import { parseSeriesList } from "../../domain/series.ts";
import { checkNotLiveDataDir } from "../drivers/backtest.ts";
import { consoleColumns, fitLines } from "../console/fit.ts";
import { formatComparison } from "../console/compare-table.ts";
import { formatReplay } from "../console/run-summary.ts";
import { DEFAULT_COMPARE, parseCompareList } from "../core/compare/arms.ts";
import { type DashboardRequest, dashboardBanner, openDashboard } from "../dashboard/server.ts";
import { type Io, PROCESS_IO } from "./io.ts";
import { checkHtmlFile, checkOutputFile, checkWritableDir } from "./preflight.ts";
import { reportAfterRun } from "./report-html/command.ts";
import { type ReplayResult, runReplay } from "../drivers/replay.ts";

export interface ReplayCommandOptions extends DashboardRequest {
  readonly paths: readonly string[];
  readonly config?: string;
  readonly json?: string;
  readonly out: string;
  readonly force?: boolean;
  readonly speed?: number;
  /** Write the HTML report after the run (true: <out>/report.html). */
  readonly html?: string | true;
  /** --compare [list]: strategies side by side (true: the default list). */
  readonly compare?: string | true;
  /** --predictions N: journal a prediction every N seconds (default none). */
  readonly predictions?: number;
  /** Replay only these of the recorded series ("KXBTC15M,KXETH15M"). */
  readonly series?: string;
}

/** `btc15 replay`: checks, runs, and prints the summary (and the JSON where asked). */
export async function replayCommand(o: ReplayCommandOptions, io: Io = PROCESS_IO): Promise<void> {
  if (o.speed !== undefined && !(o.speed > 0)) throw new UserError("--speed must be positive"); // as the demo says
  const config = o.config ? loadConfigFile(o.config) : undefined;
  const compare = o.compare === undefined ? undefined : parseCompareList(o.compare === true ? DEFAULT_COMPARE : o.compare);
  checkNotLiveDataDir(o.out, resolveConfig({ env: io.env, flags: {} }).dataDir, "the replay output directory");
  checkWritableDir(o.out, "the replay output directory");
  if (o.json !== undefined && o.json !== "-") checkOutputFile(o.json, "the --json file", o.out);
  checkHtmlFile(o.html, o.out);
  const toErr = o.json === "-";
  const stream = toErr ? io.err : io.out;
  const say = (line: string) => stream.write(fitLines(line, consoleColumns(stream, io.env)) + "\n");
  const dashboard = await openDashboard(o);
  if (dashboard) {
    const banner = dashboardBanner(dashboard);
    say(banner.info + (o.speed ? "" : "; the replay runs as fast as it can: add --speed N to watch it"));
    if (banner.warning) io.err.write(`warning: ${banner.warning}\n`);
  }
  let result: ReplayResult;
  try {
    result = await runReplay({
      paths: o.paths,
      outDir: o.out,
      force: Boolean(o.force),
      ...(config ? { config } : {}),
      ...(o.speed ? { speed: o.speed } : {}),
      ...(compare ? { compare } : {}),
      ...(o.predictions ? { predictionEverySeconds: o.predictions } : {}),
      ...(o.series ? { series: parseSeriesList(o.series) } : {}),
      onSession: say,
      onWarning: (w) => io.err.write(`warning: ${w}\n`),
      ...(dashboard ? { dashboard } : {}),
    });
  } finally {
    await dashboard?.close();
  }
  say(formatReplay(result));
  if (result.comparison) say("\n" + formatComparison(result.comparison));
  say(await reportAfterRun(o.out, o.html));
  if (o.json === "-") io.out.write(JSON.stringify(result, null, 2) + "\n");
  else if (o.json) writeFileSync(o.json, JSON.stringify(result, null, 2) + "\n");
}
