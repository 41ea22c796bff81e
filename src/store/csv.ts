import { writeSync } from "node:fs";
import { writeAtomic } from "./snapshot.ts";

export type CsvValue = string | number | boolean | null | undefined;

/** Quotes a field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes rows under a header, atomically (temporary file then rename). */
export function writeCsv(path: string, columns: readonly string[], rows: Iterable<readonly CsvValue[]>): number {
  let n = 0;
  writeAtomic(path, (fd) => {
    writeSync(fd, columns.map(csvField).join(",") + "\n");
    let buf = "";
    for (const row of rows) {
      buf += row.map(csvField).join(",") + "\n";
      n++;
      if (buf.length > 1 << 16) {
        writeSync(fd, buf);
        buf = "";
      }
    }
    if (buf) writeSync(fd, buf);
  });
  return n;
}
