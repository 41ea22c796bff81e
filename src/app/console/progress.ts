import { duration } from "./number-style.ts";

/**
 * "label [#########                     ]  30%  ETA 2m 05s": the bar and, when known, the time
 * left. `note` goes between the percentage and the ETA.
 */
export function progressText(label: string, fraction: number, etaSeconds: number | null, note = ""): string {
  const frac = Math.min(1, Math.max(0, fraction));
  const width = 30;
  const full = Math.round(frac * width);
  const eta = etaSeconds !== null && frac < 1 ? `  ETA ${duration(etaSeconds)}` : "";
  return `${label} [${"#".repeat(full)}${" ".repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}%${note ? `  ${note}` : ""}${eta}`;
}

/** Time left if the rest goes as fast as what is done; null until a second has passed. */
export function etaSeconds(fraction: number, elapsedSeconds: number): number | null {
  return fraction > 0 && fraction < 1 && elapsedSeconds >= 1 ? (elapsedSeconds * (1 - fraction)) / fraction : null;
}

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
    private readonly stream: { write(text: string): unknown; readonly isTTY?: boolean },
    readonly enabled = Boolean(stream.isTTY),
  ) {}

  update(done: number, total: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    this.stream.write(`\r${progressText(this.label, frac, etaSeconds(frac, (now - this.started) / 1000))}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write("\r\x1b[K");
    this.drawn = false;
  }
}
