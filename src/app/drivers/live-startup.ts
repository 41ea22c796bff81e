import type { IndexReading, SourceStatus, WarmStart } from "../../feeds/index.ts";
import { isoUtc } from "../../domain/window.ts";
import type { Paint } from "../console/console-format.ts";
import { count, usdFromNumber } from "../console/number-style.ts";

// What the live console says about the price sources while it starts: each one's fate in a
// line a newcomer can act on, and the warm start in one line that fits 80 columns.

/**
 * With no price yet, the sources' fates are shown this soon (or as soon as every one has
 * failed), then the runner keeps trying quietly until its start-up timeout.
 */
export const SOURCE_REPORT_MS = 3000;

const TRANSPORT: Record<string, string> = { ws: "WebSocket", rest: "REST" };

/**
 * A connection error in a few words, naming the host: "ws.kraken.com: host not found" for
 * "getaddrinfo ENOTFOUND ws.kraken.com" or fetch's "fetch failed (…)". The full text goes to
 * the log file.
 */
export function shortCause(error: string): string {
  const inner = /^fetch failed \((.*)\)$/.exec(error)?.[1] ?? error;
  const dns = /\b(ENOTFOUND|EAI_AGAIN) (\S+)/.exec(inner);
  if (dns) return `${dns[2]}: ${dns[1] === "ENOTFOUND" ? "host not found" : "DNS lookup failed"}`;
  const sys = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH) (\S+)/.exec(inner);
  if (sys) {
    const words: Record<string, string> = { ECONNREFUSED: "connection refused", ECONNRESET: "connection reset", ETIMEDOUT: "timed out", ENETUNREACH: "network unreachable", EHOSTUNREACH: "host unreachable" };
    return `${sys[2]}: ${words[sys[1]!]}`;
  }
  if (/timed out/i.test(inner)) return "timed out";
  return inner;
}

/** Whether every enabled source has failed at least once and none delivers: nothing to wait for before saying so. */
export function everySourceFailed(r: IndexReading): boolean {
  const on = r.sources.filter((s) => s.state !== "disabled");
  return on.length > 0 && on.every((s) => s.state !== "live" && s.lastError !== null);
}

function row(s: SourceStatus): string {
  const fate = s.state === "connecting" && s.lastError === null ? "still connecting" : s.lastError ? shortCause(s.lastError) : s.state;
  return `  ${s.name.padEnd(15)}${(TRANSPORT[s.transport] ?? s.transport).padEnd(11)}${fate}`;
}

/**
 * Each source's fate: a line for each connected one, then the others in a table under a
 * heading (without a price yet, the heading says the runner keeps trying, and until when).
 */
export function sourceReport(r: IndexReading, c: Paint, giveUpSeconds: number | null): string {
  const on = r.sources.filter((s) => s.state !== "disabled");
  const live = on.filter((s) => s.state === "live");
  const rest = on.filter((s) => s.state !== "live");
  const lines = live.map((s) => `${c.green("✓")} ${r.coin} Feed connected: ${s.name} (${TRANSPORT[s.transport] ?? s.transport})${s.price !== null ? `  ${usdFromNumber(s.price)}` : ""}`);
  if (rest.length) {
    const heading = live.length ? "Not connected (retried in the background):" : `No price source reached yet (still trying${giveUpSeconds === null ? "" : `; giving up after ${giveUpSeconds} s`}):`;
    lines.push(`${c.yellow("✗")} ${heading}`, ...rest.map(row));
  }
  return lines.join("\n");
}

/** The warm start in one line: how much history from where, or why there is none. */
export function warmStartLine(warm: WarmStart): string {
  if (warm.seconds.length) return `warm start ${count(warm.seconds.length)} s of history from ${warm.source} (to ${isoUtc(warm.seconds.at(-1)!.second + 1)})`;
  // "coinbase: fetch failed (…ENOTFOUND…)" and "kraken: …" → "coinbase, kraken: host not found".
  const byCause = new Map<string, string[]>();
  for (const note of warm.notes) {
    const m = /^(\w+): (.*)$/.exec(note);
    const cause = m ? shortCause(m[2]!).replace(/^\S+: /, "") : note;
    byCause.set(cause, [...(byCause.get(cause) ?? []), ...(m ? [m[1]!] : [])]);
  }
  const why = [...byCause].map(([cause, names]) => (names.length ? `${names.join(", ")}: ${cause}` : cause)).join("; ") || "no history";
  return `warm start none (${why}); warming up from live prices`;
}
