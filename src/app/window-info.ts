import { formatEastern, isoUtc, windowAt } from "../domain/window.ts";
import { mmss } from "./console-format.ts";

export interface WindowInfo {
  readonly ticker: string;
  readonly open: string;
  readonly close: string;
  readonly open_et: string;
  readonly close_et: string;
  readonly seconds_left: number;
}

/** The window containing the instant `at` (unix s). */
export function windowInfo(at: number, series: string): WindowInfo {
  const w = windowAt(at, series);
  return {
    ticker: w.ticker,
    open: isoUtc(w.open),
    close: isoUtc(w.close),
    open_et: formatEastern(w.open),
    close_et: formatEastern(w.close),
    seconds_left: w.close - at,
  };
}

export function formatWindowInfo(w: WindowInfo): string {
  return [
    `ticker        ${w.ticker}`,
    `open          ${w.open}  (${w.open_et})`,
    `close         ${w.close}  (${w.close_et})`,
    `seconds left  ${w.seconds_left}  (${mmss(w.seconds_left)})`,
  ].join("\n");
}
