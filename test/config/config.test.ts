import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configReport } from "../../src/app/commands/config.ts";
import { ConfigError, defaultConfig, resolveConfig } from "../../src/config/load.ts";

describe("configuration", () => {
  it("defaults to the original specification", () => {
    const c = defaultConfig();
    expect(c.balance).toBe(200);
    expect(c.strategy).toMatchObject({ minEdge: 0.015, minConfidence: 0.03, kellyFraction: 0.5, maxPosition: 15, maxEntriesPerWindow: 1, feeRate: 0.07 });
    expect(c.statusIntervalSeconds).toBe(60);
    expect(c.mode).toBe("paper");
    expect(c.feeds.order).toEqual(["coinbase", "binanceus", "kraken", "bitstamp", "rest"]);
    expect(c.dataDir).toBe("data/trading");
  });

  it("takes the file, then the environment, then flags, and says where each value came from", () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-cfg-"));
    const file = join(dir, "c.json");
    writeFileSync(file, JSON.stringify({ balance: 500, strategy: { minEdge: 0.02, minConfidence: 0.05 }, dataDir: "from-file" }));
    const env = { BTC15_DATA_DIR: "from-env", BTC15_FEEDS_MODE: "failover", BTC15_BALANCE: "300" };
    const { config, lines } = configReport({ file, env, flags: { strategy: { minEdge: 0.04 } } });
    expect(config.strategy.minEdge).toBe(0.04);
    expect(config.strategy.minConfidence).toBe(0.05);
    expect(config.balance).toBe(300);
    expect(config.dataDir).toBe("from-env");
    expect(config.feeds.mode).toBe("failover");
    const origin = (k: string) => lines.find((l) => l.setting === k)?.source;
    expect(origin("strategy.minEdge")).toBe("flag");
    expect(origin("strategy.minConfidence")).toBe(`file ${file}`);
    expect(origin("dataDir")).toBe("environment");
    expect(origin("strategy.kellyFraction")).toBe("default");
  });

  it("names every bad setting with its allowed range", () => {
    expect(() => resolveConfig({ flags: { strategy: { kellyFraction: 3, minConfidence: -1 }, markets: "nasdaq" } })).toThrow(ConfigError);
    try {
      resolveConfig({ flags: { strategy: { kellyFraction: 3, minConfidence: -1 }, markets: "nasdaq" } });
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toMatch(/strategy\.kellyFraction: must be above 0 and at most 1 \(got 3\)/);
      expect(m).toMatch(/strategy\.minConfidence: must be between 0 and 0\.5 \(got -1\)/);
      expect(m).toMatch(/markets: must be "auto", "kalshi" or "synthetic" \(got "nasdaq"\)/);
    }
  });

  it("does not carry Kalshi's secrets in the configuration", () => {
    const { lines } = configReport({ env: { KALSHI_API_KEY_ID: "secret-id", KALSHI_PRIVATE_KEY_PATH: "/home/me/key.pem" } });
    const text = JSON.stringify(lines);
    expect(text).not.toContain("secret-id");
    expect(text).not.toContain("key.pem");
  });
});
