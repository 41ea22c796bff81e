import type { AppConfig } from "../../config/schema.ts";
import { UserError } from "../../domain/errors.ts";
import type { OrderEvent } from "../../domain/events.ts";
import type { MarketSource } from "../../engine/market.ts";
import type { OrderPort } from "../../engine/orders.ts";
import { VenueMarket } from "../../engine/venue-market.ts";
import type { KalshiClient } from "../../kalshi/client.ts";
import type { IndexWindowCheck } from "../../kalshi/index-averages.ts";
import type { LiveBroker } from "../../kalshi/live-broker.ts";
import type { Scheduler } from "../../net/scheduler.ts";
import { count, plural, usdFromNumber } from "../console/number-style.ts";
import type { RunLog } from "../console/run-log.ts";
import { readKalshiCredentials } from "../venue/kalshi-credentials.ts";
import { type LiveAccount, ShardBalanceWatch, checkLiveGates, liveBroker, liveOrderPort, liveSummary, readLiveAccount, shardShortfall } from "../venue/kalshi-live.ts";
import { bookKeyNotice } from "../venue/kalshi-status.ts";
import { type MarketChoice, type PriceDigits, chooseMarketSources, kalshiClient } from "../venue/kalshi-market.ts";

export interface LiveKalshiOptions {
  readonly config: AppConfig;
  readonly log: RunLog;
  /** The environment, read once here: Kalshi's key id and key path. */
  readonly env: NodeJS.ProcessEnv;
  /** --confirm-live, or a yes at the interactive prompt. */
  readonly confirmLive: boolean;
  /** Asks the user (a terminal prompt); absent when there is no terminal. */
  readonly ask?: (question: string) => Promise<boolean>;
  readonly scheduler: Scheduler;
}

/** Kalshi in a live run: one client for everything (with the key when there is one). */
export interface LiveKalshi {
  readonly client: KalshiClient;
  /** Live trading only: the account as Kalshi reported it at start. */
  readonly account: LiveAccount | null;
  /**
   * The market each series' engine trades against, in the configuration's order: Kalshi's books
   * when reachable (or asked for), the synthetic maker otherwise. `digits`: a series' price unit
   * when the market said it is not the series table's.
   */
  chooseMarkets(
    o: {
      readonly onError: (message: string) => void;
      readonly onGiveUp: (ticker: string) => void;
      readonly onBookNeedsKey?: () => void;
      readonly onIndexCheck?: (c: IndexWindowCheck) => void;
      readonly onRoundDigits?: (ticker: string, digits: number) => void;
    },
    digits?: PriceDigits,
  ): Promise<MarketChoice[]>;
  /**
   * Live trading only: where one series' orders go, each to its market's exchange shard
   * (`shardOf`, the start-up shard until the market says); their outcomes come back through `emit`
   * (that series' session's door). Called once per series; the broker is shared.
   */
  orders(emit: (e: OrderEvent) => void, shardOf?: (ticker: string) => number | null): OrderPort | undefined;
  /** Live trading only, once orders() made it: the broker (its counters) and the shard balance kept current. */
  readonly broker: LiveBroker | null;
  readonly balanceWatch: ShardBalanceWatch | null;
  /** Aborts what is still in flight (after the session closed: a live order's answer is awaited until then). */
  close(): void;
}

/**
 * The Kalshi side of `npm start`. For live orders it checks everything that can be checked (key
 * file, key id, Kalshi accepting the key) before asking the real-money question, and throws a
 * UserError naming each missing gate; nothing connects to the feeds before that.
 */
export async function openKalshi(o: LiveKalshiOptions): Promise<LiveKalshi> {
  const { config, log, scheduler } = o;
  const live = config.mode === "live";
  const credentials = readKalshiCredentials(o.env, config.kalshi.env);
  if (live && credentials === null) checkLiveGates({ mode: config.mode, credentials, confirmed: o.confirmLive, kalshiEnv: config.kalshi.env }); // throws, naming the missing gate(s)
  const client = kalshiClient(config, { key: credentials, clock: scheduler, scheduler });
  let account: LiveAccount | null = null;
  let grant: ReturnType<typeof checkLiveGates> | null = null;
  try {
    if (live) {
      account = await readLiveAccount(client, config.series, scheduler.now());
      // Collateral is per exchange shard: refuse before the question when the series' shard cannot pay for an order.
      const short = shardShortfall(config, account);
      if (short !== null) throw new UserError(short);
      let confirmed = o.confirmLive;
      if (!confirmed && o.ask) confirmed = await o.ask(`Trade REAL money on Kalshi (limits: ${usdFromNumber(config.kalshi.live.maxPerOrder)}/order, ${usdFromNumber(config.kalshi.live.maxDailyLoss)} daily loss)? Type "yes": `);
      grant = checkLiveGates({ mode: config.mode, credentials, confirmed, kalshiEnv: config.kalshi.env });
    }
  } catch (e) {
    client.close();
    throw e;
  }
  const made: { broker: LiveBroker | null; balanceWatch: ShardBalanceWatch | null } = { broker: null, balanceWatch: null };
  return {
    client,
    account,
    chooseMarkets: (d, digits) => chooseMarketSources(config.markets, { config, key: credentials, client, clock: scheduler, scheduler, ...d }, config.series, digits),
    orders(emit, shardOf) {
      if (grant === null || account === null) return undefined;
      if (made.broker === null) {
        log.show((c) => c.red(liveSummary(config, account!)));
        made.broker = liveBroker(grant, client, config);
        made.balanceWatch = new ShardBalanceWatch(client, account, config.statusIntervalSeconds * 1000, config.kalshi.backoff.maxMs, scheduler);
        made.balanceWatch.start();
      }
      const broker = made.broker;
      // The order as it goes on the wire is said at once (info): what is sent, not what was wanted.
      return liveOrderPort(broker, emit, scheduler, (l) => log.info(l), (t) => shardOf?.(t) ?? account!.shard);
    },
    get broker() {
      return made.broker;
    },
    get balanceWatch() {
      return made.balanceWatch;
    },
    close: () => client.close(),
  };
}

/** Kalshi's counters, or null: requests, retries by cause, skipped levels, and why books gave no quote. */
export function kalshiCountersLine(choice: MarketChoice, market: MarketSource, config: AppConfig): string | null {
  const k = choice.kalshi;
  if (k === null || !(market instanceof VenueMarket)) return null;
  if (k.feed.bookNeedsKey) return `kalshi: ${bookKeyNotice(config)}`;
  const c = k.client.counters;
  const v = market.counters;
  const retries = c.retries ? ` (${[c.rateLimited && `${count(c.rateLimited)}× 429`, c.serverErrors && `${count(c.serverErrors)}× 5xx`, c.timeouts && plural(c.timeouts, "timeout"), c.networkErrors && plural(c.networkErrors, "network error")].filter(Boolean).join(", ")})` : "";
  const misses = Object.entries(v.misses)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${why} ${count(n)}`)
    .join(", ");
  const ws = k.socket ? `, ws ${plural(k.socket.counters.reconnects, "reconnect")}, ${plural(k.socket.counters.seqGaps, "sequence gap")}` : "";
  return `kalshi: ${plural(c.requests, "request")}, ${plural(c.retries, "retry", "retries")}${retries}, ${count(c.failures)} failed; ${plural(v.books, "book")}, no quote: ${misses || "none"}; levels skipped ${count(k.feed.counters.badLevels)}, off-grid ${count(v.offGridLevels)}${ws}`;
}
