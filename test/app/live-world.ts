// The world a live runner trades in, on 127.0.0.1 and on a simulated clock: four exchanges around
// $64,000 with recent history for the warm start, and Kalshi with a cheap YES (the best NO bid is
// 95¢, so YES is offered at 5¢) against an official strike a little below the price. Shared by
// the in-process tests and by the child process a test kills.
import { windowAt } from "../../src/domain/window.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { type FakeKalshi, type FakeResult, startFakeKalshi } from "../fakes/kalshi.ts";
import type { SimScheduler } from "../sim/scheduler.ts";

export interface World {
  readonly ex: FakeExchanges;
  readonly kalshi: FakeKalshi;
  /** The runner's configuration against this world (merge more over it). */
  config(extra?: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Windows (by their close, unix seconds) whose book offers the cheap YES. */
  readonly cheap: readonly number[];
  /** Official results, by window close. */
  readonly results?: ReadonlyMap<number, FakeResult>;
}

export const P0 = 64_000;
export const priceAt = (s: number) => P0 + 40 * Math.sin(s / 97);

export async function startWorld(sim: SimScheduler, o: WorldOptions): Promise<World> {
  // Calmer than the fakes' fault-hunting defaults: a price every 500 ms, a heartbeat a second.
  const ex = await startFakeExchanges({ price: P0, scheduler: sim, tickMs: 500, heartbeatMs: 1000 });
  const history = { get nowMs() { return sim.now(); }, priceAt, tradeSeconds: 120 };
  ex.exchanges.coinbase.history = history;
  ex.exchanges.kraken.history = history;
  const kalshi = await startFakeKalshi({ scheduler: sim });
  for (const close of o.cheap) {
    const ticker = windowAt(close - 1).ticker;
    kalshi.setBook(ticker, { yes: [["0.0300", "500.00"]], no: [["0.9500", "500.00"]] });
    kalshi.setMarket(ticker, { floor_strike: 63_990 });
  }
  for (const [close, r] of o.results ?? []) kalshi.setResult(windowAt(close - 1).ticker, r);
  return {
    ex,
    kalshi,
    config: (extra = {}) => ({
      markets: "kalshi",
      statusIntervalSeconds: 2,
      startupTimeoutSeconds: 20,
      strategy: { minConfidence: 0 },
      feeds: {
        ...ex.feedsConfig,
        superviseIntervalMs: 500,
        connection: { ...ex.feedsConfig.connection, pingIntervalMs: 1000 },
        ...Object.fromEntries((["coinbase", "kraken"] as const).map((n) => [n, { ...ex.feedsConfig[n], quietTimeoutMs: 3000 }])),
        // Two exchanges are enough for a median here.
        binanceus: { enabled: false },
        bitstamp: { enabled: false },
        rest: { enabled: false },
      },
      kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl, bookPollMs: 1000, resultPollMs: 1000 },
      ...extra,
    }),
    close: () => Promise.all([ex.close(), kalshi.close()]).then(() => {}),
  };
}
