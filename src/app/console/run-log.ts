import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { COLOUR, PLAIN, type Paint } from "./console-format.ts";

/** Something to show: rendered once with colours for a terminal and once plain for the log file. */
export type Render = (paint: Paint) => string;

export interface RunLogOptions {
  /** The log file (created with its directory), or null for none. */
  readonly file: string | null;
  readonly out: { write(text: string): unknown };
  /** Colour the console (only when it is a terminal). */
  readonly colour: boolean;
  /** The console is a terminal, so a line can be redrawn in place (the footer); default: as colour. */
  readonly terminal?: boolean;
  /** Wall clock for log-file timestamps (ms). */
  readonly now: () => number;
  /** Also print debug lines on the console. */
  readonly verbose?: boolean;
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

  /** Console and file. */
  show(render: Render): void {
    this.toConsole(render(this.o.colour ? COLOUR : PLAIN));
    this.toFile("INFO", render(PLAIN));
  }

  info(text: string): void {
    this.show(() => text);
  }

  warn(text: string): void {
    this.toConsole(this.o.colour ? COLOUR.yellow(text) : text);
    this.toFile("WARN", text);
  }

  /** File only (console too with verbose). */
  debug(text: string): void {
    if (this.o.verbose) this.toConsole(this.o.colour ? COLOUR.dim(text) : text);
    this.toFile("DEBUG", text);
  }

  /** Whether the console can hold a footer (a terminal). */
  get terminal(): boolean {
    return this.o.terminal ?? this.o.colour;
  }

  /**
   * A line kept under everything else on a terminal (the demo's progress), redrawn in place and
   * below each new line; null removes it. Never written to the log file, nor anywhere but a
   * terminal: it must be shorter than the terminal is wide.
   */
  footer(text: string | null): void {
    if (!this.terminal) return;
    if (text === null && this.footerText === null) return;
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
