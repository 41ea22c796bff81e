import { UserError } from "../domain/errors.ts";

const CAUSES: Record<string, string> = {
  ENOSPC: "disk full",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is not a directory",
  ENOENT: "no such file or directory",
  EIO: "input/output error",
  EMFILE: "too many open files",
};

/** Why a file operation failed, in a few words and the system's code: "disk full (ENOSPC)". */
export function fsCause(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code !== "string") return message;
  // Node's own message is "ENOSPC: no space left on device, write": keep its words when we have none.
  const words = CAUSES[code] ?? message.replace(new RegExp(`^${code}:\\s*`), "").replace(/,.*$/, "");
  return `${words} (${code})`;
}

/**
 * A file the store had to write could not be written whole. One line naming the file and the
 * cause; a UserError, so the command line prints it without a stack trace.
 */
export class StoreWriteError extends UserError {
  override name = "StoreWriteError";

  constructor(readonly path: string, readonly reason: string) {
    super(`cannot write to ${path}: ${reason}`);
  }
}

/** A journal line did not reach the disk whole: the record it carried does not count. */
export class JournalWriteError extends StoreWriteError {
  override name = "JournalWriteError";
}
