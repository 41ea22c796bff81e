import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { BookEvent, MarketEvent } from "../../src/domain/events.ts";
import { isQuote } from "../../src/domain/quote.ts";
import { windowAt } from "../../src/domain/window.ts";
import { VenueMarket } from "../../src/engine/venue-market.ts";
import { systemClock } from "../../src/kalshi/clock.ts";
import { KalshiMarketFeed } from "../../src/kalshi/market-feed.ts";
import { type OfficialResult, ResultWatcher } from "../../src/kalshi/results.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { ScriptedClock, testClient } from "./helpers.ts";

const OPEN = 1_785_000_600; // 2026-07-25T17:30:00Z, a window boundary
const W = windowAt(OPEN);
const BOOK = { yes: [["0.4500", "10.00"], ["0.4600", "4.00"]] as [string, string][], no: [["0.5200", "8.00"], ["0.5300", "6.00"]] as [string, string][] };

/** The poller's events, applied to a VenueMarket as the engine would. */
function venueOf(events: (MarketEvent | BookEvent)[] = []) {
  const venue = new VenueMarket("kalshi", 2000);
  const onEvent = (e: MarketEvent | BookEvent) => {
    events.push(e);
    if (e.type === "book") venue.onBook(e);
    else venue.onMarket(e);
  };
  return { venue, onEvent, events };
}

describe("Kalshi market data by REST polling", () => {
  let fake: FakeKalshi;
  let clock: ScriptedClock;
  let feed: KalshiMarketFeed;
  let source: VenueMarket;
  let events: (MarketEvent | BookEvent)[];

  beforeAll(async () => {
    clock = new ScriptedClock(0);
    fake = await startFakeKalshi({ now: () => clock.now() });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    const v = venueOf();
    events = v.events;
    feed = new KalshiMarketFeed(testClient(fake.baseUrl, { maxRetries: 0 }), { series: "KXBTC15M", clock, bookPollMs: 1000, backoffMaxMs: 8_000, marketRefreshMs: 30_000, pollBook: () => true, onEvent: v.onEvent });
    source = v.venue;
    fake.setBook(W.ticker, BOOK);
  });

  it("finds the window's market by its computed ticker and quotes its book for that second", async () => {
    clock.t = (OPEN + 10) * 1000;
    await feed.pollOnce();
    expect(fake.requests.some((r) => r.path.endsWith(`/markets/${W.ticker}`))).toBe(true);
    expect(events[0]).toMatchObject({ type: "market", ticker: W.ticker, tradable: true, strikeCents: 6_483_926, open: OPEN, close: W.close });
    expect(events[1]).toMatchObject({ type: "book", ticker: W.ticker, requestedMs: (OPEN + 10) * 1000 });
    expect(source.officialStrike(W.ticker)).toBe(6_483_926);
    const q = source.quote(OPEN + 10, W);
    if (!isQuote(q)) throw new Error(q.detail);
    expect(q.ticker).toBe(W.ticker);
    expect(q.yes.asks[0]).toEqual({ price: 4700, size: 6 });
    expect(q.no.asks[0]).toEqual({ price: 5400, size: 4 });
  });

  it("gives no quote from a book asked for longer ago than the freshness limit, and says so", async () => {
    clock.t = (OPEN + 10) * 1000;
    await feed.pollOnce();
    expect(isQuote(source.quote(OPEN + 12, W))).toBe(true);
    expect(source.quote(OPEN + 13, W)).toMatchObject({ kind: "miss", why: "stale", detail: "book 3.0 s old (limit 2 s)" });
    expect(source.counters.misses.stale).toBe(1);
  });

  it("stamps a book with when it was asked for, so a slow reply is counted as old", async () => {
    const f2 = await startFakeKalshi();
    try {
      // The feed reads the wall clock: the book is on this window and the next, so a quarter-hour passing meanwhile changes nothing.
      for (const t of [Date.now() / 1000, Date.now() / 1000 + 900]) f2.setBook(windowAt(t).ticker, BOOK);
      const v = venueOf();
      const live = new KalshiMarketFeed(testClient(f2.baseUrl), { series: "KXBTC15M", clock: systemClock, bookPollMs: 1000, backoffMaxMs: 8_000, marketRefreshMs: 30_000, pollBook: () => true, onEvent: v.onEvent });
      await live.pollOnce(); // the market facts
      f2.slowNext(400, 1);
      const before = Date.now();
      await live.pollOnce();
      const book = v.events.filter((e): e is BookEvent => e.type === "book").at(-1)!;
      expect(book.requestedMs).toBeGreaterThanOrEqual(before);
      expect(book.receivedMs - book.requestedMs).toBeGreaterThanOrEqual(400);
    } finally {
      await f2.close();
    }
  });

  it("keeps quoting nothing while the book cannot be read, and counts the errors", async () => {
    clock.t = (OPEN + 20) * 1000;
    fake.failNext(500, 1, `/markets/${W.ticker}/orderbook`);
    await feed.pollOnce();
    expect(feed.counters.errors).toBe(1);
    expect(source.quote(OPEN + 20, W)).toMatchObject({ kind: "miss", why: "missing" });
    await feed.pollOnce();
    expect(isQuote(source.quote(OPEN + 20, W))).toBe(true);
  });

  it("gives no quote before the market opens, and does not poll its book", async () => {
    clock.t = (OPEN - 30) * 1000;
    const next = windowAt(OPEN - 30);
    const before = fake.requests.length;
    await feed.pollOnce();
    // The window containing OPEN−30 is the previous one: it is open; ask about OPEN's window early.
    expect(next.close).toBe(OPEN);
    expect(isQuote(source.quote(OPEN - 30, W))).toBe(false);
    expect(fake.requests.length - before).toBe(2);
  });

  it("survives a removed field: no strike is no strike, no orderbook_fp is an error, not a crash", async () => {
    const f2 = await startFakeKalshi({ now: () => clock.now() });
    try {
      f2.setBook(W.ticker, BOOK);
      f2.dropField("floor_strike");
      f2.dropField("orderbook_fp");
      const v = venueOf();
      const errors: string[] = [];
      const feed2 = new KalshiMarketFeed(testClient(f2.baseUrl), { series: "KXBTC15M", clock, bookPollMs: 1000, backoffMaxMs: 8_000, marketRefreshMs: 30_000, pollBook: () => true, onEvent: v.onEvent, onError: (m) => errors.push(m) });
      clock.t = (OPEN + 30) * 1000;
      await feed2.pollOnce();
      expect(v.venue.officialStrike(W.ticker)).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/orderbook_fp/);
      expect(feed2.counters.errors).toBe(1);
      expect(v.venue.quote(OPEN + 30, W)).toMatchObject({ kind: "miss", why: "missing" });
    } finally {
      await f2.close();
    }
  });

  it("counts a window Kalshi does not list yet, without an error", async () => {
    clock.t = (OPEN + 40) * 1000;
    // The fake lists any well-formed ticker; a series with a dash makes a ticker it answers 404 to.
    const feed404 = new KalshiMarketFeed(testClient(fake.baseUrl), { series: "X-Y", clock, bookPollMs: 1000, backoffMaxMs: 8_000, marketRefreshMs: 30_000, pollBook: () => true, onEvent: () => {} });
    await feed404.pollOnce();
    expect(feed404.counters).toMatchObject({ notListed: 1, errors: 0, bookFetches: 0 });
  });
});

