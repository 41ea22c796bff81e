import { type Io, PROCESS_IO } from "./io.ts";
import { formatEastern, isoUtc, windowAt } from "../../domain/window.ts";
import { mmss } from "../console/console-format.ts";

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

/** `btc15 window`: the window containing `at` (unix seconds; now without it), as text or JSON. */
export function windowCommand(o: { readonly at?: number; readonly series: string; readonly json?: boolean }, io: Io = PROCESS_IO): void {
  const info = windowInfo(Math.floor(o.at ?? Date.now() / 1000), o.series);
  io.out.write(o.json ? JSON.stringify(info) + "\n" : formatWindowInfo(info) + "\n");
}
