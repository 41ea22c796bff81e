import { closeSync, fsyncSync, openSync, renameSync, rmSync } from "node:fs";
import { nodeFileOps, writeAll } from "./file-ops.ts";
import { StoreWriteError, fsCause } from "./write-error.ts";

/** The temporary file a write fills before it replaces `path`; the pid tells whose it is. */
export function tempPath(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

/**
 * Writes a file atomically: `write` fills a temporary file beside it, which is flushed and then
 * renamed over the old one, so a reader (or a crash) sees the old file or the new, never half.
 * On failure the temporary file is removed, the old file is left as it was, and a
 * StoreWriteError names the file and the cause.
 */
export function writeAtomic(path: string, write: (fd: number) => void): void {
  const tmp = tempPath(path);
  try {
    const fd = openSync(tmp, "w");
    try {
      write(fd);
    } finally {
      closeSync(fd);
    }
    commit(tmp, path);
  } catch (e) {
    abandon(tmp, path, e);
  }
}

/** The same, for a writer that takes its time (it yields while it reads its input). */
export async function writeAtomicAsync(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = tempPath(path);
  try {
    await write(tmp);
    commit(tmp, path);
  } catch (e) {
    abandon(tmp, path, e);
  }
}

/** The whole temporary file on disk, then in place of the old one in one step. */
function commit(tmp: string, path: string): void {
  const fd = openSync(tmp, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** A write that failed leaves no temporary file behind and says which file it was for. */
function abandon(tmp: string, path: string, e: unknown): never {
  rmSync(tmp, { force: true });
  throw e instanceof StoreWriteError ? e : new StoreWriteError(path, fsCause(e));
}

/** performance.json and other snapshots: JSON, written atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeAtomic(path, (fd) => writeAll(nodeFileOps, fd, Buffer.from(JSON.stringify(value, null, 2) + "\n")));
}
