import { afterEach, describe, expect, it } from "vitest";
import { systemScheduler } from "../../src/net/scheduler.ts";
import { warmStart } from "../../src/feeds/index.ts";
import { FakeExchange } from "../fakes/exchanges.ts";
import { feedsConfig } from "./helpers.ts";

const NOW = Date.UTC(2026, 0, 1, 12, 10, 30, 500);
const END = Math.floor(NOW / 1000) - 1; // the last completed second
const priceAt = (s: number) => 60_000 + (s % 600);

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function exchanges() {
  const coinbase = await FakeExchange.start("coinbase");
  const kraken = await FakeExchange.start("kraken");
  cleanup.push(() => coinbase.close(), () => kraken.close());
  for (const f of [coinbase, kraken]) f.history = { nowMs: NOW, priceAt, tradeSeconds: 120 };
  const config = feedsConfig(null, { coinbase: { restUrl: coinbase.restUrl }, kraken: { restUrl: kraken.restUrl }, warmStart: { seconds: 600, timeoutMs: 2000 } });
  return { coinbase, kraken, config };
}

function expectContiguous(seconds: { second: number; price: number }[], n: number): void {
  expect(seconds).toHaveLength(n);
  expect(seconds.at(-1)!.second).toBe(END);
  seconds.forEach((s, i) => expect(s.second).toBe(END - n + 1 + i));
}

describe("warm start", () => {
  it("rebuilds the last seconds from Coinbase candles and trades, ending at the last completed second", async () => {
    const { coinbase, config } = await exchanges();
    const w = await warmStart(config, { scheduler: { ...systemScheduler, now: () => NOW } });
    expect(w.source).toBe("coinbase");
    expect(w.notes).toEqual([]);
    expectContiguous(w.seconds, 600);
    const at = new Map(w.seconds.map((s) => [s.second, s.price]));
    // The last 120 s come from trades, exactly.
    for (let s = END - 119; s <= END; s++) expect(at.get(s)).toBe(priceAt(s));
    // Older minutes come from candles: the open at the minute mark, the close at its last second.
    const minute = Math.floor((END - 400) / 60) * 60;
    expect(at.get(minute)).toBe(priceAt(minute));
    expect(at.get(minute + 59)).toBe(priceAt(minute + 59));
    expect(coinbase.requests.some((r) => r.startsWith("/products/BTC-USD/candles?granularity=60&start="))).toBe(true);
    expect(coinbase.requests).toContain("/products/BTC-USD/trades?limit=1000");
  });

  it("falls back to Kraken's one-minute OHLC when Coinbase fails, saying why", async () => {
    const { coinbase, config } = await exchanges();
    coinbase.restDown(true);
    const w = await warmStart(config, { scheduler: { ...systemScheduler, now: () => NOW } });
    expect(w.source).toBe("kraken");
    expect(w.notes[0]).toMatch(/^coinbase: HTTP 503/);
    expectContiguous(w.seconds, 600);
    const minute = Math.floor((END - 300) / 60) * 60;
    expect(w.seconds.find((s) => s.second === minute)!.price).toBe(priceAt(minute));
  });

  it("returns nothing, with a note per source, when every source fails or stalls, within its timeout", async () => {
    const { coinbase, kraken, config } = await exchanges();
    coinbase.restDown(true);
    kraken.restDown(true);
    let w = await warmStart(config, { scheduler: { ...systemScheduler, now: () => NOW } });
    expect(w).toMatchObject({ seconds: [], source: "none" });
    expect(w.notes).toHaveLength(2);

    coinbase.restHang(true);
    kraken.restHang(true);
    w = await warmStart({ ...config, warmStart: { ...config.warmStart, timeoutMs: 200 } }, { scheduler: { ...systemScheduler, now: () => NOW } });
    expect(w.seconds).toEqual([]);
    expect(w.notes.every((n) => /timed out after 200 ms/.test(n))).toBe(true);
  });

  it("does nothing when turned off", async () => {
    const w = await warmStart(feedsConfig(null, { warmStart: { enabled: false } }));
    expect(w).toEqual({ seconds: [], source: "none", notes: ["warm start is off (feeds.warmStart.enabled)"] });
  });
});
