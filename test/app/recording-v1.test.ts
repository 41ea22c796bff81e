// A recording made before several series (format 1: one series, event lines without a series, the
// configuration's series a string) stays replayable: today's replay rebuilds the journal that demo
// wrote, byte for byte, in the series' folder of the output.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordedSeries, runReplay } from "../../src/app/drivers/replay.ts";
import { findSessions } from "../../src/app/recording/reader.ts";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "recording-v1");

describe("a recording of format 1", () => {
  it("reads as one series and replays to the journal it was recorded with", async () => {
    const [session] = await findSessions([join(FIXTURE, "sessions")]);
    expect(session!.header).toMatchObject({ schema: 1, config: { series: "KXBTC15M" } });
    expect(session!.header.series).toBeUndefined();
    const rec = recordedSeries(session!.header);
    expect(rec.series).toEqual(["KXBTC15M"]);
    expect(rec.config.series).toEqual(["KXBTC15M"]);

    const out = join(mkdtempSync(join(tmpdir(), "btc15-v1-")), "replay");
    const warnings: string[] = [];
    const r = await runReplay({ paths: [join(FIXTURE, "sessions")], outDir: out, onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(r.recording.skipped).toBe(0);
    expect(r.trades).toBe(3);
    expect(Object.keys(r.series)).toEqual(["KXBTC15M"]);
    expect(readFileSync(join(out, "KXBTC15M", "trades.jsonl"), "utf8")).toBe(readFileSync(join(FIXTURE, "trades.jsonl"), "utf8"));
    expect(readFileSync(join(out, "KXBTC15M", "windows.jsonl"), "utf8")).toBe(readFileSync(join(FIXTURE, "windows.jsonl"), "utf8"));
  });
});
