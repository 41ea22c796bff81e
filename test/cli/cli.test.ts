import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, btc15, btc15Async, cli } from "./run.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "btc15-cli-"));

describe("btc15 command line", () => {
  it("lists its commands", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["window", "backtest", "live"]) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, "m"));
  });

  it("shows the window containing a time, as text and as JSON", async () => {
    const j = await cli(["window", "--at", "2026-04-27T18:37:30Z", "--json"]);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({
      ticker: "KXBTC15M-26APR271445-45",
      open: "2026-04-27T18:30:00Z",
      close: "2026-04-27T18:45:00Z",
      open_et: "2026-04-27 14:30:00 EDT",
      close_et: "2026-04-27 14:45:00 EDT",
      seconds_left: 450,
    });
    const t = await cli(["window", "--at", "2026-01-15T12:00:00Z"]);
    expect(t.stdout).toMatch(/KXBTC15M-26JAN150715-15/);
    expect(t.stdout).toMatch(/EST/);
  });

  it("rejects a bad time with a clear message", async () => {
    const r = await cli(["window", "--at", "yesterday-ish"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not an ISO-8601 time: yesterday-ish/);
  });

  it("runs a backtest and prints its JSON on standard output with --json -", async () => {
    const out = tmp();
    const r = await cli(["backtest", "--from", "2024-12-02", "--to", "2024-12-03", "--json", "-", "--out", out]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.samples).toBe(86_400);
    expect(j).toHaveProperty("brier_by_minutes_to_close.5");
    expect(r.stderr).toMatch(/Forecast quality/);
    expect(readFileSync(join(out, "performance.json"), "utf8")).toMatch(/"balance"/);
  });

  it("names the bad setting in a config file and exits 2", async () => {
    const dir = tmp();
    const cfg = join(dir, "c.json");
    writeFileSync(cfg, JSON.stringify({ strategy: { minEdge: 3 }, colour: "red" }));
    const r = await cli(["backtest", "--config", cfg, "--out", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/strategy\.minEdge: must be between 0 and 0\.5 \(got 3\)/);
    expect(r.stderr).toMatch(/colour: unknown setting/);
    writeFileSync(cfg, "{ not json");
    expect((await cli(["backtest", "--config", cfg, "--out", dir])).stderr).toMatch(/is not valid JSON/);
  });

  it("says plainly when a price file is missing", async () => {
    const r = await cli(["backtest", "--data", "/nonexistent/prices.csv", "--out", tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read \/nonexistent\/prices\.csv \(the price file\): no such file or directory \(ENOENT\)/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace for a user error
  });

  it("prints its version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const r = await cli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`btc15 ${version}\n`);
    }
    expect((await cli(["--help"])).stdout).toMatch(/-V, --version +print btc15's version/);
  });

  it("says where the demo recorded its session, counts why it did not trade, and ends with the command that replays it", () => {
    const dir = tmp();
    const r = btc15(["demo", "--speed", "1000000", "--minutes", "120", "--data-dir", "demo"], dir);
    expect(r.code).toBe(0);
    const id = /^recording {2}demo\/sessions\/(\d{8}T\d{6}Z)\/ /m.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    expect(r.stdout).toMatch(/^ {2}no trade {8}already_positioned [\d,]+, low_edge [\d,]+, /m);
    const last = r.stdout.trimEnd().split("\n").at(-1)!;
    expect(last).toBe(`Replay it: npx btc15 replay demo/sessions/${id}`);
    // The command, run as printed, rebuilds the demo's journal byte for byte.
    const replay = btc15(last.replace("Replay it: npx btc15 ", "").split(" "), dir);
    expect(replay.code).toBe(0);
    expect(readFileSync(join(dir, "data", "replay", "KXBTC15M", "trades.jsonl"), "utf8")).toBe(readFileSync(join(dir, "demo", "KXBTC15M", "trades.jsonl"), "utf8"));
    for (const line of r.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it("ends the demo by itself after 6 simulated hours unless --minutes says otherwise, and says so", async () => {
    const help = (await cli(["demo", "--help"])).stdout.replace(/\s+/g, " ");
    expect(help).toMatch(/--minutes <n> stop after this many simulated minutes; the default, 6 hours of market, takes 6 real minutes at 60× \(default: 360\)/);
    const dir = tmp();
    const other = tmp();
    // Two real processes at once (the log file goes to each one's logs/), the refusal in this one.
    const [r, short] = await Promise.all([btc15Async(["demo", "--speed", "1000000", "--data-dir", join(dir, "demo")], dir), btc15Async(["demo", "--speed", "1000000", "--minutes", "30", "--data-dir", join(other, "demo")], other)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^length {5}6h 00m of market: about 0s \(--minutes sets it, Ctrl\+C ends it\)$/m);
    expect(r.stdout).toMatch(/^ {2}market {10}6h 00m simulated in \d+s$/m);
    // Piped, not a terminal: plain progress lines, no bar redrawn in place.
    expect(r.stdout).not.toMatch(/\r/);
    expect(r.stdout.match(/^demo \dh 00m of 6h 00m simulated/gm)).toHaveLength(5);
    expect(short.stdout).toMatch(/^ {2}market {10}30m 00s simulated in /m);
    const bad = await cli(["demo", "--minutes", "0", "--data-dir", join(dir, "demo")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("btc15: --minutes must be positive\n");
  });

  it("switches the status to the detailed block with --detailed or consoleDetail", async () => {
    expect(JSON.parse((await cli(["config", "--json"])).stdout).consoleDetail).toBe(false);
    expect(JSON.parse((await cli(["config", "--json", "--detailed"])).stdout).consoleDetail).toBe(true);
    expect((await cli(["config", "--detailed"])).stdout).toMatch(/^consoleDetail +true +flag$/m);
    const cfg = join(tmp(), "c.json");
    writeFileSync(cfg, JSON.stringify({ consoleDetail: "yes" }));
    const r = await cli(["config", "--config", cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/consoleDetail: must be true or false/);
  });
});
