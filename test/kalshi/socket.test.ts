import { generateKeyPairSync } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { windowAt } from "../../src/domain/window.ts";
import type { BidBook } from "../../src/domain/book.ts";
import { KalshiSocket, type LifecycleEvent } from "../../src/kalshi/socket.ts";
import type { KalshiFill } from "../../src/kalshi/wire.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { ScriptedClock, testClient, until } from "./helpers.ts";

const OPEN = 1_785_000_600;
const W = windowAt(OPEN);
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

describe("Kalshi WebSocket (with a key)", () => {
  let fake: FakeKalshi;
  let socket: KalshiSocket | null = null;
  afterEach(async () => {
    await socket?.stop();
    await fake.close();
  });

  async function open(o: { keyed?: boolean; yesPrices?: boolean } = {}) {
    const clock = new ScriptedClock((OPEN + 5) * 1000);
    fake = await startFakeKalshi({ now: () => clock.now(), publicKey });
    fake.setBook(W.ticker, { yes: [["0.4500", "10.00"]], no: [["0.5200", "8.00"], ["0.5300", "6.00"]] });
    const client = testClient(fake.baseUrl, o.keyed === false ? {} : { key: { keyId: "test-key", privateKey } });
    // What the socket tells the engine: each book, and when one is no longer known.
    const books = new Map<string, { bids: BidBook; asOf: number }>();
    const board = { book: (t: string) => books.get(t) };
    const lifecycle: LifecycleEvent[] = [];
    const fills: KalshiFill[] = [];
    const errors: string[] = [];
    socket = new KalshiSocket({
      url: fake.wsUrl,
      headers: () => client.socketHeaders("/trade-api/ws/v2"),
      onBook: (ticker, bids, asOf) => books.set(ticker, { bids, asOf }),
      onBookLost: (ticker) => books.delete(ticker),
      series: "KXBTC15M",
      clock,
      staleMs: 30_000,
      backoffBaseMs: 20,
      backoffMaxMs: 100,
      tickMs: 20,
      onLifecycle: (e) => lifecycle.push(e),
      onFill: (f) => fills.push(f),
      onError: (m) => errors.push(m),
      useYesPrice: o.yesPrices ?? false,
    });
    socket.start();
    return { clock, board, lifecycle, fills, errors, socket };
  }

  it("signs the handshake, subscribes, and keeps the book from the snapshot and deltas", async () => {
    const { board, socket } = await open();
    await until(() => board.book(W.ticker) !== undefined, "snapshot");
    expect(fake.authFailures).toBe(0);
    const subscribe = fake.wsCommands.find((c) => (c.params as { market_ticker?: string }).market_ticker === W.ticker)!;
    expect(subscribe).toMatchObject({ cmd: "subscribe", params: { channels: ["orderbook_delta"], use_yes_price: false } });
    expect(fake.wsCommands.map((c) => (c.params as { channels?: string[] }).channels?.[0])).toEqual(expect.arrayContaining(["market_lifecycle_v2", "fill"]));
    fake.pushDelta(W.ticker, "no", "0.5300", -6);
    fake.pushDelta(W.ticker, "yes", "0.4600", 3);
    await until(() => socket.counters.deltas === 2, "deltas");
    expect(board.book(W.ticker)!.bids).toEqual({ yes: [{ price: 4500, size: 10 }, { price: 4600, size: 3 }], no: [{ price: 5200, size: 8 }] });
  });

  it("reads NO levels by the convention it subscribed with: the same book with use_yes_price true (the default) and false", async () => {
    // One book: YES bids 0.45×10; NO bids 0.52×8, 0.53×6. With use_yes_price the NO bids travel as 0.48 and 0.47.
    const want = { yes: [{ price: 4500, size: 10 }], no: [{ price: 5200, size: 8 }, { price: 5300, size: 6 }, { price: 5400, size: 5 }] };
    for (const yesPrices of [true, false]) {
      const { board, socket } = await open({ yesPrices });
      await until(() => board.book(W.ticker) !== undefined, "snapshot");
      const subscribe = fake.wsCommands.find((c) => (c.params as { market_ticker?: string }).market_ticker === W.ticker)!;
      expect((subscribe.params as { use_yes_price: boolean }).use_yes_price).toBe(yesPrices);
      fake.pushDelta(W.ticker, "no", "0.5400", 5); // a NO bid at 54¢: on the YES scale, 46¢
      await until(() => socket.counters.deltas === 1, "delta");
      expect(board.book(W.ticker)!.bids).toEqual(want);
      await socket.stop();
      await fake.close();
    }
    socket = null;
    fake = await startFakeKalshi(); // for afterEach
  });

  it("on a sequence gap drops the book at once and resynchronises from a fresh snapshot", async () => {
    const { board, socket } = await open();
    await until(() => board.book(W.ticker) !== undefined, "snapshot");
    fake.pushDelta(W.ticker, "no", "0.5400", 5, true); // seq jumps: this delta and anything before it is lost
    await until(() => socket.counters.seqGaps === 1, "gap detected");
    const resync = fake.wsCommands.find((c) => c.cmd === "update_subscription");
    expect(resync).toMatchObject({ params: { action: "get_snapshot", market_tickers: [W.ticker] } });
    await until(() => socket.counters.snapshots >= 3, "fresh snapshot"); // current + next window, then the resync
    // The fake applied the lost delta to its book: the fresh snapshot carries it.
    expect(board.book(W.ticker)!.bids.no).toContainEqual({ price: 5400, size: 5 });
  });

  it("skips and counts frames it cannot read, and passes on lifecycle events and fills", async () => {
    const { board, socket, lifecycle, fills } = await open();
    await until(() => board.book(W.ticker) !== undefined, "snapshot");
    fake.pushRaw("{not json");
    fake.pushRaw(JSON.stringify({ type: "orderbook_delta", sid: 99, seq: 1, msg: { market_ticker: W.ticker, price_dollars: "x", delta_fp: "1.00", side: "no" } }));
    fake.pushChannel("market_lifecycle_v2", { msg: { market_ticker: W.ticker, event_type: "determined", result: "yes", settlement_value: "1.0000", determination_ts: OPEN + 905 } });
    fake.pushChannel("market_lifecycle_v2", { msg: { market_ticker: "KXETH15M-26JUL251345-45", event_type: "determined", result: "no" } });
    fake.pushChannel("fill", { msg: { trade_id: "t1", order_id: "o1", market_ticker: W.ticker, is_taker: true, yes_price_dollars: "0.4700", count_fp: "3.00", fee_cost: "0.0600", outcome_side: "yes", book_side: "bid", ts_ms: 1 } });
    await until(() => fills.length === 1 && lifecycle.length === 1, "lifecycle and fill");
    expect(lifecycle).toEqual([{ ticker: W.ticker, eventType: "determined", result: "yes" }]);
    expect(fills[0]).toEqual({ orderId: "o1", ticker: W.ticker, side: "yes", price: 4700, contracts: 3, fee: 600 });
    expect(socket.counters.parseErrors).toBeGreaterThanOrEqual(1);
    // The unreadable delta broke the sequence: the book is dropped, then back from a fresh snapshot.
    await until(() => board.book(W.ticker) !== undefined, "book back after the resync");
  });

  it("reads a snapshot level by level: a bad level is skipped and counted, the rest kept", async () => {
    const { board, socket } = await open();
    await until(() => board.book(W.ticker) !== undefined && socket.counters.snapshots === 2, "both windows' snapshots");
    const before = socket.counters;
    // A fresh snapshot (as after get_snapshot) with a price outside (0, 1) and an unreadable count.
    fake.pushRaw(JSON.stringify({ type: "orderbook_snapshot", sid: 1, seq: 50, msg: { market_ticker: W.ticker, yes_dollars_fp: [["0.4400", "2.00"], ["1.5000", "1.00"], ["0.4500", "oops"]], no_dollars_fp: [["0.5100", "7.00"]] } }));
    await until(() => socket.counters.snapshots === before.snapshots + 1, "the new snapshot");
    expect(socket.counters.badLevels).toBe(before.badLevels + 2);
    expect(socket.counters.parseErrors).toBe(before.parseErrors);
    expect(board.book(W.ticker)!.bids).toEqual({ yes: [{ price: 4400, size: 2 }], no: [{ price: 5100, size: 7 }] });
  });

  it("says goodbye with a close frame when stopped", async () => {
    const { board, socket: s } = await open();
    await until(() => board.book(W.ticker) !== undefined, "snapshot");
    await s.stop();
    await until(() => fake.closeCodes.length === 1, "the server saw the close");
    expect(fake.closeCodes).toEqual([1000]);
  });

  it("reconnects after the server drops it, and the book comes back", async () => {
    const { board, socket } = await open();
    await until(() => board.book(W.ticker) !== undefined, "snapshot");
    const before = socket.counters.connects;
    await fake.close();
    fake = await startFakeKalshi({ publicKey }); // for afterEach; the socket keeps retrying the old address
    await until(() => socket.counters.reconnects >= 1, "reconnect attempt");
    expect(socket.counters.connects).toBeGreaterThanOrEqual(before);
    expect(board.book(W.ticker)).toBeUndefined(); // a dead connection's book is not trusted
  });
});

