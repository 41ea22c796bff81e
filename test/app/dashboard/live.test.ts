// The live runner with --dashboard, in this process against fake exchanges and a fake Kalshi on
// 127.0.0.1, with a Kalshi key in its environment: the dashboard shows each source, the window
// with Kalshi's strike and book, and Kalshi's counters, and never serves the key or its path.
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DashboardServer } from "../../../src/app/dashboard/server.ts";
import type { DashboardState } from "../../../src/app/dashboard/state.ts";
import { windowAt } from "../../../src/domain/window.ts";
import { type FakeExchanges, startFakeExchanges } from "../../fakes/exchanges.ts";
import { type FakeKalshi, startFakeKalshi } from "../../fakes/kalshi.ts";
import { SimScheduler } from "../../sim/scheduler.ts";
import { startLive } from "../live-harness.ts";

const KEY_ID = "5e1f2a3b-9c8d-4e7f-a6b5-c4d3e2f1a0b9";
const key = generateKeyPairSync("rsa", { modulusLength: 2048 });
const keyDir = mkdtempSync(join(tmpdir(), "btc15-dash-key-"));
const KEY_PATH = join(keyDir, "kalshi-private-key.pem");
const PEM = key.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
writeFileSync(KEY_PATH, PEM);
chmodSync(KEY_PATH, 0o600);

const priceOf = (s: number) => 64_000 + (s % 40) * 3;

let ex: FakeExchanges;
let kalshi: FakeKalshi;
const sim = new SimScheduler(Date.parse("2026-11-20T14:03:07.400Z"));
beforeAll(async () => {
  ex = await startFakeExchanges({ price: 64_010, scheduler: sim });
  // Half an hour of history for the warm start, so the forecaster is ready at once.
  ex.exchanges.coinbase.history = { get nowMs() { return sim.now(); }, priceAt: priceOf, tradeSeconds: 120 };
  kalshi = await startFakeKalshi({ publicKey: key.publicKey, scheduler: sim });
  for (let t = sim.now() / 1000 - 900; t < sim.now() / 1000 + 3600; t += 900) {
    kalshi.setMarket(windowAt(t).ticker, { floor_strike: 64_000 });
    kalshi.setBook(windowAt(t).ticker, { yes: [["0.5000", "500.00"]], no: [["0.4000", "500.00"]] });
  }
});
afterAll(async () => {
  await Promise.all([ex?.close(), kalshi?.close()]);
});

async function text(url: string): Promise<string> {
  const r = await fetch(url);
  expect(r.status).toBe(200);
  return r.text();
}

describe("btc15 live --dashboard", () => {
  it("shows the feeds, Kalshi's window and book and counters, every second, and never the key", async () => {
    const dashboard = await DashboardServer.open({ port: 0, scheduler: sim });
    const run = startLive({
      sim,
      dashboard,
      env: { KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: KEY_PATH },
      config: {
        markets: "kalshi",
        statusIntervalSeconds: 600,
        feeds: { ...ex.feedsConfig, rest: { enabled: false } },
        kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl, bookPollMs: 200 },
      },
    });
    const served: string[] = [];
    try {
      await run.waitFor(/^SYSTEM READY - MONITORING FOR OPPORTUNITIES$/m);
      // The event stream, read for a few seconds: one state a second.
      const events = await fetch(`${dashboard.url}events`);
      expect(events.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      const reader = events.body!.getReader();
      let stream = "";
      const reading = (async () => {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) stream += new TextDecoder().decode(chunk.value);
      })();
      await sim.advance(3500);
      await reader.cancel();
      await reading;
      served.push(stream);
      const states = [...stream.matchAll(/^event: state\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as DashboardState);
      expect(states.length).toBeGreaterThanOrEqual(3);
      const times = states.map((s) => Date.parse(s.at));
      for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(700);

      const body = await text(`${dashboard.url}api/state`);
      served.push(body, await text(dashboard.url));
      const s = JSON.parse(body) as DashboardState;
      expect(s).toMatchObject({ phase: "running", driver: "live", mode: "paper", market: "kalshi", series: "KXBTC15M" });
      // Every exchange, live, with its counters.
      expect(s.price.sources.map((x) => x.name).sort()).toEqual(["binanceus", "bitstamp", "coinbase", "kraken"]);
      for (const src of s.price.sources) {
        expect(src.state, src.name).toBe("live");
        expect(src.messages, src.name).toBeGreaterThan(0);
        expect(src.ageMs, src.name).toBeLessThan(5000);
      }
      expect(s.price.mode).toBe("composite");
      expect(s.price.composite).not.toBeNull();
      // The window, struck at Kalshi's official strike, and Kalshi's book as the engine saw it.
      const now = sim.now() / 1000;
      expect(s.window).toMatchObject({ ticker: windowAt(now).ticker, strike: 64_000, strikeSource: "kalshi" });
      expect(s.window!.series.t.length).toBeGreaterThanOrEqual(2);
      expect(s.decision!.quote).toEqual({ source: "kalshi", yesBid: 50, yesAsk: 60, noBid: 40, noAsk: 50 });
      expect(s.counters.kalshi).toMatch(/^kalshi: [\d,]+ requests?, [\d,]+ retr(y|ies).*, ws [\d,]+ reconnects?, [\d,]+ sequence gaps?$/);
      expect(s.counters.forecasts).toBeGreaterThan(0);
    } finally {
      expect(await run.stop()).toBe(0);
      await dashboard.close();
    }
    // The key id, the key, and where it lives are in this process's environment, never on the wire.
    const pemBody = PEM.split("\n")[1]!;
    for (const text of served) {
      expect(text).not.toContain(KEY_ID);
      expect(text).not.toContain(KEY_PATH);
      expect(text).not.toContain(keyDir);
      expect(text).not.toContain(pemBody);
      expect(text).not.toContain(run.dir);
    }
  });
});
