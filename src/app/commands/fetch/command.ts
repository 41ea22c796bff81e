import { resolveConfig } from "../../../config/load.ts";
import { parseSeriesList } from "../../../domain/series.ts";
import { kalshiClient } from "../../venue/kalshi-market.ts";
import { type Io, PROCESS_IO } from "../io.ts";
import { FetchProgress } from "./progress.ts";
import { type FetchSummary, runFetch } from "./run-fetch.ts";
import { formatFetchSummary } from "./summary.ts";

export interface FetchCommandOptions {
  /** Unix seconds. */
  readonly from: number;
  readonly to: number;
  /** One series or several ("KXBTC15M,KXETH15M"); the configuration's when absent. */
  readonly series?: string;
  readonly outDir: string;
  readonly configFile?: string;
  readonly json?: boolean;
}

/**
 * `btc15 fetch`: runs the download of each series in turn (one Kalshi client, so one request
 * pacing for them all) and prints what it did; exit code 1 when a day's minutes of a coin could
 * not be had. With one series the JSON is its summary; with several, an array of them.
 */
export async function fetchCommand(o: FetchCommandOptions, io: Io = PROCESS_IO): Promise<number> {
  const config = resolveConfig({ ...(o.configFile ? { file: o.configFile } : {}), env: io.env });
  const list = o.series === undefined ? config.series : parseSeriesList(o.series);
  const kalshi = kalshiClient(config);
  const summaries: FetchSummary[] = [];
  try {
    for (const series of list) {
      summaries.push(
        await runFetch(
          {
            from: o.from,
            to: o.to,
            series,
            outDir: o.outDir,
            config,
            progress: new FetchProgress(io.err),
          },
          { kalshi },
        ),
      );
    }
  } finally {
    kalshi.close();
  }
  if (o.json) io.out.write(JSON.stringify(summaries.length === 1 ? summaries[0] : summaries, null, 2) + "\n");
  else io.out.write(summaries.map(formatFetchSummary).join("\n\n") + "\n");
  return summaries.some((s) => s.btc.failed.length > 0) ? 1 : 0;
}
