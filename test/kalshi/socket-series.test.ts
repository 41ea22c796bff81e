// One Kalshi WebSocket for several series: every series' current and next books and every coin's
// settlement index on the one connection, each book told under its own ticker.
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { BidBook } from "../../src/domain/book.ts";
import { windowAt } from "../../src/domain/window.ts";
import { KalshiSocket } from "../../src/kalshi/socket.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { ScriptedClock, testClient, until } from "./helpers.ts";

const OPEN = 1_785_000_600;
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

describe("one Kalshi WebSocket for several series", () => {
  let fake: FakeKalshi;
  let socket: KalshiSocket | null = null;
  afterEach(async () => {
    await socket?.stop();
    await fake?.close();
  });

  it("subscribes to each series' books and each coin's index on one connection, and keeps the books apart", async () => {
    const clock = new ScriptedClock((OPEN + 5) * 1000);
    fake = await startFakeKalshi({ now: () => clock.now(), publicKey });
    const btc = windowAt(OPEN, "KXBTC15M").ticker;
    const eth = windowAt(OPEN, "KXETH15M").ticker;
    fake.setBook(btc, { yes: [["0.4500", "10.00"]], no: [["0.5200", "8.00"]] });
    fake.setBook(eth, { yes: [["0.3000", "4.00"]], no: [["0.6500", "2.00"]] });
    const client = testClient(fake.baseUrl, { key: { keyId: "test-key", privateKey } });
    const books = new Map<string, BidBook>();
    const lifecycle: string[] = [];
    socket = new KalshiSocket({
      url: fake.wsUrl,
      headers: () => client.socketHeaders("/trade-api/ws/v2"),
      onBook: (ticker, bids) => books.set(ticker, bids),
      series: ["KXBTC15M", "KXETH15M"],
      clock,
      staleMs: 30_000,
      backoffBaseMs: 20,
      backoffMaxMs: 100,
      tickMs: 20,
      onLifecycle: (e) => lifecycle.push(e.ticker),
      useYesPrice: false,
      indexIds: ["BRTI", "ETHUSD_RTI"],
      onIndex: () => {},
    });
    socket.start();
    await until(() => books.has(btc) && books.has(eth), "both series' books");
    expect(fake.wsClients()).toBe(1);
    const tickers = fake.wsCommands.flatMap((c) => ((c.params as { market_ticker?: string }).market_ticker === undefined ? [] : [(c.params as { market_ticker: string }).market_ticker]));
    expect(tickers.sort()).toEqual([btc, windowAt(OPEN + 900, "KXBTC15M").ticker, eth, windowAt(OPEN + 900, "KXETH15M").ticker].sort());
    const index = fake.wsCommands.filter((c) => (c.params as { channels?: string[] }).channels?.[0]?.startsWith("cfbenchmarks"));
    expect(index.map((c) => (c.params as { index_ids: string[] }).index_ids)).toEqual([["BRTI", "ETHUSD_RTI"], ["BRTI", "ETHUSD_RTI"]]);
    expect(books.get(btc)).toEqual({ yes: [{ price: 4500, size: 10 }], no: [{ price: 5200, size: 8 }] });
    expect(books.get(eth)).toEqual({ yes: [{ price: 3000, size: 4 }], no: [{ price: 6500, size: 2 }] });
    // A lifecycle event of either series is heard; one of a series not traded is not.
    for (const t of [windowAt(OPEN, "KXSOL15M").ticker, eth]) fake.pushChannel("market_lifecycle_v2", { msg: { market_ticker: t, event_type: "determined", result: "no" } });
    await until(() => lifecycle.length >= 1, "the ETH determination");
    expect(lifecycle).toEqual([eth]);
  });
});
