import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KalshiRequestError } from "../../src/kalshi/client.ts";
import { TokenBucket } from "../../src/kalshi/rate-limit.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { ScriptedClock, testClient } from "./helpers.ts";

const TICKER = "KXBTC15M-26JUL232045-45";

describe("Kalshi REST client against the fake server", () => {
  let fake: FakeKalshi;
  beforeAll(async () => {
    fake = await startFakeKalshi();
  });
  afterAll(() => fake.close());

  it("rides out a burst of 429s (no Retry-After) with backoff and gets the reply", async () => {
    const waits: number[] = [];
    const client = testClient(fake.baseUrl, { wait: async (ms) => void waits.push(ms) });
    fake.failNext(429, 2, "/markets");
    const json = (await client.get(`/markets/${TICKER}`)) as { market: { ticker: string } };
    expect(json.market.ticker).toBe(TICKER);
    expect(client.counters).toMatchObject({ requests: 3, retries: 2, rateLimited: 2 });
    // Exponential with jitter: each wait within [½, 1] of base·2^attempt.
    expect(waits[0]).toBeGreaterThanOrEqual(2.5);
    expect(waits[0]).toBeLessThanOrEqual(5);
    expect(waits[1]).toBeGreaterThanOrEqual(5);
    expect(waits[1]).toBeLessThanOrEqual(10);
  });

  it("retries 5xx, then gives up with an error naming the request and status", async () => {
    const client = testClient(fake.baseUrl, { maxRetries: 2 });
    fake.failNext(500, 5, "/markets");
    const err = await client.get(`/markets/${TICKER}/orderbook`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiRequestError);
    expect((err as KalshiRequestError).message).toMatch(/GET \/markets\/.+\/orderbook: HTTP 500/);
    expect(client.counters).toMatchObject({ requests: 3, serverErrors: 3, failures: 1 });
    fake.failNext(500, 0);
  });

  it("times out a slow reply instead of hanging", async () => {
    const client = testClient(fake.baseUrl, { timeoutMs: 150, maxRetries: 0 });
    fake.slowNext(2_000, 1);
    const err = (await client.get("/exchange/status").catch((e: unknown) => e)) as KalshiRequestError;
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/no reply within 150 ms/);
    expect(client.counters.timeouts).toBe(1);
  });

  it("never retries an order on a server error: it could have executed", async () => {
    const client = testClient(fake.baseUrl, { key: undefined });
    const before = fake.orders.length;
    fake.failNext(500, 1, "/portfolio/events/orders");
    await expect(client.request("POST", "/portfolio/events/orders", { body: { ticker: TICKER } })).rejects.toThrow(/HTTP 500/);
    expect(client.counters.requests).toBe(1);
    expect(fake.orders.length).toBe(before);
  });

  it("refuses a signed request without a key, before sending anything", async () => {
    const client = testClient(fake.baseUrl);
    await expect(client.get("/portfolio/balance", { auth: true })).rejects.toThrow(/needs a Kalshi API key/);
    expect(client.counters.requests).toBe(0);
  });

  it("reports an unreachable host as a failure, quickly", async () => {
    const client = testClient("http://127.0.0.1:9/trade-api/v2", { maxRetries: 1 });
    const err = (await client.get("/exchange/status").catch((e: unknown) => e)) as KalshiRequestError;
    expect(err.status).toBe(0);
    expect(client.counters.networkErrors).toBe(2);
  });
});

describe("token bucket pacing", () => {
  it("lets a second's worth of tokens through, then waits for the refill", async () => {
    const clock = new ScriptedClock(0);
    const waits: number[] = [];
    const bucket = new TokenBucket(20, clock, async (ms) => {
      waits.push(ms);
      clock.t += ms;
    });
    for (let i = 0; i < 2; i++) await bucket.take(10);
    expect(waits).toEqual([]);
    await bucket.take(10);
    expect(waits).toEqual([500]); // 10 tokens at 20 a second
    clock.t += 10_000; // idle time refills only up to one second's worth
    await bucket.take(10);
    await bucket.take(10);
    await bucket.take(10);
    expect(waits).toEqual([500, 500]);
  });
});
