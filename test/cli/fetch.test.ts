import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startFakeCandleVenues } from "../fakes/btc-candles.ts";
import { startFakeKalshiHistory } from "../fakes/kalshi-history.ts";
import { cli } from "./run.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "btc15-fetch-cli-"));

/** The CLI in this process: the fake servers live here too and keep answering while it awaits them. */
const run = (args: string[]) => cli(args);

describe("btc15 fetch on the command line", () => {
  it("gives one clear line and exit 2 for missing or bad dates and from ≥ to", async () => {
    const cases: [string[], RegExp][] = [
      [["fetch", "--to", "2026-03-12"], /^btc15: --from is required, e\.g\. --from 2026-03-11\n$/],
      [["fetch", "--from", "yesterday-ish", "--to", "2026-03-12"], /^btc15: --from: not an ISO-8601 time: yesterday-ish/],
      [["fetch", "--from", "2026-03-12", "--to", "2026-03-11"], /^btc15: --from \(2026-03-12T00:00:00Z\) must be before --to \(2026-03-11T00:00:00Z\)\n$/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });

  it("downloads a day into the files the backtest reads, with URLs from the configuration file, then skips it", async () => {
    const day = Date.UTC(2026, 2, 11) / 1000;
    const kalshi = await startFakeKalshiHistory({ cutoff: day + 86_400 });
    const venues = await startFakeCandleVenues(Date.now() / 1000);
    try {
      const dir = tmp();
      const config = join(dir, "fake.json");
      writeFileSync(config, JSON.stringify({ kalshi: { baseUrl: kalshi.baseUrl, rateLimit: { readTokensPerSecond: 100_000 } }, feeds: { coinbase: { restUrl: venues.coinbaseUrl }, kraken: { restUrl: venues.krakenUrl } } }));
      const out = join(dir, "history");
      const r = await run(["fetch", "--from", "2026-03-11", "--to", "2026-03-12", "--out", out, "--config", config]);
      expect(r.stderr).toBe(""); // no progress bar off a terminal
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^fetch KXBTC15M 2026-03-11T00:00:00Z → 2026-03-12T00:00:00Z: 1 UTC day into /);
      expect(r.stdout).toMatch(/Kalshi quotes {2}1 day\(s\) written, 0 already complete: 96 markets \(96 from the historical tier\), 1,440 one-minute quotes/);
      expect(r.stdout).toMatch(/BTC minutes {4}1 day\(s\) written, 0 already complete, 0 partial, 0 failed: 1,440 bars/);
      expect(existsSync(join(out, "kalshi", "KXBTC15M_2026-03-11.csv"))).toBe(true);
      expect(existsSync(join(out, "btc", "btcusd_1m_2026-03-11.csv"))).toBe(true);
      const again = await run(["fetch", "--from", "2026-03-11", "--to", "2026-03-12", "--out", out, "--config", config, "--json"]);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ quotes: { written: [], already_complete: 1 }, btc: { written: [], already_complete: 1 }, requests: { kalshi: 0, exchanges: 0 } });
    } finally {
      await kalshi.close();
      await venues.close();
    }
  });
});
