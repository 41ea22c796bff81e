import { resolveConfig } from "../../config/load.ts";
import { type Io, PROCESS_IO } from "./io.ts";
import { count } from "../console/number-style.ts";
import { type IndexReading, PriceIndex, type SourceStatus } from "../../feeds/index.ts";
import { sleep, systemScheduler } from "../../net/scheduler.ts";
import { seriesSpec } from "../../domain/series.ts";

export interface FeedsOptions {
  readonly seconds: number;
  /** "KXBTC15M,KXETH15M": whose coins to watch (default: the configuration's series). */
  readonly series?: string;
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

/**
 * `btc15 feeds`: connects to every configured source (each exchange once, carrying every coin of
 * the configured series), shows a live table per coin, then a summary per coin.
 */
export async function feedsCommand(opts: FeedsOptions, io: Io = PROCESS_IO): Promise<number> {
  const config = resolveConfig({ file: opts.config, env: io.env, ...(opts.series ? { flags: { series: opts.series } } : {}) });
  const scheduler = io.scheduler ?? systemScheduler;
  const now = () => scheduler.now();
  const products = config.series.map((s) => seriesSpec(s).products);
  const coins = products.map((p) => p.coin);
  const index = new PriceIndex(config.feeds, { pollRestAlways: true, scheduler, coins: products });
  const out = io.out;
  const live = !opts.json;
  const tty = live && out.isTTY === true;
  const several = coins.length > 1;
  const started = now();
  const everReached = new Map(coins.map((c) => [c, new Set<string>()]));
  let drawn = 0;
  index.start();
  const readAll = () => coins.map((c) => index.coin(c).read(now()));
  let readings = readAll();
  for (let s = 1; s <= opts.seconds; s++) {
    await sleep(scheduler, started + s * 1000 - now());
    readings = readAll();
    for (const r of readings) for (const src of r.sources) if (src.messages > 0 && src.lastUpdateMs !== null && (src.prices > 0 || src.price !== null)) everReached.get(r.coin)!.add(src.name);
    if (live) {
      const table = readings.map((r) => formatTable(r, (now() - started) / 1000, several)).join("");
      if (tty && drawn > 0) out.write(`\x1b[${drawn}A\x1b[J`);
      out.write(table);
      drawn = table.split("\n").length - 1;
    }
  }
  const elapsed = (now() - started) / 1000;
  // Bounded even if a socket refuses to close: the command must never hang.
  await Promise.race([index.stop(), sleep(scheduler, 2000)]);
  const summaries = readings.map((r) => summarise(r, everReached.get(r.coin)!, elapsed));
  const ok = summaries.every((list) => list.some((s) => s.reached));
  const reachedAny = summaries.some((list) => list.some((s) => s.reached));
  const json = (r: IndexReading, sources: SourceSummary[]) => ({ mode: r.mode, price: r.price, contributors: r.contributors, usd_per_usdt: r.usdPerUsdt, sources });
  if (opts.json) {
    const first = json(readings[0]!, summaries[0]!);
    out.write(JSON.stringify({ ok, seconds: Number(elapsed.toFixed(1)), ...first, ...(several ? { coins: readings.map((r, i) => ({ coin: r.coin, ...json(r, summaries[i]!) })) } : {}) }, null, 2) + "\n");
  } else out.write(readings.map((r, i) => formatSummary(summaries[i]!, r, several)).join(""));
  if (!reachedAny) {
    io.err.write(`btc15 feeds: no price source could be reached:\n${summaries[0]!.map((s) => `  ${s.name}: ${s.problem ?? "no price received"}`).join("\n")}\n`);
    return 1;
  }
  if (!ok) {
    const none = readings.filter((_r, i) => !summaries[i]!.some((s) => s.reached)).map((r) => r.coin);
    io.err.write(`btc15 feeds: no source gave a price of ${none.join(", ")}: its series would not trade\n`);
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
  return usd === null ? null : Number((usd - r.price).toFixed(r.price < 10 ? 4 : 2));
}

const fmt = (n: number | null, digits = 2) => (n === null ? "-" : n.toFixed(digits));
/** A price with cents, or four decimals below $10 (XRP near $2 moves in fractions of a cent). */
const priceOf = (p: number) => p.toFixed(p < 10 ? 4 : 2);

function formatTable(r: IndexReading, elapsed: number, several = false): string {
  const head = `${elapsed.toFixed(0).padStart(4)} s  ${several ? `${r.coin} ` : ""}index ${r.price === null ? "STALE" : priceOf(r.price)} (${r.mode}; ${r.contributors.join(", ") || "no fresh source"})\n`;
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

function formatSummary(summary: SourceSummary[], r: IndexReading, several = false): string {
  const lines = ["", `summary${several ? ` ${r.coin}` : ""}: index ${r.price === null ? "stale" : priceOf(r.price)} from ${r.contributors.join(", ") || "no source"}; errors are parse/rejected/gaps`];
  for (const s of summary) {
    const what = s.reached ? `${count(s.messages)} messages (${count(s.messages_per_s)}/s), last ${fmt(s.price)}, Δ index ${fmt(s.spread_to_index)}` : `NOT REACHED: ${s.problem}`;
    lines.push(`  ${s.name.padEnd(15)}${what}${s.reached && s.problem ? ` (now: ${s.problem})` : ""}`);
  }
  return lines.join("\n") + "\n";
}
