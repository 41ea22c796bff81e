import type { AppConfig } from "../../config/schema.ts";
import type { OrderEvent } from "../../domain/events.ts";
import type { MarketSource } from "../../engine/market.ts";
import type { OrderPort } from "../../engine/orders.ts";
import { VenueMarket } from "../../engine/venue-market.ts";
import type { KalshiClient } from "../../kalshi/client.ts";
import type { Scheduler } from "../../net/scheduler.ts";
import { count, plural, usdFromNumber } from "../console/number-style.ts";
import type { RunLog } from "../console/run-log.ts";
import { readKalshiCredentials } from "../venue/kalshi-credentials.ts";
import { type LiveAccount, checkLiveGates, liveBroker, liveOrderPort, liveSummary, readLiveAccount } from "../venue/kalshi-live.ts";
import { type MarketChoice, chooseMarketSource, kalshiClient } from "../venue/kalshi-market.ts";

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
  /** The market the engine trades against: Kalshi's book when reachable (or asked for), the synthetic maker otherwise. */
  chooseMarket(o: { readonly onError: (message: string) => void; readonly onGiveUp: (ticker: string) => void }): Promise<MarketChoice>;
  /** Live trading only: where orders go; their outcomes come back through `emit` (the session's door). */
  orders(emit: (e: OrderEvent) => void): OrderPort | undefined;
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
  const credentials = readKalshiCredentials(o.env);
  if (live && credentials === null) checkLiveGates({ mode: config.mode, credentials, confirmed: o.confirmLive }); // throws, naming the missing gate(s)
  const client = kalshiClient(config, { key: credentials, clock: scheduler, scheduler });
  let account: LiveAccount | null = null;
  let grant: ReturnType<typeof checkLiveGates> | null = null;
  try {
    if (live) {
      account = await readLiveAccount(client, config.series);
      let confirmed = o.confirmLive;
      if (!confirmed && o.ask) confirmed = await o.ask(`Trade REAL money on Kalshi (limits: ${usdFromNumber(config.kalshi.live.maxPerOrder)}/order, ${usdFromNumber(config.kalshi.live.maxDailyLoss)} daily loss)? Type "yes": `);
      grant = checkLiveGates({ mode: config.mode, credentials, confirmed });
    }
  } catch (e) {
    client.close();
    throw e;
  }
  return {
    client,
    account,
    chooseMarket: (d) => chooseMarketSource(config.markets, { config, key: credentials, client, clock: scheduler, scheduler, ...d }),
    orders(emit) {
      if (grant === null || account === null) return undefined;
      log.show((c) => c.red(liveSummary(config, account!)));
      return liveOrderPort(liveBroker(grant, client, config), emit, scheduler, (l) => log.debug(l));
    },
    close: () => client.close(),
  };
}

/** Kalshi's counters, or null: requests, retries by cause, skipped levels, and why books gave no quote. */
export function kalshiCountersLine(choice: MarketChoice, market: MarketSource): string | null {
  const k = choice.kalshi;
  if (k === null || !(market instanceof VenueMarket)) return null;
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
