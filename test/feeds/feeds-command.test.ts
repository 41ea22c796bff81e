// `btc15 feeds` against the fake exchanges and against nothing at all.
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../cli/run.ts";
import { startFakeExchanges } from "../fakes/exchanges.ts";
import { SimScheduler } from "../sim/scheduler.ts";

/** The CLI in this process on a simulated clock (the fakes live here too, on the same clock). */
const sim = new SimScheduler(Date.parse("2026-11-20T14:03:07.400Z"));
const btc15 = (args: string[], env: Record<string, string>) => sim.run(cli(args, env, sim), `btc15 ${args.join(" ")}`);

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe("btc15 feeds", () => {
  it("reaches every source and prints a JSON summary", async () => {
    const fx = await startFakeExchanges({ price: 65_000, scheduler: sim });
    cleanup.push(() => fx.close());
    const env: Record<string, string> = { BTC15_FEEDS_STALENESS_MS: "1000" };
    for (const [name, f] of Object.entries(fx.exchanges)) {
      env[`BTC15_${name.toUpperCase()}_WS_URL`] = f.wsUrl;
      env[`BTC15_${name.toUpperCase()}_REST_URL`] = f.restUrl;
    }
    const r = await btc15(["feeds", "--seconds", "2", "--json"], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.price).toBeCloseTo(65_000, 0);
    const names = out.sources.map((s: { name: string }) => s.name);
    expect(names).toEqual(["coinbase", "binanceus", "kraken", "bitstamp", "coinbase-rest", "kraken-rest", "binanceus-rest"]);
    for (const s of out.sources) {
      expect(s.reached, s.name).toBe(true);
      expect(s.messages, s.name).toBeGreaterThan(0);
    }
  });

  it("shows each coin of the series asked for, every exchange connected once", async () => {
    const fx = await startFakeExchanges({ price: 65_000, scheduler: sim });
    cleanup.push(() => fx.close());
    for (const f of Object.values(fx.exchanges)) f.prices.set("SOL", 140);
    const env: Record<string, string> = { BTC15_FEEDS_STALENESS_MS: "1000" };
    for (const [name, f] of Object.entries(fx.exchanges)) {
      env[`BTC15_${name.toUpperCase()}_WS_URL`] = f.wsUrl;
      env[`BTC15_${name.toUpperCase()}_REST_URL`] = f.restUrl;
    }
    const r = await btc15(["feeds", "--seconds", "2", "--json", "--series", "KXBTC15M,KXSOL15M"], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.coins.map((c: { coin: string }) => c.coin)).toEqual(["BTC", "SOL"]);
    expect(out.coins[0].price).toBeCloseTo(65_000, 0);
    expect(out.coins[1].price).toBeCloseTo(140, 1);
    for (const c of out.coins) for (const s of c.sources) expect(s.reached, `${c.coin} ${s.name}`).toBe(true);
    for (const f of Object.values(fx.exchanges)) expect(f.connections, f.name).toBe(1);
    const text = await btc15(["feeds", "--seconds", "1", "--series", "KXBTC15M,KXSOL15M"], env);
    expect(text.stdout).toMatch(/^summary BTC: index 65000\.\d\d from /m);
    expect(text.stdout).toMatch(/^summary SOL: index 140\.\d\d from /m);
  });

  it("says per source that nothing can be reached and exits non-zero, without hanging", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const env: Record<string, string> = {};
    for (const name of ["COINBASE", "BINANCEUS", "KRAKEN", "BITSTAMP"]) {
      env[`BTC15_${name}_WS_URL`] = `ws://127.0.0.1:${port}`;
      env[`BTC15_${name}_REST_URL`] = `http://127.0.0.1:${port}`;
    }
    const r = await btc15(["feeds", "--seconds", "1"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no price source could be reached/);
    for (const name of ["coinbase", "binanceus", "kraken", "bitstamp", "coinbase-rest", "kraken-rest", "binanceus-rest"]) {
      expect(r.stderr).toMatch(new RegExp(`^  ${name}: connection refused`, "m"));
    }
  });

  it("rejects a bad configuration value from the environment", async () => {
    const r = await btc15(["feeds", "--seconds", "1"], { BTC15_COINBASE_WS_URL: "http://not-a-websocket" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/feeds\.coinbase\.wsUrl: must be a ws:\/\/ or wss:\/\/ URL/);
  });
});