describe("Kalshi WebSocket backoff", () => {
  it("keeps backing off while Kalshi answers each connection with an error frame and closes it", async () => {
    // Not the fake exchange: a venue that only ever says "auth required" and hangs up.
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise<void>((r) => wss.once("listening", () => r()));
    wss.on("connection", (ws) => {
      ws.send(JSON.stringify({ type: "error", msg: { code: 9, msg: "Authentication required" } }));
      ws.close(1008);
    });
    const notices: string[] = [];
    const socket = new KalshiSocket({
      url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/trade-api/ws/v2`,
      headers: () => ({}),
      onBook: () => {},
      series: "KXBTC15M",
      clock: new ScriptedClock((OPEN + 5) * 1000),
      staleMs: 30_000,
      backoffBaseMs: 20,
      backoffMaxMs: 1000,
      random: () => 1,
      onError: (m) => notices.push(m),
      useYesPrice: true,
    });
    try {
      socket.start();
      const waits = () => notices.map((n) => /reconnecting in (\d+) ms/.exec(n)?.[1]).filter((w) => w !== undefined).map(Number);
      await until(() => waits().length >= 4, "four reconnect waits");
      // An error frame is no proof the subscription works: the waits keep doubling.
      expect(waits().slice(0, 4)).toEqual([20, 40, 80, 160]);
      expect(notices).toContain("kalshi ws error 9: Authentication required");
      expect(socket.counters.serverErrors).toBeGreaterThanOrEqual(4);
    } finally {
      await socket.stop();
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    }
  });
});
