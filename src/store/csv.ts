import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { constants, createGzip } from "node:zlib";
import { nodeFileOps, writeAll } from "./file-ops.ts";
import { writeAtomic, writeAtomicAsync } from "./snapshot.ts";

export type CsvValue = string | number | boolean | null | undefined;

/** Quotes a field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (row: readonly CsvValue[]): string => row.map(csvField).join(",") + "\n";

/** Writes rows under a header, atomically (temporary file then rename). */
export function writeCsv(path: string, columns: readonly string[], rows: Iterable<readonly CsvValue[]>): number {
  let n = 0;
  writeAtomic(path, (fd) => {
    let buf = csvLine(columns);
    for (const row of rows) {
      buf += csvLine(row);
      n++;
      if (buf.length > 1 << 16) {
        writeAll(nodeFileOps, fd, Buffer.from(buf));
        buf = "";
      }
    }
    if (buf) writeAll(nodeFileOps, fd, Buffer.from(buf));
  });
  return n;
}

/**
 * The same for rows that arrive asynchronously (read from a large file): written through a
 * stream, gzip-compressed when `gzip` is set, and atomically. Returns the number of rows.
 */
export async function writeCsvAsync(path: string, columns: readonly string[], rows: AsyncIterable<readonly CsvValue[]>, options: { gzip?: boolean; gzipLevel?: number } = {}): Promise<number> {
  let n = 0;
  async function* text(): AsyncGenerator<string> {
    let buf = csvLine(columns);
    for await (const row of rows) {
      buf += csvLine(row);
      n++;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = "";
      }
    }
    yield buf;
  }
  await writeAtomicAsync(path, async (tmp) => {
    if (options.gzip) await pipeline(text, createGzip({ level: options.gzipLevel ?? constants.Z_DEFAULT_COMPRESSION }), createWriteStream(tmp));
    else await pipeline(text, createWriteStream(tmp));
  });
  return n;
}
