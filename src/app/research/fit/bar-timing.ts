/**
 * How a minute-bar file's time stamps line up with Kalshi's official results. The product reads
 * a stamp as the bar's open, so a bar's close is the price at stamp + 60 s. If that is right, our
 * own up/down call of each window from the closes agrees best with the official results when the
 * closes are read as they are (shift 0); if the file stamps each bar by its close instead, reading
 * the closes one minute later than the product does (shift +1) agrees best, and the product then
 * sees every price a minute later than it could (more lag, never look-ahead). A best shift below
 * 0 would mean the product sees prices before their time.
 */
export interface BarTiming {
  /** Windows where every shift had the bars it needs (the same windows for every shift). */
  readonly windows: number;
  /** Share of those windows where our call from the closes matches the official result, by shift in minutes. */
  readonly agreement: readonly { readonly shiftMinutes: number; readonly rate: number }[];
  /** The shift with the highest agreement. */
  readonly best: number;
}

export const TIMING_SHIFTS: readonly number[] = [-2, -1, 0, 1, 2];

/** A missing minute takes the latest close up to this many minutes before it, as the backtest carries a price over a silence (300 s). */
export const CARRY_MINUTES = 5;

function closeAt(closes: ReadonlyMap<number, number>, stamp: number): number | undefined {
  for (let k = 0; k <= CARRY_MINUTES; k++) {
    const c = closes.get(stamp - 60 * k);
    if (c !== undefined) return c;
  }
  return undefined;
}

/**
 * @param closes bar close by stamp (unix s), one-minute bars
 * @param results official outcome (true = up) by window close (unix s)
 *
 * With closes only, the 60-s average before an instant x is taken as the mean of the prices at
 * x − 60 and x: crude, but the same for every shift, and only the comparison between shifts counts.
 * A window counts only when every shift has its four prices.
 */
export function barTiming(closes: ReadonlyMap<number, number>, results: ReadonlyMap<number, boolean>, shifts: readonly number[] = TIMING_SHIFTS): BarTiming {
  const agree = shifts.map(() => 0);
  let windows = 0;
  for (const [close, up] of results) {
    const open = close - 900;
    const calls: boolean[] = [];
    for (const s of shifts) {
      const at = (x: number) => closeAt(closes, x - 60 + s * 60);
      const p = [at(open - 60), at(open), at(close - 60), at(close)];
      if (p.some((v) => v === undefined)) break;
      const [a, b, c, d] = p as [number, number, number, number];
      calls.push(c + d >= a + b);
    }
    if (calls.length < shifts.length) continue;
    windows++;
    calls.forEach((call, i) => {
      if (call === up) agree[i]!++;
    });
  }
  const agreement = shifts.map((shiftMinutes, i) => ({ shiftMinutes, rate: windows === 0 ? NaN : agree[i]! / windows }));
  let best = shifts[0]!;
  let bestRate = -1;
  for (const a of agreement) if (a.rate > bestRate) [best, bestRate] = [a.shiftMinutes, a.rate];
  return { windows, agreement, best };
}
