import { count, plural } from "../../console/number-style.ts";
import type { MinuteFacts } from "./collect.ts";
import type { RecordingFacts } from "./facts.ts";
import type { LagResult } from "./measure.ts";

/** `btc15 research lag --json` prints exactly this. */
export interface LagReport extends LagResult {
  readonly source: "recordings" | "minute files";
  readonly recordings: RecordingFacts | null;
  readonly minute_files: MinuteFacts | null;
  /** What the answer cannot say, one sentence each. */
  readonly cannot_say: readonly string[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const signed = (s: number) => `${s > 0 ? "+" : s < 0 ? "−" : ""}${Math.abs(s)} s`;

/** The limits of a lag measured on recordings, from what they hold. */
export function recordingCaveats(r: LagResult, f: RecordingFacts): string[] {
  const out: string[] = [];
  const every = f.book_interval_ms.median;
  if (every === null) out.push("The recordings hold too few books to say how often Kalshi's book was read.");
  else if (every <= 200) {
    out.push(`Kalshi's book came as changes (a median ${every} ms apart, as the WebSocket sends them): the mid at each second is the book as last changed, so the lag is Kalshi's own, plus the stream's delivery time.`);
  } else {
    out.push(
      `Kalshi's book was read every ${seconds(every)} (median; 90% within ${seconds(f.book_interval_ms.p90!)}): a mid is on average about half of that older than the second it is compared at, and that age is part of the lag; a delay shorter than the reading interval cannot be told apart from it.`,
    );
  }
  if (f.book_latency_ms.median !== null) out.push(`A book arrived a median ${f.book_latency_ms.median} ms after it was asked for (90% within ${f.book_latency_ms.p90} ms); its prices are from somewhere between asking and arriving, so the lag is uncertain by about that much beyond its interval.`);
  if (f.index_seconds === 0) {
    out.push("Spot is the median of exchange prices, a proxy of the CF Benchmarks index Kalshi settles on: these sessions recorded no settlement index (with a Kalshi key the live trader streams it). A proxy that itself trails or leads the index shifts the lag by as much.");
  } else if (f.index_seconds < f.seconds) {
    out.push(`${Math.round((100 * f.index_seconds) / f.seconds)}% of the seconds were priced by the settlement index itself (recorded with a Kalshi key); the rest by the exchange median, a proxy of it.`);
  } else out.push("Every second was priced by the settlement index itself (recorded with a Kalshi key).");
  if (f.books_lost > 0) out.push(`${plural(f.books_lost, "book")} lost on the way (a dropped connection): the seconds after, until a new book, have no mid.`);
  if (f.synthetic_sessions_skipped > 0) out.push(`${plural(f.synthetic_sessions_skipped, "session")} that traded the synthetic market were skipped.`);
  out.push(...common(r));
  return out;
}

/** The limits of a lag measured on minute files. */
export function minuteCaveats(r: LagResult, f: MinuteFacts): string[] {
  return [
    `Spot is minute bars and the mids are one row a minute, each used from its label plus ${f.quote_delay_seconds} s (--quote-delay): both change once a minute, so the best delay is --quote-delay plus a whole number of minutes (it says which minute's spot a row matches, not the delay to the second), and it moves with --quote-delay.`,
    "How the rows were made matters as much: a row that averages several polls trails the instant it is labelled by part of the minute.",
    ...(f.assumed_spread_cents === null ? [] : [`Rows with only a mid got an assumed spread of ${f.assumed_spread_cents}¢ (it does not move the mid).`]),
    "Spot is an exchange's minute bars, a proxy of the CF Benchmarks index Kalshi settles on.",
    ...common(r),
  ];
}

function common(r: LagResult): string[] {
  const out = ["The lag is where Kalshi's mid best matches btc15's fair value: it says when the market moves with spot, not that its prices are ours; a market that prices differently matches less well at every delay alike."];
  if (r.n_windows > 0 && r.n_windows < 30) out.push(`Only ${plural(r.n_windows, "window")}: few blocks for the interval to be trusted; a day of recording gives about 90.`);
  if (r.lag_seconds !== null && r.curve.length > 0 && (r.lag_seconds === r.curve[0]!.lag || r.lag_seconds === r.curve.at(-1)!.lag)) {
    out.push(`The best delay is at the edge of the delays tried (${signed(r.lag_seconds)}): the true one may lie beyond it.`);
  }
  return out;
}

/** The console's summary of a lag measurement. */
export function formatLag(r: LagReport): string {
  const lines: string[] = [];
  lines.push(`How far Kalshi's mid trails our fair value from spot (from ${r.source}; positive: Kalshi trails)`);
  if (r.lag_seconds === null) {
    lines.push("  nothing to measure: no second had a two-sided Kalshi quote and our fair value at every delay tried, inside its own window (by default the fair value of 120 s before: a session needs a few minutes of both)");
  } else {
    const at = (lag: number) => r.curve.find((c) => c.lag === lag)?.score;
    const best = at(r.lag_seconds)!;
    const zero = at(0);
    lines.push(`  lag             ${signed(r.lag_seconds)}   95% interval ${r.ci95 ? `${signed(r.ci95[0])} to ${signed(r.ci95[1])}` : "—"} (block bootstrap over windows)`);
    lines.push(`  compared        ${count(r.n_seconds)} seconds in ${plural(r.n_windows, "window")}, the same seconds at every delay from ${signed(r.curve[0]!.lag)} to ${signed(r.curve.at(-1)!.lag)}`);
    lines.push(`  fit             ${best.toFixed(4)} at the lag${zero === undefined ? "" : `, ${zero.toFixed(4)} at 0 s`} (mean squared logit difference; lower is closer)`);
  }
  if (r.recordings) {
    const f = r.recordings;
    lines.push(`  recordings      ${plural(f.sessions, "session")}, ${count(f.seconds)} seconds, ${count(f.books)} books`);
  }
  if (r.minute_files) {
    const f = r.minute_files;
    lines.push(`  minute files    ${count(f.seconds)} seconds, ${count(f.quote_rows)} quote rows, --quote-delay ${f.quote_delay_seconds}`);
  }
  lines.push("What it cannot say");
  for (const c of r.cannot_say) lines.push(`  - ${c}`);
  return lines.join("\n");
}