describe("official results", () => {
  it("waits for a result that arrives late, then reports it once with Kalshi's values", async () => {
    const clock = new ScriptedClock(W.close * 1000);
    const fake = await startFakeKalshi({ now: () => clock.now() });
    try {
      fake.setResult(W.ticker, { result: "no", expirationValue: "64809.04", afterPolls: 2 });
      const got: OfficialResult[] = [];
      const watcher = new ResultWatcher(testClient(fake.baseUrl), { clock, pollMs: 5_000, backoffMaxMs: 8_000, giveUpMs: 3_600_000, onResult: (r) => got.push(r) });
      watcher.watch(W.ticker, W.close);
      await watcher.pollOnce();
      clock.t += 5_000;
      await watcher.pollOnce();
      expect(got).toEqual([]);
      expect(watcher.pending).toEqual([W.ticker]);
      await watcher.pollOnce(); // not yet due: no request
      expect(watcher.counters.polls).toBe(2);
      clock.t += 5_000;
      await watcher.pollOnce();
      expect(got).toEqual([{ ticker: W.ticker, close: W.close, result: "no", settlementCents: 6_480_904, strikeCents: 6_483_926 }]);
      await watcher.pollOnce();
      expect(got).toHaveLength(1);
      expect(watcher.pending).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("gives up after the configured time, leaving the positions to the caller", async () => {
    const clock = new ScriptedClock(W.close * 1000);
    const fake = await startFakeKalshi({ now: () => clock.now() });
    try {
      const gaveUp: string[] = [];
      const watcher = new ResultWatcher(testClient(fake.baseUrl), { clock, pollMs: 1_000, backoffMaxMs: 8_000, giveUpMs: 60_000, onResult: () => {}, onGiveUp: (t) => gaveUp.push(t) });
      watcher.watch(W.ticker, W.close);
      await watcher.pollOnce();
      clock.t += 60_001;
      await watcher.pollOnce();
      expect(gaveUp).toEqual([W.ticker]);
      expect(watcher.counters).toMatchObject({ polls: 1, results: 0, givenUp: 1 });
    } finally {
      await fake.close();
    }
  });
});
