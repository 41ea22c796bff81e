import type { FetchSummary } from "./run-fetch.ts";

const count = (n: number) => n.toLocaleString("en-US");

/** What `btc15 fetch` did, for people: one line per kind of data, then notes and files. */
export function formatFetchSummary(s: FetchSummary): string {
  const q = s.quotes;
  const b = s.btc;
  const lines = [
    `fetch ${s.series} ${s.from} → ${s.to}: ${s.days} UTC day${s.days === 1 ? "" : "s"} into ${s.out_dir}`,
    `Kalshi quotes  ${q.written.length} day(s) written, ${q.already_complete} already complete: ${count(q.markets)} markets (${count(q.historical_markets)} from the historical tier), ${count(q.rows)} one-minute quotes` +
      (q.markets_without_candles > 0 ? `, ${count(q.markets_without_candles)} market(s) without candles` : "") +
      (q.skipped > 0 ? `, ${count(q.skipped)} unreadable item(s) skipped` : ""),
    `${`${s.coin} minutes`.padEnd(14)} ${b.written.length} day(s) written, ${b.already_complete} already complete, ${b.partial.length} partial, ${b.failed.length} failed: ${count(b.rows)} bars` + (b.skipped > 0 ? `, ${count(b.skipped)} unreadable row(s) skipped` : ""),
    `requests       Kalshi ${count(s.requests.kalshi)} (${count(s.requests.kalshi_rate_limited)} answered 429, ${count(s.requests.kalshi_retries)} retried), exchanges ${count(s.requests.exchanges)} (${count(s.requests.exchanges_rate_limited)} answered 429)`,
  ];
  if (s.cutoff !== null) lines.push(`Kalshi's historical cutoff  ${s.cutoff}`);
  for (const f of b.failed) lines.push(`${s.coin} minutes failed  ${f}`);
  for (const n of s.notes) lines.push(`note: ${n}`);
  if (s.files.length > 0) lines.push("files:", ...s.files.map((f) => `  ${f}`));
  return lines.join("\n");
}
