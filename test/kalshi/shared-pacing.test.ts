// Several series share one Kalshi client, so one pacing: Kalshi's read budget is the account's,
// not a series', and every series' pollers together stay within it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseMarketSources } from "../../src/app/venue/kalshi-market.ts";
import { parseConfig } from "../../src/config/load.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { SimScheduler } from "../sim/scheduler.ts";

const sim = new SimScheduler(Date.parse("2026-11-20T14:03:07.400Z"));
let kalshi: FakeKalshi;
beforeAll(async () => {
  kalshi = await startFakeKalshi({ scheduler: sim });
});
afterAll(async () => {
  await kalshi?.close();
});

describe("Kalshi's request pacing across series", () => {
  it("paces every series' requests through one client's token bucket", async () => {
    // 30 read tokens a second at 10 a request: 3 requests a second for everything (a bucket of one second's worth).
    const config = parseConfig({ series: "KXBTC15M,KXETH15M,KXXRP15M", kalshi: { baseUrl: kalshi.baseUrl, bookPollMs: 200, marketRefreshMs: 1000, rateLimit: { readTokensPerSecond: 30, tokensPerRequest: 10 } } });
    const choices = await chooseMarketSources("kalshi", { config, scheduler: sim, clock: sim }, config.series);
    expect(new Set(choices.map((c) => c.kalshi!.client)).size).toBe(1);
    const from = kalshi.requests.length;
    const t0 = sim.now();
    for (const c of choices) c.start(() => {});
    await sim.until(() => kalshi.requests.length - from > 20, "twenty requests", { simMs: 60_000 });
    const made = kalshi.requests.slice(from);
    const seconds = (sim.now() - t0) / 1000;
    // Every series asked...
    for (const s of config.series) expect(made.some((r) => r.path.includes(`/markets/${s}-`)), s).toBe(true);
    // ...and all of them together no faster than the one budget: 3 a second, plus the bucket's first second.
    // Unpaced, each series' poller alone would ask twice a round (market, book), five rounds a second.
    expect(made.length).toBeLessThanOrEqual(3 * seconds + 3);
    expect(seconds).toBeGreaterThanOrEqual(5);
    // Stopping with requests waiting for tokens ends them (a closed client's wait must not spin).
    await sim.run(Promise.all(choices.map((c) => c.stop())), "every series' pollers to stop", { realMs: 5_000 });
  });
});
