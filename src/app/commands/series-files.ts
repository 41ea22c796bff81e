import { UserError } from "../../domain/errors.ts";

/**
 * Files given per series on the command line (--data, --quotes): `SERIES=PATH` names a series'
 * file, a plain PATH is the first series'. A series not traded is refused, naming the ones that are.
 */
export function filesBySeries(flag: string, items: readonly string[] | undefined, series: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of items ?? []) {
    const m = /^([A-Za-z0-9]+)=(.+)$/.exec(item);
    const s = m === null ? series[0]! : m[1]!.toUpperCase();
    if (!series.includes(s)) throw new UserError(`${flag} ${item}: ${s} is not one of the series traded (${series.join(", ")}; --series sets them)`);
    (out[s] ??= []).push(m === null ? item : m[2]!);
  }
  return out;
}
