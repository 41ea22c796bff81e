// The demo reads its price file as it goes: the same seconds as reading it whole, in order, but
// never more than a chunk and the read-ahead in front of the demo, however long the file is.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StreamedSeconds } from "../../src/app/drivers/demo-input.ts";
import { replayHistory } from "../../src/history/files.ts";

/** `rows` one-minute bars from 2024-12-02 00:00 UTC (about 50 bytes a row). */
function minuteBars(rows: number): string {
  const dir = mkdtempSync(join(tmpdir(), "btc15-demo-input-"));
  const t0 = Date.parse("2024-12-02T00:00:00Z") / 1000;
  const lines = ["timestamp_unix_seconds,open,high,low,close,volume"];
  for (let i = 0; i < rows; i++) {
    const o = (96_000 + 40 * Math.sin(i / 7)).toFixed(2);
    const c = (96_000 + 40 * Math.sin((i + 1) / 7)).toFixed(2);
    lines.push(`${t0 + 60 * i},${o},${Math.max(+o, +c).toFixed(2)},${Math.min(+o, +c).toFixed(2)},${c},1`);
  }
  const file = join(dir, "bars.csv");
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

const tick = () => new Promise((r) => setImmediate(r));

describe("the demo's input, streamed", () => {
  it("hands over exactly the seconds a whole read gives, in order, and knows the file's length from its ends", async () => {
    const file = minuteBars(30_000); // ~1.5 MB: two chunks, 1.8 million seconds
    const whole: number[] = [];
    await replayHistory([file], { observe: (s, p) => whole.push(s, p) });
    const input = new StreamedSeconds(file, () => {}, 5_000);
    expect(input.estimatedSeconds).toBe(whole.length / 2);
    let k = 0;
    for (;;) {
      await input.fill(4_000);
      if (input.available === 0) break;
      while (input.available > 0) {
        const s = input.shift()!;
        if (s.second !== whole[k] || s.price !== whole[k + 1]) throw new Error(`second ${k / 2} differs: ${s.second} ${s.price}`);
        k += 2;
      }
    }
    expect(k).toBe(whole.length);
    expect(input.done).toBe(true);
  });

  it("reads no further than a chunk past what the demo has taken, and stops when closed", async () => {
    const file = minuteBars(60_000);
    const input = new StreamedSeconds(file, () => {}, 5_000);
    await input.fill(10);
    for (let i = 0; i < 20; i++) await tick(); // let the reader run as far as it will
    // One chunk of the file (1 MB, about 1.2 million seconds of these bars) at most, not 3.6 million.
    const held = input.available;
    expect(held).toBeGreaterThan(10);
    expect(held).toBeLessThan(1_500_000);
    expect(input.done).toBe(false);
    // Taking a little does not make it read on; going under the read-ahead does.
    for (let i = 0; i < 100; i++) input.shift();
    for (let i = 0; i < 20; i++) await tick();
    expect(input.available).toBe(held - 100);
    input.close();
    for (let i = 0; i < 20; i++) await tick();
    expect(input.done).toBe(true);
  });

  it("refuses a bad short file before the demo starts, as reading it whole did", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-demo-input-"));
    const file = join(dir, "bad.csv");
    const t0 = Date.parse("2024-12-02T00:00:00Z") / 1000;
    const rows = Array.from({ length: 200 }, (_, i) => (i % 2 ? `${t0 + 60 * i},x,x,x,x,1` : `${t0 + 60 * i},96000,96000,96000,96000,1`));
    writeFileSync(file, ["timestamp_unix_seconds,open,high,low,close,volume", ...rows].join("\n") + "\n");
    const input = new StreamedSeconds(file, () => {});
    await expect(input.fill(input.ahead)).rejects.toThrow(/100 of 200 rows are bad/);
  });
});
