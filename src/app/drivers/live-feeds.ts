import type { AppConfig } from "../../config/schema.ts";
import { type CoinIndex, type IndexReading, PriceIndex, type WarmStart, warmStart } from "../../feeds/index.ts";
import { seriesSpec } from "../../domain/series.ts";
import type { Paint } from "../console/console-format.ts";
import { type Scheduler, sleep } from "../../net/scheduler.ts";
import { count, plural, usdFromNumber } from "../console/number-style.ts";
import { SOURCE_REPORT_MS, everySourceFailed, sourceReport, warmStartLine } from "./live-startup.ts";
import type { RunLog } from "../console/run-log.ts";

/** One coin's feed in a live run: its index, its warm start and its first reading. */
export interface CoinFeed {
  readonly coin: string;
  readonly index: CoinIndex;
  /** The warm start's history (empty when the coin had no price to start with). */
  readonly warm: WarmStart;
  /** The first reading with a price, or the last one without when none came. */
  readonly first: IndexReading;
  /** Index prices stamped on arrival, held until the session takes them (then passed on at once). */
  onComposite(take: (tsMs: number, price: number) => void): void;
}

/** The price feeds of a live run, connected (one connection per exchange for every coin), each coin warmed and read. */
export interface LiveFeeds {
  readonly index: PriceIndex;
  /** Each coin's feed, in the configuration's order of series. */
  readonly coins: ReadonlyMap<string, CoinFeed>;
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
 * Connects every price source (each exchange once, carrying every configured coin), backfills
 * each coin's recent history (warm start) while they connect, and waits for a first live price of
 * every coin, up to startupTimeoutSeconds. Without any price, each source's fate is shown within
 * a few seconds (at once when all have failed), then the runner keeps trying quietly until the
 * timeout; with prices, the console says which source connected and which did not (and which coin
 * has none yet). Ticks are stamped on arrival from the start.
 */
export async function startFeeds(o: FeedsStart): Promise<LiveFeeds> {
  const { config, log, scheduler } = o;
  const products = config.series.map((s) => seriesSpec(s).products);
  const coins = products.map((p) => p.coin);
  const index = new PriceIndex(config.feeds, {
    scheduler,
    coins: products,
    log: (level, msg) => {
      log.debug(`feeds ${level}: ${msg}`);
      o.notice(level, msg);
    },
  });
  const held = new Map<string, { early: [number, number][]; take: ((tsMs: number, price: number) => void) | null }>();
  for (const coin of coins) {
    const h = { early: [] as [number, number][], take: null as ((tsMs: number, price: number) => void) | null };
    held.set(coin, h);
    index.coin(coin).onComposite((ts, price) => (h.take ? h.take(ts, price) : h.early.push([ts, price])));
  }
  index.start();
  // Each coin's history is fetched while the sources connect: neither waits for the other.
  const digits = new Map(config.series.map((s) => [seriesSpec(s).coin, seriesSpec(s).priceDigits]));
  const warming = new Map(
    products.map((p) => [p.coin, warmStart(config.feeds, { scheduler, log: (_l, msg) => log.debug(`warm start: ${msg}`) }, p, digits.get(p.coin) ?? 2)] as const),
  );
  const readAll = () => new Map(coins.map((c) => [c, index.coin(c).read(scheduler.now())]));

  const deadline = scheduler.now() + config.startupTimeoutSeconds * 1000;
  const reportAt = scheduler.now() + SOURCE_REPORT_MS;
  let reported = false;
  let readings = readAll();
  const some = () => [...readings.values()].some((r) => r.price !== null);
  const all = () => [...readings.values()].every((r) => r.price !== null);
  while (!all() && scheduler.now() < deadline && !o.stopping()) {
    const r = readings.get(coins[0]!)!;
    if (!some() && !reported && (scheduler.now() >= reportAt || everySourceFailed(r))) {
      reported = true;
      log.show((c) => sourceReport(r, c, config.startupTimeoutSeconds));
      for (const s of r.sources) if (s.lastError) log.debug(`feeds: ${s.name}: ${s.lastError}`);
    }
    await sleep(scheduler, 250);
    readings = readAll();
  }
  // REST answers first; give sockets still connecting a moment, so the lines below say what connected.
  const grace = Math.min(deadline, scheduler.now() + 3000);
  const connecting = () => [...readings.values()].some((r) => r.sources.some((s) => s.state === "connecting" && s.lastError === null));
  while (some() && connecting() && scheduler.now() < grace && !o.stopping()) {
    await sleep(scheduler, 100);
    readings = readAll();
  }
  const firstReading = readings.get(coins[0]!)!;
  if (!some()) {
    for (const w of warming.values()) {
      const unused = await w; // it gives up on its own timeout
      for (const note of unused.notes) log.debug(`warm start: ${note}`);
    }
    if (!reported && !o.stopping()) log.show((c) => sourceReport(firstReading, c, null));
    const none: WarmStart = { seconds: [], source: "none", notes: [] };
    const feeds = new Map(coins.map((c) => [c, { coin: c, index: index.coin(c), warm: none, first: readings.get(c)!, onComposite: () => {} } satisfies CoinFeed]));
    return { index, coins: feeds };
  }
  if (coins.length === 1) log.show((c) => sourceReport(firstReading, c, null));
  else for (const coin of coins) log.show((c) => coinLine(readings.get(coin)!, c));
  const feeds = new Map<string, CoinFeed>();
  for (const coin of coins) {
    const warm = await warming.get(coin)!;
    const first = readings.get(coin)!;
    log.info(`${coins.length > 1 ? `${coin.padEnd(4)} ` : ""}${warmStartLine(warm)}`);
    for (const note of warm.notes) log.debug(`warm start: ${coin}: ${note}`);
    const h = held.get(coin)!;
    feeds.set(coin, {
      coin,
      index: index.coin(coin),
      warm: first.price === null ? { seconds: [], source: "none", notes: warm.notes } : warm,
      first,
      onComposite(t) {
        for (const [ts, price] of h.early) t(ts, price);
        h.early.length = 0;
        h.take = t;
      },
    });
  }
  return { index, coins: feeds };
}

/** With several coins, one start-up line each: "✓ ETH  coinbase $3,012.40 · kraken $3,012.55 (2 of 2 sources)". */
function coinLine(r: IndexReading, c: Paint): string {
  const on = r.sources.filter((s) => s.state !== "disabled");
  const live = on.filter((s) => s.state === "live" && s.price !== null);
  if (live.length === 0) return `${c.yellow("✗")} ${r.coin.padEnd(4)} no price yet (still trying; its series does not trade until one comes)`;
  return `${c.green("✓")} ${r.coin.padEnd(4)} ${live.map((s) => `${s.name} ${usdFromNumber(s.price!)}`).join(" · ")} (${live.length} of ${on.length} sources)`;
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
