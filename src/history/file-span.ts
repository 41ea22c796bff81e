import { closeSync, openSync, readSync, statSync } from "node:fs";
import { basename } from "node:path";
import { BarCsvParser } from "./bars-csv.ts";

const TAIL_BYTES = 64 * 1024;

/**
 * The open time of a history file's last good bar, read from its last 64 KB only (a month of
 * one-second bars need not be read to know where it ends); null when none is found there.
 */
export function lastBarTimestamp(path: string): number | null {
  const size = statSync(path).size;
  const length = Math.min(size, TAIL_BYTES);
  const buf = Buffer.alloc(length);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  let text = buf.toString("latin1");
  // Only whole lines: the first may be cut by the window.
  if (length < size) text = text.slice(text.indexOf("\n") + 1);
  let last: number | null = null;
  const parser = new BarCsvParser(basename(path), (t) => (last = t));
  parser.push(text);
  parser.end();
  return last;
}
