import { writeFileSync, writeSync } from "node:fs";
import { defaultConfig, loadConfigFile } from "../../../config/load.ts";
import { UserError } from "../../../domain/errors.ts";
import { renderLagReport } from "../../../report/html/render.ts";
import { writeAtomic } from "../../../store/snapshot.ts";
import { type Io, PROCESS_IO } from "../../commands/io.ts";
import { checkHtmlFile, checkInputFile, checkOutputFile } from "../../commands/preflight.ts";
import { consoleColumns, fitLines } from "../../console/fit.ts";
import { lagFromMinuteFiles, lagFromRecordings } from "./collect.ts";
import { type LagReport, formatLag, minuteCaveats, recordingCaveats } from "./summary.ts";

export interface LagCommandOptions {
  /** Session recordings (files, a session's folder, a sessions directory). */
  readonly paths: readonly string[];
  /** Minute data instead: price files and quote files. */
  readonly data?: readonly string[];
  readonly quotes?: readonly string[];
  readonly quoteDelay?: number;
  readonly assumeSpread?: number;
  readonly config?: string;
  readonly json?: string;
  readonly html?: string | true;
  readonly resamples?: number;
  readonly minLag?: number;
  readonly maxLag?: number;
}

/** Where --html without a file writes. */
export const DEFAULT_LAG_HTML = "lag.html";

/**
 * `btc15 research lag`: how far Kalshi's mid trails our fair value, from recorded sessions or from
 * minute files; the summary (with what the answer cannot say), the JSON and the chart where asked.
 */
export async function researchLagCommand(o: LagCommandOptions, io: Io = PROCESS_IO): Promise<LagReport> {
  const minute = o.quotes !== undefined || o.data !== undefined;
  if (minute && o.paths.length) throw new UserError("give session recordings, or --data with --quotes (minute files), not both");
  if (!minute && o.paths.length === 0) throw new UserError("give session recordings (e.g. data/trading/sessions), or --data PRICES.csv with --quotes QUOTES.csv");
  if (minute && (!o.quotes?.length || !o.data?.length)) throw new UserError("minute files need both --data (prices) and --quotes (Kalshi quotes)");
  if (!minute && (o.quoteDelay !== undefined || o.assumeSpread !== undefined)) throw new UserError("--quote-delay and --assume-spread apply only to minute files (--quotes)");
  for (const f of [...(o.data ?? []), ...(o.quotes ?? [])]) checkInputFile(f, "a minute file");
  if (o.json !== undefined && o.json !== "-") checkOutputFile(o.json, "the --json file");
  checkHtmlFile(o.html);
  const config = o.config ? loadConfigFile(o.config) : undefined;
  const lag = { ...(o.resamples === undefined ? {} : { resamples: o.resamples }), ...(o.minLag === undefined ? {} : { minLag: o.minLag }), ...(o.maxLag === undefined ? {} : { maxLag: o.maxLag }) };
  if ((lag.minLag ?? -120) >= (lag.maxLag ?? 30)) throw new UserError(`--min-lag ${lag.minLag ?? -120} must be below --max-lag ${lag.maxLag ?? 30}`);
  const toErr = o.json === "-";
  const stream = toErr ? io.err : io.out;
  const say = (line: string) => stream.write(fitLines(line, consoleColumns(stream, io.env)) + "\n");

  let report: LagReport;
  if (minute) {
    const { result, facts } = await lagFromMinuteFiles(o.data!, o.quotes!, {
      config: config ?? defaultConfig(),
      lag,
      ...(o.quoteDelay !== undefined ? { quoteDelaySeconds: o.quoteDelay } : {}),
      ...(o.assumeSpread !== undefined ? { assumeSpreadCents: o.assumeSpread } : {}),
    });
    report = { ...result, source: "minute files", recordings: null, minute_files: facts, cannot_say: minuteCaveats(result, facts) };
  } else {
    const { result, facts, recording } = await lagFromRecordings(o.paths, { ...(config ? { config } : {}), lag, onSession: say });
    if (recording.skipped) io.err.write(`warning: ${recording.skipped} recording line(s) skipped (${recording.problems.join("; ")})\n`);
    report = { ...result, source: "recordings", recordings: facts, minute_files: null, cannot_say: recordingCaveats(result, facts) };
  }
  say(formatLag(report));
  if (o.html !== undefined) {
    const file = o.html === true ? DEFAULT_LAG_HTML : o.html;
    const sources = minute ? [...o.data!, ...o.quotes!] : [...o.paths];
    const html = renderLagReport(report, sources.join(", "), new Date().toISOString(), sources.map((s) => `read ${s}`));
    writeAtomic(file, (fd) => writeSync(fd, html));
    say(`wrote ${file}`);
  }
  if (o.json === "-") io.out.write(JSON.stringify(report, null, 2) + "\n");
  else if (o.json) writeFileSync(o.json, JSON.stringify(report, null, 2) + "\n");
  return report;
}
