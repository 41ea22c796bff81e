// The shared connection lifecycle against fake exchanges on 127.0.0.1 speaking each documented
// protocol, on a simulated clock (the fakes' heartbeats on the same one).
import { type Socket, createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FeedsConfig, feedCoins } from "../../src/feeds/config.ts";
import { exchangeAdapter } from "../../src/feeds/exchanges/index.ts";
import { WsSource } from "../../src/feeds/ws-source.ts";
import { FAKE_NAMES, FakeExchange, type FakeName } from "../fakes/exchanges.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { feedsConfig, logLines } from "./helpers.ts";

let sim: SimScheduler;
beforeEach(() => {
  sim = new SimScheduler(Date.parse("2026-11-20T14:03:07.400Z"));
});
const waitFor = (cond: () => boolean, what: string) => sim.until(cond, what, { simMs: 30_000 });

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function fake(name: FakeName, heartbeatMs = 100): Promise<FakeExchange> {
  const f = await FakeExchange.start(name, { heartbeatMs, scheduler: sim });
  cleanup.push(() => f.close());
  return f;
}

/** A source for one exchange, pointed at `url`, with short timings. */
function source(name: FakeName, url: string, over: { quietTimeoutMs?: number; backoffBaseMs?: number; backoffMaxMs?: number } = {}) {
  const config: FeedsConfig = feedsConfig(null, { [name]: { wsUrl: url } });
  const ticks: { price: number; source: string }[] = [];
  const { lines, log } = logLines();
  const s = new WsSource(
    exchangeAdapter(name, config, feedCoins(config)),
    {
      handshakeTimeoutMs: 2000,
      pingIntervalMs: 100,
      quietTimeoutMs: over.quietTimeoutMs ?? 5000,
      backoffBaseMs: over.backoffBaseMs ?? 20,
      backoffMaxMs: over.backoffMaxMs ?? 100,
      stalenessMs: 5000,
      maxJumpFraction: 0.05,
      jumpWindowMs: 60_000,
    },
    { scheduler: sim, log, onTick: (_t, price, src) => ticks.push({ price, source: src }) },
  );
  cleanup.push(() => s.stop());
  return { s, ticks, lines };
}

const status = (s: WsSource) => s.status(sim.now());

/** Sends `price` until the source has taken it (the subscription may still be in flight). */
async function deliver(f: FakeExchange, s: WsSource, price: number): Promise<void> {
  await waitFor(() => {
    if (s.price !== null && Math.abs(s.price - price) < 1e-6) return true;
    f.setPrice(price);
    return false;
  }, `${f.name} to deliver ${price}`);
}

