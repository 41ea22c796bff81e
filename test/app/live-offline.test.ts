// `npm start` with no network: within a few seconds the console says which sources failed and
// why, then keeps trying quietly until Ctrl+C or its start-up timeout; every line fits 80 columns.
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shortCause, warmStartLine } from "../../src/app/drivers/live-startup.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { startLive } from "./live-harness.ts";

/** A port nothing listens on (fetch refuses port 1 outright, so a freed one). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe("starting with no price source reachable", () => {
  it("names each source and why it failed at once, then waits quietly until stopped", async () => {
    const port = await closedPort();
    const closed = { wsUrl: `ws://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}` };
    const sim = new SimScheduler(Date.parse("2026-11-20T14:00:00Z") + 370);
    const run = startLive({
      sim,
      columns: 80,
      config: {
        markets: "synthetic",
        startupTimeoutSeconds: 60,
        // Quick retries, so "keeps trying" shows in the log file within moments.
        feeds: { coinbase: closed, binanceus: closed, kraken: closed, bitstamp: closed, connection: { backoffBaseMs: 20, backoffMaxMs: 100 } },
      },
    });
    // A closed port refuses at once: the report does not wait for the 60-s timeout (before, nothing was said until then).
    const startedAt = sim.now();
    await run.waitFor(/^ {2}binanceus-rest REST {7}\S+: connection refused$/m, 10_000);
    expect(sim.now() - startedAt).toBeLessThanOrEqual(3_500);
    const out = run.out();
    expect(out).toMatch(/^✗ No price source reached yet \(still trying; giving up after 60 s\):$/m);
    for (const name of ["coinbase", "binanceus", "kraken", "bitstamp"]) expect(out).toMatch(new RegExp(`^ {2}${name} +WebSocket {2}127\\.0\\.0\\.1:${port}: connection refused$`, "m"));
    for (const name of ["coinbase-rest", "kraken-rest"]) expect(out).toMatch(new RegExp(`^ {2}${name} +REST {7}127\\.0\\.0\\.1:${port}: connection refused$`, "m"));
    // Still trying, and quietly: the log file shows the sockets reconnecting again and again, the console nothing more.
    const logFile = join(run.dir, readdirSync(run.dir).find((f) => f.endsWith(".log"))!);
    const retries = () => (readFileSync(logFile, "utf8").match(/DEBUG feeds info: \w+: reconnecting in/g) ?? []).length;
    const before = retries();
    await sim.until(() => retries() >= before + 12, () => `12 reconnects after the report (${retries() - before})`, { simMs: 20_000 });
    expect(run.out()).toBe(out);
    expect(await run.stop()).toBe(0);
    expect(run.out().slice(out.length)).not.toMatch(/No price source could be reached/);
    for (const line of run.out().split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});

describe("start-up lines", () => {
  it("say a connection error in a few words, naming the host", () => {
    expect(shortCause("getaddrinfo ENOTFOUND ws-feed.exchange.coinbase.com")).toBe("ws-feed.exchange.coinbase.com: host not found");
    expect(shortCause("fetch failed (getaddrinfo ENOTFOUND api.kraken.com)")).toBe("api.kraken.com: host not found");
    expect(shortCause("fetch failed (getaddrinfo EAI_AGAIN api.kraken.com)")).toBe("api.kraken.com: DNS lookup failed");
    expect(shortCause("connect ECONNREFUSED 127.0.0.1:1")).toBe("127.0.0.1:1: connection refused");
    expect(shortCause("Opening handshake has timed out")).toBe("timed out");
    expect(shortCause("HTTP 503 from https://api.kraken.com/0/public/Ticker")).toBe("HTTP 503 from https://api.kraken.com/0/public/Ticker");
  });

  it("put the warm start in one line of at most 80 columns, whatever failed", () => {
    const none = (notes: string[]) => warmStartLine({ seconds: [], source: "none", notes });
    // What an offline machine gave: 185 characters before.
    const offline = none(["coinbase: fetch failed (getaddrinfo ENOTFOUND api.exchange.coinbase.com)", "kraken: fetch failed (getaddrinfo ENOTFOUND api.kraken.com)"]);
    expect(offline).toBe("warm start none (coinbase, kraken: host not found); warming up from live prices");
    expect(none(["coinbase: timed out after 5000 ms", "kraken: timed out after 5000 ms"]).length).toBeLessThanOrEqual(80);
    expect(none(["warm start is off (feeds.warmStart.enabled)"])).toBe("warm start none (warm start is off (feeds.warmStart.enabled)); warming up from live prices");
    const ok = warmStartLine({ seconds: [{ second: 1_795_700_399, price: 64_000, exact: true }], source: "coinbase", notes: [] });
    expect(ok).toBe("warm start 1 s of history from coinbase (to 2026-11-26T13:40:00Z)");
  });
});
