import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";

/**
 * Writes a file atomically: `write` fills a temporary file beside it, which is flushed and then
 * renamed over the old one, so a reader (or a crash) sees the old file or the new, never half.
 */
export function writeAtomic(path: string, write: (fd: number) => void): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    write(fd);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** performance.json and other snapshots: JSON, written atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeAtomic(path, (fd) => writeSync(fd, JSON.stringify(value, null, 2) + "\n"));
}