describe("connection lifecycle", () => {
  it.each(FAKE_NAMES)("%s: subscribes in the documented format and delivers prices", async (name) => {
    const f = await fake(name);
    const { s, ticks } = source(name, f.wsUrl);
    s.start();
    await deliver(f, s, 65_123.45);
    expect(ticks.at(-1)).toEqual({ price: expect.closeTo(65_123.45, 6), source: name });
    expect(status(s).state).toBe("live");
    expect(status(s).lastLatencyMs).not.toBeNull();
    const sub = f.received.map((m) => JSON.parse(m) as Record<string, unknown>);
    if (name === "coinbase") expect(sub[0]).toMatchObject({ type: "subscribe", product_ids: ["BTC-USD"] });
    if (name === "kraken") expect(sub[0]).toMatchObject({ method: "subscribe", params: { channel: "ticker", symbol: ["BTC/USD"] } });
    if (name === "bitstamp") expect(sub[0]).toMatchObject({ event: "bts:subscribe", data: { channel: "live_trades_btcusd" } });
    if (name === "binanceus") expect(sub[0]).toMatchObject({ method: "SUBSCRIBE", params: ["btcusdt@bookTicker"] });
  });

  it("reconnects and resubscribes when the server closes mid-stream", async () => {
    const f = await fake("coinbase");
    const { s } = source("coinbase", f.wsUrl);
    s.start();
    await deliver(f, s, 65_000);
    f.drop();
    await waitFor(() => f.connections === 2 && f.subscribers() === 1, "a second, subscribed connection");
    await deliver(f, s, 65_050);
    expect(status(s).reconnects).toBe(1);
    expect(f.received.filter((m) => m.includes('"subscribe"'))).toHaveLength(2);
    expect(status(s).state).toBe("live");
  });

  it("terminates a socket that stays open but goes silent, then reconnects", async () => {
    const f = await fake("kraken");
    const { s, lines } = source("kraken", f.wsUrl, { quietTimeoutMs: 300 });
    s.start();
    await deliver(f, s, 65_000);
    f.silence(true);
    await waitFor(() => f.connections >= 2, "the client to give up on the silent socket and reconnect");
    expect(status(s).lastError).toMatch(/no message for \d+ ms; terminated/);
    expect(lines.some((l) => l.startsWith("warn kraken: no message"))).toBe(true);
    f.silence(false);
    await deliver(f, s, 65_010);
  });

  it("keeps a quiet-but-heartbeating connection (heartbeats count as life)", async () => {
    const f = await fake("coinbase", 50);
    const { s } = source("coinbase", f.wsUrl, { quietTimeoutMs: 300 });
    s.start();
    await deliver(f, s, 65_000);
    const m0 = status(s).messages;
    await waitFor(() => status(s).messages >= m0 + 15, "fifteen heartbeats (well past the quiet timeout)");
    expect(f.connections).toBe(1);
  });

  it("skips garbage, truncated frames and unknown message types, counting each, without dropping the connection", async () => {
    const f = await fake("bitstamp");
    const { s } = source("bitstamp", f.wsUrl);
    s.start();
    await deliver(f, s, 65_000);
    f.sendRaw("not json at all");
    f.sendRaw('{"data":{"price_str":"65');
    f.sendRaw("");
    f.sendRaw('{"event":"bts:something_new","channel":"live_trades_btcusd","data":{}}');
    f.sendRaw('["an", "array"]');
    await deliver(f, s, 65_001);
    const st = status(s);
    expect(st.parseErrors).toBe(3);
    expect(st.unknown).toBe(2);
    expect(st.rejected).toBe(0);
    expect(f.connections).toBe(1);
  });

  it.each(["coinbase", "kraken", "binanceus", "bitstamp"] as const)("%s: refuses zero, negative, NaN and absurd jumps, and keeps the last good price", async (name) => {
    const f = await fake(name);
    const { s, ticks } = source(name, f.wsUrl);
    s.start();
    await deliver(f, s, 65_000);
    const before = ticks.length;
    for (const bad of [0, -65_000, NaN, 65_000 * 1.5, 65_000 * 0.5]) f.sendPrice(bad);
    await deliver(f, s, 65_010);
    // Binance.US sends each price twice (trade and book ticker).
    expect(status(s).rejected).toBe(name === "binanceus" ? 10 : 5);
    expect(ticks.slice(before).every((t) => Math.abs(t.price - 65_000) < 20)).toBe(true);
  });

  it("counts a Coinbase sequence gap once and keeps going", async () => {
    const f = await fake("coinbase", 50);
    const { s, lines } = source("coinbase", f.wsUrl);
    s.start();
    await deliver(f, s, 65_000);
    expect(status(s).gaps).toBe(0);
    f.gap(3);
    await deliver(f, s, 65_002);
    const m0 = status(s).messages;
    await waitFor(() => status(s).messages >= m0 + 3, "heartbeats after the gap");
    expect(status(s).gaps).toBe(1);
    expect(lines).toContain("warn coinbase: sequence gap, 3 message(s) missed");
  });

  it("reconnects at once when Bitstamp asks for it", async () => {
    const f = await fake("bitstamp");
    const { s } = source("bitstamp", f.wsUrl);
    s.start();
    await deliver(f, s, 65_000);
    f.requestReconnect();
    await waitFor(() => f.connections === 2 && f.subscribers() === 1, "a new subscribed connection");
    expect(status(s).reconnects).toBe(1);
    expect(status(s).lastError).toBe("bitstamp asked to reconnect");
  });

  it("backs off while the server refuses connections, says why, and recovers when it accepts again", async () => {
    const f = await fake("kraken");
    f.refuse(true);
    const { s } = source("kraken", f.wsUrl, { backoffBaseMs: 20, backoffMaxMs: 200 });
    s.start();
    await waitFor(() => status(s).reconnects >= 4, "four retries");
    expect(status(s).lastError).toBe("HTTP 503 on connect");
    expect(["backoff", "connecting"]).toContain(status(s).state);
    expect(status(s).price).toBeNull();
    f.refuse(false);
    await deliver(f, s, 65_000);
    expect(status(s).state).toBe("live");
  });

  it("reports a refused TCP connection and a handshake that never completes", async () => {
    // A port with nothing listening.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = source("coinbase", `ws://127.0.0.1:${port}`);
    refused.s.start();
    // A server that accepts TCP but never answers the upgrade.
    const held = new Set<Socket>();
    const mute = createServer((sock) => held.add(sock));
    cleanup.push(() => {
      for (const sock of held) sock.destroy();
      return new Promise((r) => mute.close(() => r()));
    });
    await new Promise<void>((r) => mute.listen(0, "127.0.0.1", r));
    const stalledConfig = feedsConfig(null, { kraken: { wsUrl: `ws://127.0.0.1:${(mute.address() as { port: number }).port}/v2` } });
    const stalled = new WsSource(exchangeAdapter("kraken", stalledConfig, feedCoins(stalledConfig)), { handshakeTimeoutMs: 150, pingIntervalMs: 100, quietTimeoutMs: 1000, backoffBaseMs: 1000, backoffMaxMs: 1000, stalenessMs: 1000, maxJumpFraction: 0.05, jumpWindowMs: 1000 }, { scheduler: sim, log: () => {}, onTick: () => {} });
    cleanup.push(() => stalled.stop());
    stalled.start();
    await waitFor(() => /ECONNREFUSED/.test(status(refused.s).lastError ?? ""), "ECONNREFUSED");
    await waitFor(() => /handshake has timed out/.test(status(stalled).lastError ?? ""), "the handshake timeout");
    expect(status(stalled).state).toBe("backoff");
  });

  it("stop() closes the socket and all timers, and no reconnect follows", async () => {
    const f = await fake("coinbase");
    const { s } = source("coinbase", f.wsUrl);
    s.start();
    await deliver(f, s, 65_000);
    await s.stop();
    expect(status(s).state).toBe("stopped");
    await waitFor(() => f.openSockets() === 0, "the server to see the close");
    await sim.advance(150); // longer than the largest backoff: a reconnect would show
    expect(f.connections).toBe(1);
  });
});
