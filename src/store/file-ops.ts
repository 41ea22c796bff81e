import { fsyncSync, ftruncateSync, writeSync } from "node:fs";

/**
 * The three calls a journal append makes. Node's by default; a test passes its own to play a
 * disk that fills in the middle of a line.
 */
export interface FileOps {
  /** Writes up to `length` bytes at the end of the file; returns how many were written. */
  write(fd: number, data: Uint8Array, offset: number, length: number): number;
  fsync(fd: number): void;
  truncate(fd: number, length: number): void;
}

export const nodeFileOps: FileOps = {
  write: (fd, data, offset, length) => writeSync(fd, data, offset, length),
  fsync: (fd) => fsyncSync(fd),
  truncate: (fd, length) => ftruncateSync(fd, length),
};

/**
 * Writes every byte of `data` or throws. The system may write fewer bytes than asked (a short
 * write); the rest is written by further calls, and a call that writes nothing is a failure.
 */
export function writeAll(ops: FileOps, fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) {
    const n = ops.write(fd, data, done, data.length - done);
    if (!(n > 0)) throw new Error(`short write: ${done} of ${data.length} bytes written`);
    done += n;
  }
}
