import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lagFromRecordings } from "../../../src/app/research/lag/collect.ts";
import { main } from "../../../src/cli/program.ts";
import { laggedConfig, writeLaggedSession } from "../../fakes/lagged-market.ts";

/** The CLI in this process, its output captured. */
async function cli(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "btc15", ...args], { out: { write: (s: string) => (stdout += s) }, err: { write: (s: string) => (stderr += s) }, env: {} });
  return { code, stdout, stderr };
}

const WINDOWS = 16;

describe("btc15 research lag on recorded sessions whose Kalshi trails spot by a known delay", () => {
  for (const delay of [0, 10, 30]) {
    it(`finds a market ${delay} s behind spot within ±2 s, with an interval that holds it`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "btc15-lag-"));
      const sessions = join(dir, "sessions");
      writeLaggedSession(sessions, laggedConfig(join(dir, "live")), { delay, windows: WINDOWS, seed: 40 + delay });
      const { result, facts } = await lagFromRecordings([sessions], { lag: { resamples: 100 } });
      expect(Math.abs(result.lag_seconds! - delay)).toBeLessThanOrEqual(2);
      expect(result.ci95![0]).toBeLessThanOrEqual(delay);
      expect(result.ci95![1]).toBeGreaterThanOrEqual(delay);
      expect(result.n_windows).toBeGreaterThanOrEqual(WINDOWS - 1);
      expect(result.curve.map((c) => c.lag)).toEqual(Array.from({ length: 151 }, (_, i) => i - 120));
      // What the answer rests on, read from the recording: a book asked for every second, 150 ms on the way, spot from the exchanges.
      expect(facts).toMatchObject({ sessions: 1, index_seconds: 0, book_interval_ms: { median: 1000 }, book_latency_ms: { median: 150 } });
    });
  }
});

describe("the command", () => {
  it("prints the lag with what it cannot say, and the JSON the issue asks for", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-lag-"));
    const sessions = join(dir, "sessions");
    writeLaggedSession(sessions, laggedConfig(join(dir, "live")), { delay: 10, windows: 8, seed: 3 });
    const json = join(dir, "lag.json");
    const run = await cli(["research", "lag", sessions, "--json", json, "--resamples", "50", "--html", join(dir, "lag.html")]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/lag\s+\+(8|9|10|11|12) s\s+95% interval/);
    expect(out).toMatch(/What it cannot say/);
    expect(out).toMatch(/book was read every 1\.0 s/);
    expect(out).toMatch(/proxy of the CF Benchmarks index/);
    const r = JSON.parse(readFileSync(json, "utf8"));
    expect(Object.keys(r)).toEqual(expect.arrayContaining(["lag_seconds", "ci95", "n_seconds", "n_windows", "curve", "cannot_say"]));
    expect(r.curve[0]).toEqual({ lag: -120, score: expect.any(Number) });
    const html = readFileSync(join(dir, "lag.html"), "utf8");
    expect(html).toMatch(/data-chart="lag"/);
    expect(html).toMatch(/data-field="lag-seconds">\+\d+ s</);
  });

  it("reads a recording of format 1 (its configuration names its series as a string) as replay does", async () => {
    // The format-1 fixture, its header saying it traded Kalshi's market: read, not refused, not broken.
    const fixture = join(import.meta.dirname, "..", "..", "fixtures", "recording-v1", "sessions");
    const session = readdirSync(fixture)[0]!;
    const file = readdirSync(join(fixture, session))[0]!;
    const lines = gunzipSync(readFileSync(join(fixture, session, file))).toString("utf8").split("\n");
    lines[0] = lines[0]!.replace('"market":"synthetic"', '"market":"kalshi"');
    const dir = join(mkdtempSync(join(tmpdir(), "btc15-lag-v1-")), "sessions", session);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), gzipSync(lines.join("\n")));
    const said: string[] = [];
    const { facts } = await lagFromRecordings([join(dir, "..")], { lag: { resamples: 10 }, onSession: (l) => said.push(l) });
    expect(facts.sessions).toBe(1);
    expect(said).toEqual([expect.stringMatching(new RegExp(`^session ${session}: [\\d,]+ events$`))]);
  });

  it("refuses sessions that recorded no Kalshi book, and a mix of recordings and minute files", async () => {
    const none = await cli(["research", "lag"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give session recordings/);
    const both = await cli(["research", "lag", "x", "--quotes", "q.csv"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/not both/);
  });
});
