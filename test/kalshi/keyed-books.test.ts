// Order books and keys (issue 16, items 2 and 7): Kalshi's OpenAPI puts the book behind a key.
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fetchMarketViews, formatMarketViews } from "../../src/app/commands/markets.ts";
import { kalshiCountersLine } from "../../src/app/drivers/live.ts";
import { chooseMarketSource } from "../../src/app/venue/kalshi-market.ts";
import { bookKeyNotice } from "../../src/app/venue/kalshi-status.ts";
import { parseConfig } from "../../src/config/load.ts";
import type { BookEvent, EngineEvent } from "../../src/domain/events.ts";
import { windowAt } from "../../src/domain/window.ts";
import { VenueMarket } from "../../src/engine/venue-market.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { ScriptedClock, testClient, until } from "./helpers.ts";

const OPEN = 1_785_000_600;
const W = windowAt(OPEN);
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const KEY = { keyId: "test-key", privateKey };

async function refusedWsUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `ws://127.0.0.1:${port}/trade-api/ws/v2`;
}

describe("order books that need a key", () => {
  let fake: FakeKalshi;
  const clock = new ScriptedClock((OPEN + 30) * 1000);
  afterEach(() => fake.close());

  it("keyless: a 401 is said once, in one line naming the key variables, and the book is not asked for again", async () => {
    fake = await startFakeKalshi({ now: () => clock.now(), booksNeedKey: true, topLevelErrors: true });
    fake.setBook(W.ticker, { yes: [["0.4500", "10.00"]], no: [["0.5300", "6.00"]] });
    const config = parseConfig({ kalshi: { baseUrl: fake.baseUrl, backoff: { maxRetries: 0 } } });
    const notices: string[] = [];
    const choice = await chooseMarketSource("kalshi", { config, key: null, clock, onBookNeedsKey: () => notices.push(bookKeyNotice(config)) });
    const market = new VenueMarket("kalshi", 2000);
    choice.attach((e: EngineEvent) => (e.type === "book" ? market.onBook(e) : e.type === "market" ? market.onMarket(e) : undefined));
    const feed = choice.kalshi!.feed;
    for (let i = 0; i < 3; i++) await feed.pollOnce();
    expect(notices).toEqual([
      'Kalshi requires an API key for order books (it answered 401): set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (docs/kalshi.md: "With an API key"); until then there is no Kalshi quote to trade on',
    ]);
    expect(fake.requests.filter((r) => r.path.endsWith("/orderbook"))).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.endsWith(`/markets/${W.ticker}`)).length).toBeGreaterThanOrEqual(1); // market facts still come
    // The status line and the dashboard (which shows the same line) say it too.
    expect(kalshiCountersLine(choice, market, config)).toBe(`kalshi: ${notices[0]}`);
    // btc15 markets says the same, and with a key signs the request and reads the book.
    const keyless = await fetchMarketViews(testClient(fake.baseUrl), "KXBTC15M", OPEN + 30);
    expect(keyless[0]).toMatchObject({ book_error: "api_key_required", yes: null, exchange_index: 2 });
    expect(formatMarketViews(keyless, config)).toContain(notices[0]);
    const demo = parseConfig({ kalshi: { env: "demo" } });
    expect(bookKeyNotice(demo)).toMatch(/set KALSHI_DEMO_API_KEY_ID and KALSHI_DEMO_PRIVATE_KEY_PATH/);
    await choice.stop();
  });

  it("with a key every book request is signed, including btc15 markets'", async () => {
    fake = await startFakeKalshi({ now: () => clock.now(), booksNeedKey: true, publicKey });
    fake.setBook(W.ticker, { yes: [["0.4500", "10.00"]], no: [["0.5300", "6.00"]] });
    const views = await fetchMarketViews(testClient(fake.baseUrl, { key: KEY }), "KXBTC15M", OPEN + 30);
    expect(views[0]).toMatchObject({ book_error: null, yes: { bid: "0.4500", ask: "0.4700" } });
    expect(fake.authFailures).toBe(0);
  });

  it("with a key and a WebSocket that never connects, the book comes from signed REST polling", async () => {
    fake = await startFakeKalshi({ now: () => clock.now(), booksNeedKey: true, publicKey });
    fake.setBook(W.ticker, { yes: [["0.4500", "10.00"]], no: [["0.5300", "6.00"]] });
    const config = parseConfig({ kalshi: { baseUrl: fake.baseUrl, wsUrl: await refusedWsUrl(), backoff: { baseMs: 20, maxMs: 100, maxRetries: 0 } } });
    const books: BookEvent[] = [];
    const choice = await chooseMarketSource("kalshi", { config, key: KEY, clock });
    choice.attach((e) => void (e.type === "book" && books.push(e)));
    choice.kalshi!.socket!.start();
    await choice.kalshi!.feed.pollOnce();
    await choice.kalshi!.feed.pollOnce();
    expect(books.filter((b) => b.book !== null)).toHaveLength(2);
    expect(books[0]!.book!.no).toEqual([{ price: 5300, size: 6 }]);
    expect(fake.authFailures).toBe(0); // every book request carried a valid signature
    expect(choice.kalshi!.feed.counters.signedBooks).toBe(2);
    expect(choice.description).toMatch(/book by WebSocket .* \(signed REST polling while it is down\)/);
    await choice.stop();
  });

  it("with a key and the WebSocket up, REST asks for no book: the socket's is in sequence", async () => {
    fake = await startFakeKalshi({ now: () => clock.now(), publicKey });
    fake.setBook(W.ticker, { yes: [["0.4500", "10.00"]], no: [["0.5300", "6.00"]] });
    const config = parseConfig({ kalshi: { baseUrl: fake.baseUrl, wsUrl: fake.wsUrl, index: { enabled: false } } });
    const choice = await chooseMarketSource("kalshi", { config, key: KEY, clock });
    choice.attach(() => {});
    const socket = choice.kalshi!.socket!;
    socket.start();
    await until(() => socket.hasBook(W.ticker), "the socket's book");
    // The order-book channel asks for YES-leg prices by default, as Kalshi's docs ask integrations to.
    expect(fake.wsCommands.find((c) => (c.params as { market_ticker?: string }).market_ticker === W.ticker)!.params).toMatchObject({ use_yes_price: true });
    await choice.kalshi!.feed.pollOnce();
    expect(fake.requests.filter((r) => r.path.endsWith("/orderbook"))).toHaveLength(0);
    await choice.stop();
  });
});

describe("contract counts", () => {
  let fake: FakeKalshi;
  afterEach(() => fake.close());

  it("adds fractional sizes exactly: a real book's depth is 1639.08, not 1639.0800000000002", async () => {
    const clock = new ScriptedClock((OPEN + 30) * 1000);
    fake = await startFakeKalshi({ now: () => clock.now() });
    const sizes = ["193.45", "168.96", "526.41", "669.86", "80.40"];
    fake.setBook(W.ticker, { yes: [["0.4000", "12.50"]], no: sizes.map((c, i): [string, string] => [`0.5${i}00`, c]) });
    const [view] = await fetchMarketViews(testClient(fake.baseUrl), "KXBTC15M", OPEN + 30);
    // Added as floats in the order the asks are listed, these give 1639.0800000000002.
    expect([...sizes].reverse().reduce((a, c) => a + Number(c), 0)).not.toBe(1639.08);
    expect(view!.yes!.ask_depth).toBe(1639.08);
    expect(JSON.stringify(view!.yes)).toContain('"ask_depth":1639.08');
    expect(formatMarketViews([view!])).toMatch(/YES bid 0\.4000 {2}ask 0\.4600 {2}depth 1639\.08 contracts on 5 level/);
  });
});
