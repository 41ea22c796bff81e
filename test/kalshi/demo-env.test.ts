// Kalshi's demo exchange (issue 16, item 5): its own URLs and its own key variables.
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readKalshiCredentials } from "../../src/app/venue/kalshi-credentials.ts";
import { checkLiveGates } from "../../src/app/venue/kalshi-live.ts";
import { liveFlagsToConfig } from "../../src/cli/trading-flags.ts";
import { parseConfig, resolveConfig } from "../../src/config/load.ts";
import { windowAt } from "../../src/domain/window.ts";
import { cli } from "../cli/run.ts";
import { startFakeKalshi } from "../fakes/kalshi.ts";

const dir = mkdtempSync(join(tmpdir(), "btc15-demo-env-"));
function pemFile(name: string): { path: string; publicKey: ReturnType<typeof generateKeyPairSync>["publicKey"] } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const path = join(dir, name);
  writeFileSync(path, privateKey.export({ type: "pkcs8", format: "pem" }) as string);
  chmodSync(path, 0o600);
  return { path, publicKey };
}

describe("the demo environment", () => {
  it("--kalshi-env demo (or KALSHI_ENV=demo) points at Kalshi's demo REST and WebSocket hosts; explicit URLs still win", () => {
    expect(parseConfig({}).kalshi).toMatchObject({ env: "production", baseUrl: "https://external-api.kalshi.com/trade-api/v2", wsUrl: "wss://external-api-ws.kalshi.com/trade-api/ws/v2" });
    const demo = parseConfig(liveFlagsToConfig({ kalshiEnv: "demo" })).kalshi;
    expect(demo).toMatchObject({ env: "demo", baseUrl: "https://external-api.demo.kalshi.co/trade-api/v2", wsUrl: "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2" });
    expect(resolveConfig({ env: { KALSHI_ENV: "demo" } }).kalshi.baseUrl).toBe("https://external-api.demo.kalshi.co/trade-api/v2");
    expect(parseConfig({ kalshi: { env: "demo", baseUrl: "http://127.0.0.1:1/trade-api/v2" } }).kalshi.baseUrl).toBe("http://127.0.0.1:1/trade-api/v2");
    expect(() => parseConfig({ kalshi: { env: "staging" } })).toThrow(/kalshi\.env: must be production or demo/);
  });

  it("reads the demo key from its own variables, never production's, and names them when missing", () => {
    const demo = pemFile("demo.pem");
    const prod = pemFile("prod.pem");
    const env = { KALSHI_API_KEY_ID: "prod-id", KALSHI_PRIVATE_KEY_PATH: prod.path, KALSHI_DEMO_API_KEY_ID: "demo-id", KALSHI_DEMO_PRIVATE_KEY_PATH: demo.path };
    expect(readKalshiCredentials(env, "demo")!.keyId).toBe("demo-id");
    expect(readKalshiCredentials(env, "production")!.keyId).toBe("prod-id");
    expect(readKalshiCredentials({ KALSHI_API_KEY_ID: "prod-id", KALSHI_PRIVATE_KEY_PATH: prod.path }, "demo")).toBeNull();
    expect(() => readKalshiCredentials({ KALSHI_DEMO_API_KEY_ID: "demo-id" }, "demo")).toThrow(/KALSHI_DEMO_API_KEY_ID is set but KALSHI_DEMO_PRIVATE_KEY_PATH is not/);
    expect(() => checkLiveGates({ mode: "live", credentials: null, confirmed: true, kalshiEnv: "demo" })).toThrow(/no Kalshi API key \(set KALSHI_DEMO_API_KEY_ID and KALSHI_DEMO_PRIVATE_KEY_PATH\)/);
  });

  it("btc15 markets --kalshi-env demo signs with the demo key", async () => {
    const demo = pemFile("demo-markets.pem");
    const prod = pemFile("prod-markets.pem");
    // The fake accepts only the demo key's signature on the order book.
    const fake = await startFakeKalshi({ publicKey: demo.publicKey, booksNeedKey: true });
    try {
      // The command reads the wall clock: the book is on this window and the next, so a quarter-hour passing meanwhile changes nothing.
      for (const t of [Date.now() / 1000, Date.now() / 1000 + 900]) fake.setBook(windowAt(t).ticker, { yes: [["0.4500", "10.00"]], no: [["0.5300", "6.00"]] });
      const env = { KALSHI_API_BASE_URL: fake.baseUrl, KALSHI_API_KEY_ID: "prod-id", KALSHI_PRIVATE_KEY_PATH: prod.path, KALSHI_DEMO_API_KEY_ID: "demo-id", KALSHI_DEMO_PRIVATE_KEY_PATH: demo.path };
      const r = await cli(["markets", "--json", "--kalshi-env", "demo"], env);
      expect(r.stderr).toBe("");
      const [current] = JSON.parse(r.stdout) as { book_error: string | null; yes: { bid: string } | null }[];
      expect(current).toMatchObject({ book_error: null, yes: { bid: "0.4500" } });
      expect(fake.authFailures).toBe(0);
      // Without --kalshi-env demo, production's key signs: this exchange refuses it, and the command says so with Kalshi's code.
      const wrongKey = await cli(["markets", "--json"], env);
      expect(wrongKey.code).toBe(2);
      expect(wrongKey.stderr).toMatch(/orderbook: HTTP 401 \(authentication_error: authentication required\)/);
      expect(fake.authFailures).toBe(1);
    } finally {
      await fake.close();
    }
  });
});
