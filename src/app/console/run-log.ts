import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { COLOUR, PLAIN, type Paint } from "./console-format.ts";
import { consoleColumns, fitLines, wrapLine } from "./fit.ts";

/**
 * Something to show: rendered once for the console (colours on a terminal, at most `width`
 * columns a line) and once plain for the log file (width Infinity: each line whole).
 */
export type Render = (paint: Paint, width: number) => string;

export interface RunLogOptions {
  /** The log file (created with its directory), or null for none. */
  readonly file: string | null;
  readonly out: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  /** Colour the console (only when it is a terminal). */
  readonly colour: boolean;
  /** The console is a terminal, so a line can be redrawn in place (the footer); default: as colour. */
  readonly terminal?: boolean;
  /** Wall clock for log-file timestamps (ms). */
  readonly now: () => number;
  /** Also print debug lines on the console. */
  readonly verbose?: boolean;
  /** The console's width, asked at each line (a terminal may be resized); default: the terminal's, 80 when unknown. */
  readonly columns?: number | (() => number);
}

/**
 * The console and the log file. Everything the console shows goes to the file too, plain and
 * time-stamped, plus debug detail (feed events, reconnects, HTTP errors) the console leaves out.
 */
export class RunLog {
  private fd: number | null = null;
  private footerText: string | null = null;
  readonly file: string | null;

  constructor(private readonly o: RunLogOptions) {
    this.file = o.file;
    if (o.file) {
      mkdirSync(dirname(o.file), { recursive: true });
      this.fd = openSync(o.file, "a");
    }
  }

  /** How many columns a console line may take. */
  get width(): number {
    const c = this.o.columns;
    return c === undefined ? consoleColumns(this.o.out) : typeof c === "number" ? c : c();
  }

  /** Console and file. */
  show(render: Render): void {
    const width = this.width;
    this.toConsole(fitLines(render(this.o.colour ? COLOUR : PLAIN, width), width));
    this.toFile("INFO", render(PLAIN, Infinity));
  }

  info(text: string): void {
    this.show(() => text);
  }

  warn(text: string): void {
    const fitted = fitLines(text, this.width);
    this.toConsole(this.o.colour ? COLOUR.yellow(fitted) : fitted);
    this.toFile("WARN", text);
  }

  /** File only (console too with verbose). */
  debug(text: string): void {
    if (this.o.verbose) {
      const fitted = fitLines(text, this.width);
      this.toConsole(this.o.colour ? COLOUR.dim(fitted) : fitted);
    }
    this.toFile("DEBUG", text);
  }

  /** Whether the console can hold a footer (a terminal). */
  get terminal(): boolean {
    return this.o.terminal ?? this.o.colour;
  }

  /**
   * A line kept under everything else on a terminal (the demo's progress), redrawn in place and
   * below each new line; null removes it. Never written to the log file, nor anywhere but a
   * terminal; cut short of the terminal's width, since a footer that wrapped could not be redrawn.
   */
  footer(text: string | null): void {
    if (!this.terminal) return;
    if (text === null && this.footerText === null) return;
    if (text !== null) text = wrapLine(text, this.width - 1)[0]!;
    this.footerText = text;
    this.o.out.write(`\r${text ?? ""}\x1b[K`);
  }

  close(): void {
    this.footer(null);
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private toConsole(text: string): void {
    if (this.footerText === null) this.o.out.write(text + "\n");
    else this.o.out.write(`\r\x1b[K${text}\n${this.footerText}`);
  }

  private toFile(level: string, text: string): void {
    if (this.fd === null) return;
    const stamp = new Date(this.o.now()).toISOString();
    try {
      writeSync(this.fd, text.split("\n").map((line) => `${stamp} ${level.padEnd(5)} ${line}`).join("\n") + "\n");
    } catch (e) {
      // A full disk or a lost mount must not stop the trader: the console carries on alone.
      const fd = this.fd;
      this.fd = null;
      try {
        closeSync(fd);
      } catch {
        // already unusable
      }
      const why = `cannot write the log file ${this.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; from now on the console only`;
      this.toConsole(this.o.colour ? COLOUR.yellow(why) : why);
    }
  }
}

/** logs/live_trading_20261124T061500Z.log */
export function logFileName(dir: string, prefix: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${dir}/${prefix}_${stamp}.log`;
}
