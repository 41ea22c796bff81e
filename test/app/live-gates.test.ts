// --mode live: everything that can be checked is checked before the real-money question is asked.
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/domain/errors.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { startLive } from "./live-harness.ts";

const KEY_ID = "0f0e0d0c-1111-2222-3333-444455556666";
const ours = generateKeyPairSync("rsa", { modulusLength: 2048 });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const dir = mkdtempSync(join(tmpdir(), "btc15-gates-"));

function keyFile(name: string, key = ours.privateKey): string {
  const path = join(dir, name);
  writeFileSync(path, key.export({ type: "pkcs8", format: "pem" }) as string);
  chmodSync(path, 0o600);
  return path;
}

let ex: FakeExchanges;
let kalshi: FakeKalshi;
const sim = new SimScheduler(Date.parse("2026-11-20T14:03:07.400Z"));
beforeAll(async () => {
  ex = await startFakeExchanges({ price: 64_000, scheduler: sim });
  kalshi = await startFakeKalshi({ publicKey: ours.publicKey, scheduler: sim });
});
afterAll(async () => {
  await Promise.all([ex?.close(), kalshi?.close()]);
});

function live(env: NodeJS.ProcessEnv, asked: string[], answer = false) {
  return startLive({
    sim,
    env,
    ask: async (q) => {
      asked.push(q);
      return answer;
    },
    config: { mode: "live", markets: "kalshi", feeds: { ...ex.feedsConfig, rest: { enabled: false } }, kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl, backoff: { baseMs: 10, maxMs: 100, maxRetries: 0 } } },
  });
}

describe("--mode live checks first and asks last", () => {
  it("a key Kalshi refuses: says so and never asks the question, before any feed connects", async () => {
    const connections = Object.values(ex.exchanges).reduce((n, e) => n + e.connections, 0);
    const asked: string[] = [];
    const run = live({ KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: keyFile("wrong.pem", other.privateKey) }, asked);
    const err = await sim.run(run.done).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/live trading cannot start: Kalshi refused the API key/);
    expect((err as Error).message).not.toContain(KEY_ID);
    expect(asked).toEqual([]);
    expect(Object.values(ex.exchanges).reduce((n, e) => n + e.connections, 0)).toBe(connections);
    expect(kalshi.orders).toHaveLength(0);
  });

  it("no key at all: names the missing gates without asking", async () => {
    const asked: string[] = [];
    const err = await sim.run(live({}, asked).done).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no Kalshi API key/);
    expect(asked).toEqual([]);
  });

  it("a key Kalshi accepts: only then the question; a no sends nothing", async () => {
    const asked: string[] = [];
    const run = live({ KALSHI_API_KEY_ID: KEY_ID, KALSHI_PRIVATE_KEY_PATH: keyFile("ok.pem") }, asked);
    const err = await sim.run(run.done).catch((e: unknown) => e);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/Trade REAL money on Kalshi/);
    expect((err as Error).message).toMatch(/not confirmed/);
    expect(kalshi.requests.some((r) => r.path.endsWith("/portfolio/balance"))).toBe(true);
    expect(kalshi.orders).toHaveLength(0);
  });
});
