/**
 * The KXBTC15M window schedule. A window opens at :00/:15/:30/:45 UTC and lasts 15 minutes.
 * Its ticker names the CLOSE time in US Eastern time (EDT or EST):
 * KXBTC15M-{YY}{MON}{DD}{HHMM}-{MM}, e.g. 18:30–18:45 UTC on 2026-04-27 is
 * KXBTC15M-26APR271445-45 (14:45 EDT). Times here are unix seconds.
 */
export const WINDOW_SECONDS = 900;
export const DEFAULT_SERIES = "KXBTC15M";

export interface Window {
  readonly series: string;
  readonly open: number;
  readonly close: number;
  readonly ticker: string;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;

/**
 * US Eastern time by the rule in force since 2007: daylight time (UTC−4) from the second Sunday
 * of March at 02:00 EST (07:00 UTC) to the first Sunday of November at 02:00 EDT (06:00 UTC),
 * standard time (UTC−5) otherwise. Arithmetic, not a time-zone database lookup, because it runs
 * for every window of every backtest; a test checks it against the time-zone database hour by
 * hour over many years.
 */
export function easternOffsetHours(unixSeconds: number): number {
  const year = new Date(unixSeconds * 1000).getUTCFullYear();
  const [start, end] = dstBounds(year);
  return unixSeconds >= start && unixSeconds < end ? -4 : -5;
}

const dstCache = new Map<number, [number, number]>();

function dstBounds(year: number): [number, number] {
  let b = dstCache.get(year);
  if (b === undefined) {
    const march1 = new Date(Date.UTC(year, 2, 1)).getUTCDay(); // 0 = Sunday
    const secondSunday = 1 + ((7 - march1) % 7) + 7;
    const nov1 = new Date(Date.UTC(year, 10, 1)).getUTCDay();
    const firstSunday = 1 + ((7 - nov1) % 7);
    b = [Date.UTC(year, 2, secondSunday, 7) / 1000, Date.UTC(year, 10, firstSunday, 6) / 1000];
    dstCache.set(year, b);
  }
  return b;
}

const easternFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZoneName: "short",
});

/** A moment's wall-clock reading in US Eastern time. */
export interface EasternTime {
  readonly year: number;
  readonly month: number; // 1–12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** "EDT" or "EST". */
  readonly zone: string;
}

export function easternTime(unixSeconds: number): EasternTime {
  const offset = easternOffsetHours(unixSeconds);
  const d = new Date((unixSeconds + offset * 3600) * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    zone: offset === -4 ? "EDT" : "EST",
  };
}

/** The same reading from the time-zone database (Intl), for checking the rule. */
export function easternTimeFromTzdb(unixSeconds: number): EasternTime {
  const parts: Record<string, string> = {};
  for (const p of easternFormat.formatToParts(new Date(unixSeconds * 1000))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    zone: parts.timeZoneName ?? "ET",
  };
}

/** "2026-04-27 14:45:00 EDT" */
export function formatEastern(unixSeconds: number): string {
  const e = easternTime(unixSeconds);
  const d = (n: number) => String(n).padStart(2, "0");
  return `${e.year}-${d(e.month)}-${d(e.day)} ${d(e.hour)}:${d(e.minute)}:${d(e.second)} ${e.zone}`;
}

/** ISO-8601 UTC without milliseconds: "2026-04-27T18:45:00Z". */
export function isoUtc(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");
}

export function windowOpenAt(unixSeconds: number): number {
  return Math.floor(unixSeconds / WINDOW_SECONDS) * WINDOW_SECONDS;
}

/** The ticker of the window that closes at `close` (a multiple of 900). */
export function tickerForClose(close: number, series = DEFAULT_SERIES): string {
  if (close % WINDOW_SECONDS !== 0) throw new RangeError(`not a window boundary: ${close}`);
  const e = easternTime(close);
  const d = (n: number) => String(n).padStart(2, "0");
  return `${series}-${d(e.year % 100)}${MONTHS[e.month - 1]}${d(e.day)}${d(e.hour)}${d(e.minute)}-${d(e.minute)}`;
}

/** The window containing the instant `unixSeconds` (open ≤ t < close). */
export function windowAt(unixSeconds: number, series = DEFAULT_SERIES): Window {
  const open = windowOpenAt(unixSeconds);
  const close = open + WINDOW_SECONDS;
  return { series, open, close, ticker: tickerForClose(close, series) };
}

export function windowClosingAt(close: number, series = DEFAULT_SERIES): Window {
  return { series, open: close - WINDOW_SECONDS, close, ticker: tickerForClose(close, series) };
}

export interface ParsedTicker {
  readonly series: string;
  /**
   * Close times (unix seconds) that carry this ticker. One, except in the hour repeated when
   * daylight saving time ends (e.g. 01:15 on 2026-11-01 is both EDT and EST), where Kalshi's
   * naming is not documented and both candidates are returned, earlier first.
   */
  readonly closes: readonly number[];
}

const TICKER = /^([A-Z0-9]+)-(\d{2})([A-Z]{3})(\d{2})(\d{2})(\d{2})-(\d{2})$/;

export class TickerError extends Error {}

/** Parses a market ticker back to its close time(s). */
export function parseTicker(ticker: string): ParsedTicker {
  const m = TICKER.exec(ticker);
  if (!m) throw new TickerError(`not a 15-minute market ticker: ${JSON.stringify(ticker)}`);
  const [, series, yy, mon, dd, hh, mi, suffix] = m as unknown as [string, string, string, string, string, string, string, string];
  const month = MONTHS.indexOf(mon as (typeof MONTHS)[number]) + 1;
  if (month === 0) throw new TickerError(`unknown month ${mon} in ${ticker}`);
  if (mi !== suffix) throw new TickerError(`close minute ${mi} and suffix ${suffix} differ in ${ticker}`);
  const year = 2000 + Number(yy);
  const [day, hour, minute] = [Number(dd), Number(hh), Number(mi)];
  if (minute % 15 !== 0 || hour > 23) throw new TickerError(`not a quarter-hour close in ${ticker}`);
  // Eastern time is UTC−4 (EDT) or UTC−5 (EST): keep each reading that maps back to this wall clock.
  const closes: number[] = [];
  for (const offsetHours of [4, 5]) {
    const t = Date.UTC(year, month - 1, day, hour + offsetHours, minute) / 1000;
    const e = easternTime(t);
    if (e.year === year && e.month === month && e.day === day && e.hour === hour && e.minute === minute) closes.push(t);
  }
  if (closes.length === 0) throw new TickerError(`no such Eastern time (skipped by daylight saving) in ${ticker}`);
  closes.sort((a, b) => a - b);
  return { series, closes };
}
