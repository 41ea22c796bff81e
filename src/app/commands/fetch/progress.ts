import { etaSeconds, progressText } from "../../console/progress.ts";

/**
 * The fetch's progress on standard error, only on a terminal: a bar, the day being fetched,
 * requests done of those expected, and the time left at the pace so far. The total is an
 * estimate (a day's market count is known only once it is listed), so it can grow.
 */
export class FetchProgress {
  private done = 0;
  private total = 0;
  private label = "";
  private started: number | null = null;
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: { write(text: string): unknown; readonly isTTY?: boolean },
    readonly enabled = Boolean(stream.isTTY),
    private readonly now: () => number = () => performance.now(),
  ) {}

  expect(units: number): void {
    this.started ??= this.now();
    this.total += units;
  }

  /** One unit of work done (a request). */
  step(label: string): void {
    this.done++;
    this.total = Math.max(this.total, this.done);
    this.label = label;
    this.draw();
  }

  finish(): void {
    if (this.drawn) this.stream.write("\r\x1b[K");
    this.drawn = false;
  }

  /** The line as drawn, e.g. "fetch 2026-03-12 [###############               ]  50%  52/104  ETA 12s". */
  line(): string {
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const elapsed = this.started === null ? 0 : (this.now() - this.started) / 1000;
    return progressText(`fetch ${this.label}`, frac, etaSeconds(frac, elapsed), `${this.done}/${this.total}`);
  }

  private draw(): void {
    if (!this.enabled) return;
    const now = this.now();
    if (now - this.lastDraw < 100 && this.done < this.total) return;
    this.lastDraw = now;
    this.stream.write(`\r${this.line()}\x1b[K`);
    this.drawn = true;
  }
}
