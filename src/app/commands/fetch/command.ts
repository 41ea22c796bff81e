import { resolveConfig } from "../../../config/load.ts";
import { type Io, PROCESS_IO } from "../io.ts";
import { FetchProgress } from "./progress.ts";
import { runFetch } from "./run-fetch.ts";
import { formatFetchSummary } from "./summary.ts";

export interface FetchCommandOptions {
  /** Unix seconds. */
  readonly from: number;
  readonly to: number;
  readonly series?: string;
  readonly outDir: string;
  readonly configFile?: string;
  readonly json?: boolean;
}

/** `btc15 fetch`: runs the download and prints what it did; exit code 1 when a day's BTC minutes could not be had. */
export async function fetchCommand(o: FetchCommandOptions, io: Io = PROCESS_IO): Promise<number> {
  const config = resolveConfig({ ...(o.configFile ? { file: o.configFile } : {}), env: io.env });
  const summary = await runFetch({
    from: o.from,
    to: o.to,
    series: o.series ?? config.series,
    outDir: o.outDir,
    config,
    progress: new FetchProgress(io.err),
  });
  io.out.write((o.json ? JSON.stringify(summary, null, 2) : formatFetchSummary(summary)) + "\n");
  return summary.btc.failed.length > 0 ? 1 : 0;
}
