import { generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readKalshiCredentials } from "../../src/app/venue/kalshi-credentials.ts";
import { ShardBalanceWatch, checkLiveGates, liveBroker, liveOrderPort, liveSummary, ordersLine, readLiveAccount, shardShortfall } from "../../src/app/venue/kalshi-live.ts";
import { kalshiClient } from "../../src/app/venue/kalshi-market.ts";
import { parseConfig } from "../../src/config/load.ts";
import { UserError } from "../../src/domain/errors.ts";
import { takerFee } from "../../src/domain/fees.ts";
import type { OrderEvent } from "../../src/domain/events.ts";
import { windowAt } from "../../src/domain/window.ts";
import { LiveBroker } from "../../src/kalshi/live-broker.ts";
import { LiveTradingGrant, grantLiveTrading } from "../../src/kalshi/live-grant.ts";
import { OrderFailedError, v2OrderBody } from "../../src/kalshi/orders.ts";
import { KalshiRequestError, kalshiError } from "../../src/kalshi/client.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { ScriptedClock, until } from "./helpers.ts";

const OPEN = 1_785_000_600;
const W = windowAt(OPEN);
const KEY_ID = "5f1e2d3c-aaaa-bbbb-cccc-0123456789ab";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const dir = mkdtempSync(join(tmpdir(), "btc15-kalshi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keyFile(name: string, mode: number, pem = privateKey.export({ type: "pkcs8", format: "pem" }) as string): string {
  const path = join(dir, name);
  writeFileSync(path, pem);
  chmodSync(path, mode);
  return path;
}

describe("credentials from the environment", () => {
  it("reads the key id and an owner-only PEM file", () => {
    const creds = readKalshiCredentials({ KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: keyFile("ok.pem", 0o600) })!;
    expect(creds.keyId).toBe(KEY_ID);
    expect(creds.privateKey.asymmetricKeyType).toBe("rsa");
  });

  it("is null without either variable: public data only", () => {
    expect(readKalshiCredentials({})).toBeNull();
  });

  it("refuses a key file readable by group or others, without naming the path or the key id", () => {
    const path = keyFile("open.pem", 0o644);
    let err: unknown;
    try {
      readKalshiCredentials({ KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: path });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/readable by group or others \(mode 644\)/);
    expect((err as Error).message).not.toContain(path);
    expect((err as Error).message).not.toContain(KEY_ID);
  });

  it("refuses half a configuration, a missing file and a file that is not a key", () => {
    expect(() => readKalshiCredentials({ KALSHI_API_KEY_ID: KEY_ID })).toThrow(/KALSHI_PRIVATE_KEY_PATH is not/);
    expect(() => readKalshiCredentials({ KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: join(dir, "missing.pem") })).toThrow(/cannot read.*ENOENT/);
    expect(() => readKalshiCredentials({ KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: keyFile("junk.pem", 0o600, "hello") })).toThrow(/not a PEM private key/);
  });

  it("never shows the key id or the key when logged or serialised", () => {
    const creds = readKalshiCredentials({ KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: keyFile("ok2.pem", 0o600) })!;
    for (const shown of [JSON.stringify({ creds }), inspect(creds), String(creds), `${creds}`]) {
      expect(shown).not.toContain(KEY_ID);
      expect(shown).not.toContain("PRIVATE KEY");
    }
  });
});

describe("the three live gates", () => {
  const creds = () => readKalshiCredentials({ KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: keyFile("gate.pem", 0o600) });

  it("grants live trading only with --mode live, a key and a confirmation", () => {
    expect(checkLiveGates({ mode: "live", credentials: creds(), confirmed: true })).toBeInstanceOf(LiveTradingGrant);
  });

  it("names each missing gate", () => {
    expect(() => checkLiveGates({ mode: "paper", credentials: creds(), confirmed: true })).toThrow(/--mode live/);
    expect(() => checkLiveGates({ mode: "live", credentials: null, confirmed: true })).toThrow(/no Kalshi API key/);
    expect(() => checkLiveGates({ mode: "live", credentials: creds(), confirmed: false })).toThrow(/not confirmed/);
    expect(() => checkLiveGates({ mode: "paper", credentials: null, confirmed: false })).toThrow(/--mode live.*API key.*confirmed/);
  });

  it("cannot be bypassed: a grant cannot be built by hand, and a broker needs a keyed client", () => {
    expect(() => new LiveTradingGrant()).toThrow(/only from grantLiveTrading/);
    const grant = grantLiveTrading({ mode: "live", hasKey: true, confirmed: true });
    const config = parseConfig({});
    expect(() => new LiveBroker(grant, kalshiClient(config), { feeRate: 700 })).toThrow(/API key/);
  });
});

describe("V2 orders", () => {
  it("maps a YES buy to a bid at p and a NO buy to an ask at 1 − q, immediate-or-cancel", () => {
    expect(v2OrderBody({ ticker: W.ticker, side: "yes", contracts: 5, limitPrice: 5600 }, "c1")).toEqual({
      ticker: W.ticker, client_order_id: "c1", side: "bid", count: "5.00", price: "0.5600", time_in_force: "immediate_or_cancel", self_trade_prevention_type: "taker_at_cross",
    });
    expect(v2OrderBody({ ticker: W.ticker, side: "no", contracts: 2, limitPrice: 4450 }, "c2")).toMatchObject({ side: "ask", count: "2.00", price: "0.5550" });
  });
});

describe("live orders against the fake Kalshi", () => {
  let fake: FakeKalshi;
  const clock = new ScriptedClock((OPEN + 60) * 1000);
  const config = () => parseConfig({ kalshi: { baseUrl: fake.baseUrl, backoff: { baseMs: 10, maxMs: 100 } } });
  const credentials = () => readKalshiCredentials({ KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: keyFile("live.pem", 0o600) });

  beforeAll(async () => {
    fake = await startFakeKalshi({ now: () => clock.now(), publicKey });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.setV1SilentFailure(false);
    fake.setBook(W.ticker, { yes: [["0.3500", "10.00"]], no: [["0.5800", "10.00"], ["0.5900", "4.00"], ["0.6000", "3.00"]] });
  });

  function broker() {
    const c = config();
    const creds = credentials();
    return liveBroker(checkLiveGates({ mode: "live", credentials: creds, confirmed: true }), kalshiClient(c, { key: creds, clock }), c);
  }

  it("reads balance and positions with the key before anything else, signed", async () => {
    fake.setBalance(12_345);
    fake.setPositions([{ ticker: "KXBTC15M-26JUL251330-30", position_fp: "4.00", market_exposure_dollars: "2.0000" }, { ticker: "KXETH15M-26JUL251330-30", position_fp: "-1.00", market_exposure_dollars: "0.5000" }]);
    const c = config();
    const account = await readLiveAccount(kalshiClient(c, { key: credentials(), clock }), "KXBTC15M", clock.now());
    expect(account.portfolio.balance).toBe(1_234_500);
    expect(account.exposure).toBe(20_000); // only this series counts against the limit
    const summary = liveSummary(c, account);
    expect(summary).toMatch(/balance \$123\.45, 1 open KXBTC15M position/);
    expect(summary).not.toContain(KEY_ID);
    expect(fake.authFailures).toBe(0);
    fake.setPositions([]);
  });

  it("says plainly when Kalshi refuses the key, without naming it", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const err = await readLiveAccount(kalshiClient(config(), { key: { keyId: KEY_ID, privateKey: other }, clock, maxRetries: 0 }), "KXBTC15M", clock.now()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/Kalshi refused the API key/);
    expect((err as Error).message).not.toContain(KEY_ID);
  });

  it("buys at the book's prices, level by level up to the limit, with the fills and fees Kalshi reports", async () => {
    const b = broker();
    const fill = (await b.submit({ ticker: W.ticker, side: "yes", contracts: 16, limitPrice: 4100 }))!;
    expect(fake.orders.at(-1)!.body).toMatchObject({ ticker: W.ticker, side: "bid", price: "0.4100", count: "16.00", time_in_force: "immediate_or_cancel" });
    // YES asks are 0.40×3, 0.41×4, 0.42×10 (NO bids 0.60, 0.59, 0.58): the 0.42 level is above the limit.
    expect(fill.levels).toEqual([{ price: 4000, contracts: 3 }, { price: 4100, contracts: 4 }]);
    expect(fill.contracts).toBe(7);
    expect(fill.cost).toBe(28_400);
    expect(fill.fee).toBe(takerFee(fill.levels, 700));
  });

  it("buys NO as an ask on the YES book, and reports nothing filled when the book is out of reach", async () => {
    const b = broker();
    const fill = (await b.submit({ ticker: W.ticker, side: "no", contracts: 2, limitPrice: 6500 }))!;
    expect(fake.orders.at(-1)!.body).toMatchObject({ side: "ask", price: "0.3500" });
    expect(fill).toMatchObject({ side: "no", contracts: 2, levels: [{ price: 6500, contracts: 2 }] });
    await expect(b.submit({ ticker: windowAt(OPEN + 900).ticker, side: "yes", contracts: 1, limitPrice: 100 })).resolves.toBeNull();
    expect(b.counters).toMatchObject({ sent: 2, filled: 1, unfilled: 1 });
  });

  it("treats the V1-style silent failure (2xx, an error and no order) as a failure", async () => {
    const b = broker();
    fake.setV1SilentFailure(true);
    const err = await b.submit({ ticker: W.ticker, side: "yes", contracts: 1, limitPrice: 4000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderFailedError);
    expect((err as Error).message).toMatch(/deprecated_v1_order_endpoint/);
    expect(b.counters.failed).toBe(1);
  });

  it("as the engine's venue: the order goes out at the paper fill's size and worst price, and its outcome comes back as an event", async () => {
    const events: OrderEvent[] = [];
    const port = liveOrderPort(broker(), (e) => events.push(e), clock);
    port.send({ ref: "R-1", ticker: W.ticker, side: "yes", contracts: 5, limitPrice: 4100 });
    await until(() => events.length === 1, "order outcome");
    expect(fake.orders.at(-1)!.body).toMatchObject({ side: "bid", count: "5.00", price: "0.4100" });
    expect(events[0]).toMatchObject({ type: "order", ref: "R-1", error: null, fill: { side: "yes", contracts: 5, levels: [{ price: 4000, contracts: 3 }, { price: 4100, contracts: 2 }] } });
    fake.setV1SilentFailure(true);
    port.send({ ref: "R-2", ticker: W.ticker, side: "yes", contracts: 1, limitPrice: 4000 });
    await until(() => events.length === 2, "failed order outcome");
    expect(events[1]).toMatchObject({ ref: "R-2", fill: null, error: expect.stringMatching(/deprecated_v1_order_endpoint/) });
  });
});

describe("exchange shards (collateral is held per shard since 2026-08)", () => {
  let fake: FakeKalshi;
  const clock = new ScriptedClock((OPEN + 60) * 1000);
  const config = (over: Record<string, unknown> = {}) => parseConfig({ kalshi: { baseUrl: fake.baseUrl, backoff: { baseMs: 10, maxMs: 100 } }, ...over });
  const credentials = () => readKalshiCredentials({ KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: keyFile("shards.pem", 0o600) });

  beforeAll(async () => {
    fake = await startFakeKalshi({ now: () => clock.now(), publicKey, topLevelErrors: true });
  });
  afterAll(() => fake.close());

  it("refuses live orders in one line when the market's shard 2 holds nothing and the collateral is on shard 0", async () => {
    fake.setBalance(5_000, { 0: "50.0000", 2: "0.0000" });
    const c = config();
    const account = await readLiveAccount(kalshiClient(c, { key: credentials(), clock }), "KXBTC15M", clock.now());
    expect(account.shard).toBe(2); // the market says exchange_index 2
    expect(account.portfolio.balance).toBe(500_000); // a healthy all-shard total…
    const refusal = shardShortfall(c, account);
    expect(refusal).toBe("live orders refused: exchange shard 2, where KXBTC15M trades, holds $0.00, less than the largest order the limits allow ($15.00); $50.00 on shard 0 cannot be used there: move collateral to shard 2 on Kalshi first");
    expect(refusal!.split("\n")).toHaveLength(1);
    // Funded on shard 2: live orders may start, and the summary shows what the shard holds.
    fake.setBalance(5_000, { 0: "30.0000", 2: "20.0000" });
    const funded = await readLiveAccount(kalshiClient(c, { key: credentials(), clock }), "KXBTC15M", clock.now());
    expect(shardShortfall(c, funded)).toBeNull();
    expect(liveSummary(c, funded)).toMatch(/^live: Kalshi balance \$50\.00 \(shard 2: \$20\.00\)/);
    // The status line's figure: the shard's balance, read again as it changes.
    const watch = new ShardBalanceWatch(kalshiClient(c, { key: credentials(), clock }), funded, 60_000, 1_000);
    expect(watch.line()).toBe("shard 2 balance $20.00");
    fake.setBalance(5_000, { 0: "30.0000", 2: "12.3400" });
    await watch.read();
    expect(watch.line()).toBe("shard 2 balance $12.34");
    // A smaller per-order limit needs less there.
    expect(shardShortfall(config({ kalshi: { baseUrl: fake.baseUrl, live: { maxPerOrder: 5 } } }), { ...funded, portfolio: { ...funded.portfolio, shards: new Map([[2, 60_000]]) } })).toBeNull();
  });

  it("without a per-shard breakdown (an unsharded account) the total is what orders can spend", async () => {
    fake.setBalance(1_000);
    const account = await readLiveAccount(kalshiClient(config(), { key: credentials(), clock }), "KXBTC15M", clock.now());
    expect(account.portfolio.shards.size).toBe(0);
    expect(shardShortfall(config(), account)).toBe("live orders refused: your Kalshi balance holds $10.00, less than the largest order the limits allow ($15.00)");
  });

  it("sends each order with its market's exchange_index, says on the wire what is sent, and counts rejections by Kalshi's code", async () => {
    fake.setBook(W.ticker, { yes: [["0.0900", "300.00"]], no: [["0.9000", "50.00"]] });
    const c = config();
    const creds = credentials();
    const broker = liveBroker(checkLiveGates({ mode: "live", credentials: creds, confirmed: true }), kalshiClient(c, { key: creds, clock }), c);
    const events: OrderEvent[] = [];
    const said: string[] = [];
    const port = liveOrderPort(broker, (e) => events.push(e), clock, (l) => said.push(l), () => 2);
    // A NO buy at most 91¢: on Kalshi's single YES book, an ask at 9¢.
    port.send({ ref: "R-1", ticker: W.ticker, side: "no", contracts: 197, limitPrice: 9100 });
    await until(() => events.length === 1, "order outcome");
    expect(fake.orders.at(-1)!.body).toMatchObject({ side: "ask", count: "197.00", price: "0.0900", exchange_index: 2 });
    expect(said[0]).toBe("live order R-1: ask 197 YES at $0.0900 on shard 2, immediate-or-cancel (buy up to 197 NO at most $0.91 each)");
    // Kalshi says no, with its code at the top level of the body.
    fake.rejectOrders("insufficient_balance", 2);
    port.send({ ref: "R-2", ticker: W.ticker, side: "yes", contracts: 1, limitPrice: 1000 });
    port.send({ ref: "R-3", ticker: W.ticker, side: "yes", contracts: 1, limitPrice: 1000 });
    await until(() => events.length === 3, "rejections");
    expect(events[1]!.error).toMatch(/HTTP 400 \(insufficient_balance: order rejected: insufficient_balance\)/);
    expect(broker.counters.rejected).toEqual({ insufficient_balance: 2 });
    expect(ordersLine(broker)).toBe("orders 3 sent, 1 filled, 0 unfilled, 2 failed (insufficient_balance 2)");
  });
});

describe("Kalshi's error bodies", () => {
  it("reads the code at the top level ({code, message, details}), inside `error`, or as a bare string", () => {
    expect(kalshiError({ code: "market_closed", message: "market is closed", details: { ticker: W.ticker } })).toEqual({ code: "market_closed", message: "market is closed" });
    expect(kalshiError({ error: { code: "not_found", message: "market not found" } })).toEqual({ code: "not_found", message: "market not found" });
    expect(kalshiError({ error: "too many requests" })).toEqual({ code: "too many requests", message: null });
    expect(kalshiError({ markets: [] })).toEqual({ code: null, message: null });
  });

  it("shows the top-level code on a failed call", async () => {
    const f = await startFakeKalshi({ topLevelErrors: true });
    try {
      const err = (await kalshiClient(parseConfig({ kalshi: { baseUrl: f.baseUrl } }), { maxRetries: 0 }).get("/markets/NOPE-1").catch((e: unknown) => e)) as KalshiRequestError;
      expect(err).toBeInstanceOf(KalshiRequestError);
      expect(err.code).toBe("not_found");
      expect(err.message).toBe("GET /markets/NOPE-1: HTTP 404 (not_found: market not found)");
    } finally {
      await f.close();
    }
  });
});
