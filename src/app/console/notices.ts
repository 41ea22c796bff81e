/**
 * Lines about things that can repeat every second (a flapping feed, a Kalshi outage): shown at
 * once, but at most one per key per interval; the ones held back are counted in the next.
 */
export class Notices {
  private readonly last = new Map<string, { at: number; held: number }>();

  constructor(
    private readonly show: (line: string) => void,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  say(key: string, line: string): void {
    const t = this.now();
    const prev = this.last.get(key);
    if (prev !== undefined && t - prev.at < this.intervalMs) {
      prev.held++;
      return;
    }
    const held = prev?.held ?? 0;
    this.last.set(key, { at: t, held: 0 });
    this.show(held > 0 ? `${line} (+${held} similar in the last ${Math.round((t - prev!.at) / 1000)} s)` : line);
  }
}
