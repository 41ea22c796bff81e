import type { AppConfig } from "../../config/schema.ts";
import { type IndexReading, PriceIndex, type WarmStart, warmStart } from "../../feeds/index.ts";
import { type Scheduler, sleep } from "../../net/scheduler.ts";
import { count, plural, usdFromNumber } from "../console/number-style.ts";
import { SOURCE_REPORT_MS, everySourceFailed, sourceReport, warmStartLine } from "./live-startup.ts";
import type { RunLog } from "../console/run-log.ts";

/** The price feeds of a live run, connected, with the warm start and the first live reading. */
export interface LiveFeeds {
  readonly index: PriceIndex;
  /** The warm start's history (empty when there was no price to start with: nothing is traded then). */
  readonly warm: WarmStart;
  /** The first reading with a price, or the last one without when none came. */
  readonly first: IndexReading;
  /** Index prices stamped on arrival, held until the session takes them (then passed on at once). */
  onComposite(take: (tsMs: number, price: number) => void): void;
}

export interface FeedsStart {
  readonly config: AppConfig;
  readonly log: RunLog;
  readonly scheduler: Scheduler;
  /** Feed events (drops, reconnects) worth showing on the console once trading. */
  readonly notice: (level: "info" | "warn" | "debug", message: string) => void;
  /** True once the user asked to stop: the waits below end early. */
  readonly stopping: () => boolean;
}

/**
 * Connects every price source, backfills recent history (warm start) while they connect, and
 * waits for a first live price, up to startupTimeoutSeconds. Without one, each source's fate is
 * shown within a few seconds (at once when all have failed), then the runner keeps trying
 * quietly until the timeout; with one, the console says which source connected and which did
 * not. Ticks are stamped on arrival from the start.
 */
export async function startFeeds(o: FeedsStart): Promise<LiveFeeds> {
  const { config, log, scheduler } = o;
  const index = new PriceIndex(config.feeds, {
    scheduler,
    log: (level, msg) => {
      log.debug(`feeds ${level}: ${msg}`);
      o.notice(level, msg);
    },
  });
  const early: [number, number][] = [];
  let take: ((tsMs: number, price: number) => void) | null = null;
  index.onComposite((ts, price) => (take ? take(ts, price) : early.push([ts, price])));
  index.start();
  // The warm start's history is fetched while the sources connect: neither waits for the other.
  const warming = warmStart(config.feeds, { scheduler, log: (_l, msg) => log.debug(`warm start: ${msg}`) });

  const deadline = scheduler.now() + config.startupTimeoutSeconds * 1000;
  const reportAt = scheduler.now() + SOURCE_REPORT_MS;
  let reported = false;
  let reading = index.read();
  while (reading.price === null && scheduler.now() < deadline && !o.stopping()) {
    if (!reported && (scheduler.now() >= reportAt || everySourceFailed(reading))) {
      reported = true;
      const r = reading;
      log.show((c) => sourceReport(r, c, config.startupTimeoutSeconds));
      for (const s of r.sources) if (s.lastError) log.debug(`feeds: ${s.name}: ${s.lastError}`);
    }
    await sleep(scheduler, 250);
    reading = index.read();
  }
  // REST answers first; give sockets still connecting a moment, so the lines below say what connected.
  const grace = Math.min(deadline, scheduler.now() + 3000);
  while (reading.price !== null && reading.sources.some((s) => s.state === "connecting" && s.lastError === null) && scheduler.now() < grace && !o.stopping()) {
    await sleep(scheduler, 100);
    reading = index.read();
  }
  const r = reading;
  if (r.price === null) {
    const unused = await warming; // it gives up on its own timeout
    for (const note of unused.notes) log.debug(`warm start: ${note}`);
    if (!reported && !o.stopping()) log.show((c) => sourceReport(r, c, null));
    return { index, warm: { seconds: [], source: "none", notes: unused.notes }, first: r, onComposite: () => {} };
  }
  log.show((c) => sourceReport(r, c, null));
  const warm = await warming;
  log.info(warmStartLine(warm));
  for (const note of warm.notes) log.debug(`warm start: ${note}`);
  return {
    index,
    warm,
    first: r,
    onComposite(t) {
      for (const [ts, price] of early) t(ts, price);
      early.length = 0;
      take = t;
    },
  };
}

/** "coinbase live $64,123.45 · kraken backoff (ECONNREFUSED)" */
export function sourcesLine(r: IndexReading): string {
  return r.sources
    .filter((s) => s.state !== "disabled")
    .map((s) => {
      const err = s.lastError && s.state !== "live" ? ` (${s.lastError})` : "";
      const price = s.price !== null && s.state === "live" ? ` ${usdFromNumber(s.price)}` : "";
      return `${s.name} ${s.state}${price}${err}`;
    })
    .join(" · ");
}

/** Where the price comes from, in full: "median of coinbase, kraken (2/4 sources)". */
export function priceLine(r: IndexReading): string {
  if (r.price === null) return `no fresh price (${r.mode}); sources: ${sourcesLine(r)}`;
  return `${r.mode === "composite" ? "median of" : "from"} ${r.contributors.join(", ")} (${r.contributors.length}/${r.sources.filter((s) => s.state !== "disabled").length} sources)`;
}

/** Where the price came from in a few words, for the one-line status: "median of 4/7", "coinbase", "none". */
export function priceSourceShort(r: IndexReading): string {
  if (r.price === null) return "none";
  if (r.mode !== "composite" || r.contributors.length === 1) return r.contributors.join(", ");
  return `median of ${r.contributors.length}/${r.sources.filter((s) => s.state !== "disabled").length}`;
}

/** One source's problems: "2 reconnects, 1 gap" (empty when none). */
function problems(s: IndexReading["sources"][number]): string[] {
  return [s.reconnects && plural(s.reconnects, "reconnect"), s.parseErrors && plural(s.parseErrors, "parse error"), s.rejected && plural(s.rejected, "price") + " rejected", s.gaps && plural(s.gaps, "gap")].filter((x): x is string => Boolean(x));
}

/** Problems the feeds counted so far, or null: "feeds: kraken 2 reconnects · coinbase 1 gap". */
export function feedProblemsLine(r: IndexReading): string | null {
  const parts = r.sources
    .filter((s) => s.state !== "disabled")
    .map((s) => {
      const p = problems(s);
      return p.length ? `${s.name} ${p.join(", ")}` : null;
    })
    .filter((x): x is string => x !== null);
  return parts.length ? `feeds: ${parts.join(" · ")}` : null;
}

/** The summary's lines, one per source: "  coinbase          1,234 msgs, 2 reconnects". */
export function feedSummaryLines(r: IndexReading): string[] {
  return r.sources
    .filter((s) => s.state !== "disabled")
    .map((s) => {
      const p = problems(s);
      return `  ${s.name.padEnd(15)} ${count(s.messages).padStart(9)} msgs${p.length ? `, ${p.join(", ")}` : ""}`;
    });
}
