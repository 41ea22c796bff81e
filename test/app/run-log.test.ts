// The console and its log file: a footer (the demo's progress) kept under everything else on a
// terminal, never in the file nor in piped output; the progress text with its time left.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { etaSeconds, progressText } from "../../src/app/console/progress.ts";
import { RunLog } from "../../src/app/console/run-log.ts";

function capture(terminal: boolean) {
  const out = new PassThrough();
  let text = "";
  out.on("data", (d: Buffer) => (text += d.toString()));
  const file = join(mkdtempSync(join(tmpdir(), "btc15-runlog-")), "run.log");
  const log = new RunLog({ file, out, colour: false, terminal, now: () => 0 });
  return { log, text: () => text, file: () => readFileSync(file, "utf8") };
}

/** What a terminal would show: each \r returns to the line's start, \x1b[K clears the rest of it. */
function screen(raw: string): string[] {
  const lines = [""];
  let col = 0;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    const last = lines.length - 1;
    if (raw.startsWith("\x1b[K", i)) {
      lines[last] = lines[last]!.slice(0, col);
      i += 2;
    } else if (ch === "\r") col = 0;
    else if (ch === "\n") {
      lines.push("");
      col = 0;
    } else {
      lines[last] = lines[last]!.slice(0, col) + ch + lines[last]!.slice(col + 1);
      col++;
    }
  }
  return lines;
}

describe("the run log's footer", () => {
  it("stays under every new line on a terminal, and is gone at the end", () => {
    const c = capture(true);
    c.log.info("first line");
    c.log.footer("demo [###   ]  30%");
    c.log.info("second line");
    c.log.warn("a warning");
    expect(screen(c.text())).toEqual(["first line", "second line", "a warning", "demo [###   ]  30%"]);
    c.log.footer("demo [######]  60%");
    expect(screen(c.text()).at(-1)).toBe("demo [######]  60%");
    c.log.close();
    expect(screen(c.text())).toEqual(["first line", "second line", "a warning", ""]);
    expect(c.file()).not.toMatch(/demo \[/);
    expect(c.file()).toMatch(/INFO {2}second line/);
  });

  it("is never drawn when the console is not a terminal", () => {
    const c = capture(false);
    c.log.footer("demo [###   ]  30%");
    c.log.info("a line");
    c.log.close();
    expect(c.text()).toBe("a line\n");
  });
});

describe("the console's width", () => {
  it("fits every console line to the terminal's width, 80 columns when it is not known, and keeps the file's lines whole", () => {
    const long = "warm start none (coinbase, kraken: ECONNREFUSED; bitstamp: timed out after 5000 ms): warming up from live prices";
    const c = capture(false);
    c.log.info(long);
    c.log.warn(long);
    c.log.show((_p, width) => `${width} columns`);
    c.log.close();
    const lines = c.text().trimEnd().split("\n");
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines).toEqual(["warm start none (coinbase, kraken: ECONNREFUSED; bitstamp: timed out after 5000", "  ms): warming up from live prices", "warm start none (coinbase, kraken: ECONNREFUSED; bitstamp: timed out after 5000", "  ms): warming up from live prices", "80 columns"]);
    expect(c.file()).toContain(`INFO  ${long}\n`);
    expect(c.file()).toContain(`WARN  ${long}\n`);
    expect(c.file()).toMatch(/INFO {2}Infinity columns/); // the file gets the whole line
  });

  it("follows a terminal's own width, and never lets the footer wrap", () => {
    const out = Object.assign(new PassThrough(), { isTTY: true, columns: 40 });
    let text = "";
    out.on("data", (d: Buffer) => (text += d.toString()));
    const log = new RunLog({ file: null, out, colour: false, terminal: true, now: () => 0 });
    log.info("a line of more than forty columns, as a status line would be");
    log.footer(`demo [${"#".repeat(30)}] 100%  6h 00m of 6h 00m`);
    expect(screen(text)).toEqual(["a line of more than forty columns, as a", "  status line would be", `demo [${"#".repeat(30)}]`]);
    out.columns = 100;
    log.info("a line of more than forty columns, as a status line would be");
    log.close();
    expect(screen(text).slice(2, 3)).toEqual(["a line of more than forty columns, as a status line would be"]);
  });
});

describe("progress text", () => {
  it("draws the bar, a note and the time left", () => {
    expect(progressText("demo", 0.3, 125, "1h 48m of 6h 00m")).toBe(`demo [${"#".repeat(9)}${" ".repeat(21)}]  30%  1h 48m of 6h 00m  ETA 2m 05s`);
    expect(progressText("fit", 1, 10)).toBe(`fit [${"#".repeat(30)}] 100%`);
    expect(progressText("backtest", 0.5, null)).toBe(`backtest [${"#".repeat(15)}${" ".repeat(15)}]  50%`);
  });

  it("estimates the time left from the pace so far, once a second has passed", () => {
    expect(etaSeconds(0.25, 10)).toBe(30);
    expect(etaSeconds(0.25, 0.5)).toBeNull();
    expect(etaSeconds(0, 10)).toBeNull();
    expect(etaSeconds(1, 10)).toBeNull();
  });
});

describe("the log file", () => {
  it.skipIf(!existsSync("/dev/full"))("failing (a full disk) stops the file, never the console", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (d: Buffer) => (text += d.toString()));
    // /dev/full answers every write with ENOSPC, as a full disk does.
    const log = new RunLog({ file: "/dev/full", out, colour: false, now: () => 0 });
    expect(() => log.info("first")).not.toThrow();
    log.info("second");
    log.close();
    expect(text).toBe("first\ncannot write the log file /dev/full: ENOSPC; from now on the console only\nsecond\n");
  });
});
