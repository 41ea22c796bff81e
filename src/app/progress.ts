import { mmss } from "./console-format.ts";

/**
 * A one-line progress bar on standard error, drawn only on a terminal and at most ten times a
 * second, so piped or captured output stays clean. After a second it shows the time left,
 * assuming the rest goes as fast as what is done.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  private readonly started = performance.now();

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream,
    readonly enabled = Boolean(stream.isTTY),
  ) {}

  update(done: number, total: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const full = Math.round(frac * width);
    const elapsed = (now - this.started) / 1000;
    const eta = frac > 0 && frac < 1 && elapsed >= 1 ? `  ETA ${mmss((elapsed * (1 - frac)) / frac)}` : "";
    this.stream.write(`\r${this.label} [${"#".repeat(full)}${" ".repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}%${eta}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write("\r\x1b[K");
    this.drawn = false;
  }
}
