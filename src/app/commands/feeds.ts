import { resolveConfig } from "../../config/load.ts";
import { type Io, PROCESS_IO } from "./io.ts";
import { count } from "../console/number-style.ts";
import { type IndexReading, PriceIndex, type SourceStatus } from "../../feeds/index.ts";
import { sleep, systemScheduler } from "../../net/scheduler.ts";

export interface FeedsOptions {
  readonly seconds: number;
  readonly json?: boolean;
  readonly config?: string;
}

/** Per source, over the whole run. */
interface SourceSummary {
  name: string;
  transport: "ws" | "rest";
  usd: boolean;
  reached: boolean;
  state: SourceStatus["state"];
  price: number | null;
  spread_to_index: number | null;
  messages: number;
  messages_per_s: number;
  reconnects: number;
  parse_errors: number;
  rejected: number;
  gaps: number;
  unknown: number;
  latency_ms: number | null;
  problem: string | null;
}

/** `btc15 feeds`: connects to every configured source, shows a live table, then a summary. */
export async function feedsCommand(opts: FeedsOptions, io: Io = PROCESS_IO): Promise<number> {
      const config = resolveConfig({ file: opts.config, env: io.env });
      const scheduler = io.scheduler ?? systemScheduler;
      const now = () => scheduler.now();
      const index = new PriceIndex(config.feeds, { pollRestAlways: true, scheduler });
      const out = io.out;
      const live = !opts.json;
      const tty = live && out.isTTY === true;
      const started = now();
      const everReached = new Set<string>();
      let drawn = 0;
      index.start();
      let reading = index.read();
      for (let s = 1; s <= opts.seconds; s++) {
        await sleep(scheduler, started + s * 1000 - now());
        reading = index.read();
        for (const src of reading.sources) if (src.messages > 0 && src.lastUpdateMs !== null) everReached.add(src.name);
        if (live) {
          const table = formatTable(reading, (now() - started) / 1000);
          if (tty && drawn > 0) out.write(`\x1b[${drawn}A\x1b[J`);
          out.write(table);
          drawn = table.split("\n").length - 1;
        }
      }
      const elapsed = (now() - started) / 1000;
      // Bounded even if a socket refuses to close: the command must never hang.
      await Promise.race([index.stop(), sleep(scheduler, 2000)]);
      const summary = summarise(reading, everReached, elapsed);
      const ok = summary.some((s) => s.reached);
      if (opts.json) out.write(JSON.stringify({ ok, seconds: Number(elapsed.toFixed(1)), mode: reading.mode, price: reading.price, contributors: reading.contributors, usd_per_usdt: reading.usdPerUsdt, sources: summary }, null, 2) + "\n");
      else out.write(formatSummary(summary, reading));
      if (!ok) {
        io.err.write(`btc15 feeds: no price source could be reached:\n${summary.map((s) => `  ${s.name}: ${s.problem ?? "no price received"}`).join("\n")}\n`);
        return 1;
      }
      return 0;
}

function summarise(r: IndexReading, everReached: Set<string>, elapsed: number): SourceSummary[] {
  return r.sources
    .filter((s) => s.state !== "disabled")
    .map((s) => {
      const reached = everReached.has(s.name);
      return {
        name: s.name,
        transport: s.transport,
        usd: s.usd,
        reached,
        state: s.state,
        price: s.price,
        spread_to_index: spread(s, r),
        messages: s.messages,
        messages_per_s: Number((s.messages / Math.max(elapsed, 0.001)).toFixed(1)),
        reconnects: s.reconnects,
        parse_errors: s.parseErrors,
        rejected: s.rejected,
        gaps: s.gaps,
        unknown: s.unknown,
        latency_ms: s.lastLatencyMs,
        problem: reached ? (s.lastError && s.state !== "live" ? s.lastError : null) : describeFailure(s),
      };
    });
}

/** Why a source never gave a price, in words that point at the network. */
function describeFailure(s: SourceStatus): string {
  const e = s.lastError;
  if (e === null) return s.messages > 0 ? "connected, but no price arrived" : "no answer (still connecting)";
  if (/ENOTFOUND|EAI_AGAIN/.test(e)) return `cannot resolve the host (no network or no DNS): ${e}`;
  if (/ECONNREFUSED/.test(e)) return `connection refused: ${e}`;
  if (/ENETUNREACH|EHOSTUNREACH/.test(e)) return `network unreachable: ${e}`;
  if (/timed out/i.test(e)) return `timed out: ${e}`;
  return e;
}

/** The source's price minus the index, in USD (Binance.US converted when the rate is known). */
function spread(s: SourceStatus, r: IndexReading): number | null {
  if (s.price === null || r.price === null) return null;
  const usd = s.usd ? s.price : r.usdPerUsdt === null ? null : s.price * r.usdPerUsdt;
  return usd === null ? null : Number((usd - r.price).toFixed(2));
}

const fmt = (n: number | null, digits = 2) => (n === null ? "-" : n.toFixed(digits));

function formatTable(r: IndexReading, elapsed: number): string {
  const head = `${elapsed.toFixed(0).padStart(4)} s  index ${r.price === null ? "STALE" : r.price.toFixed(2)} (${r.mode}; ${r.contributors.join(", ") || "no fresh source"})\n`;
  const cols = `  ${"source".padEnd(15)}${"state".padEnd(11)}${"price".padStart(11)}${"Δ index".padStart(10)}${"msg/s".padStart(8)}${"recon".padStart(6)}${"errors".padStart(8)}${"lat ms".padStart(8)}  last error\n`;
  const rows = r.sources
    .map((s) => {
      const rate = s.messages / Math.max(elapsed, 0.001);
      const errors = `${s.parseErrors}/${s.rejected}/${s.gaps}`;
      return `  ${s.name.padEnd(15)}${s.state.padEnd(11)}${fmt(s.price).padStart(11)}${fmt(spread(s, r)).padStart(10)}${rate.toFixed(1).padStart(8)}${String(s.reconnects).padStart(6)}${errors.padStart(8)}${fmt(s.lastLatencyMs, 0).padStart(8)}  ${(s.lastError ?? "").slice(0, 60)}\n`;
    })
    .join("");
  return head + cols + rows;
}

function formatSummary(summary: SourceSummary[], r: IndexReading): string {
  const lines = ["", `summary: index ${r.price === null ? "stale" : r.price.toFixed(2)} from ${r.contributors.join(", ") || "no source"}; errors are parse/rejected/gaps`];
  for (const s of summary) {
    const what = s.reached ? `${count(s.messages)} messages (${count(s.messages_per_s)}/s), last ${fmt(s.price)}, Δ index ${fmt(s.spread_to_index)}` : `NOT REACHED: ${s.problem}`;
    lines.push(`  ${s.name.padEnd(15)}${what}${s.reached && s.problem ? ` (now: ${s.problem})` : ""}`);
  }
  return lines.join("\n") + "\n";
}
