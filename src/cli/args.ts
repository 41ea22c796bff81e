import { InvalidArgumentError } from "commander";
import { parseSeriesList } from "../domain/series.ts";

/** An ISO-8601 time; without a zone it is read as UTC. Returns unix seconds. Years 1970–9999 only. */
export function parseIsoTime(text: string): number {
  const withZone = /[zZ]$|[+-]\d\d:?\d\d$/.test(text) || /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`not an ISO-8601 time: ${text} (e.g. 2024-12-01 or 2024-12-01T12:00:00Z)`);
  const year = new Date(ms).getUTCFullYear();
  if (year < 1970 || year > 9999) throw new InvalidArgumentError(`year ${year} is out of range (1970–9999): ${text}`);
  return Math.floor(ms / 1000);
}

/** A time a window can be named for: a ticker writes its year in two digits, so 2000–2099. */
export function windowTimeArg(text: string): number {
  const t = parseIsoTime(text);
  const year = new Date(t * 1000).getUTCFullYear();
  if (year < 2000 || year > 2099) throw new InvalidArgumentError(`year ${year} is out of range: a ticker writes the year in two digits, so 2000–2099`);
  return t;
}

/** One or more series btc15 knows, comma-separated ("KXBTC15M,KXETH15M"): upper-cased, checked, joined again. */
export function seriesListArg(text: string): string {
  try {
    return parseSeriesList(text).join(",");
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

/** A Kalshi series ticker: letters and digits ("KXBTC15M"), upper-cased. */
export function seriesArg(text: string): string {
  const series = text.trim().toUpperCase();
  if (!/^[A-Z0-9]{1,40}$/.test(series)) throw new InvalidArgumentError(`not a series ticker (letters and digits, like KXBTC15M): ${text}`);
  return series;
}
