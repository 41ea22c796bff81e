import { z } from "zod";
import { parseTradeRecord, parseWindowRecord } from "../../store/record-schema.ts";
import type { EngineEvent } from "../../domain/events.ts";
import type { RecordingLine } from "./format.ts";

// Each line of a recording is checked before a replay trusts it: a damaged line is named
// (file:line and the field) and skipped, never fed to the engine as something it is not.

const int = z.number().int();
const ms = z.number().finite();
const units = z.number().int().nonnegative();
const level = z.object({ price: units, size: z.number().nonnegative() });
const side = z.enum(["yes", "no"]);
/** The series an event line belongs to (version 2 recordings); absent in version 1. */
const series = z.string().regex(/^[A-Z0-9]+$/).optional();

const second = z.object({
  type: z.literal("second"),
  series,
  second: int,
  cents: z.number().int().positive(),
  carried: z.boolean(),
  exact: z.boolean().optional(),
  source: z.literal("index").optional(),
  proxyCents: z.number().int().positive().optional(),
});
const mean = z.object({ type: z.literal("mean"), series, end: int, cents: z.number().int().positive() });
const gap = z.object({ type: z.literal("gap"), series, from: int, to: int });
const market = z.object({
  type: z.literal("market"),
  series,
  t: ms,
  ticker: z.string().min(1),
  open: int,
  close: int,
  tradable: z.boolean(),
  strikeCents: z.number().int().nullable(),
  ranges: z.array(z.object({ start: units, end: units, step: z.number().int().positive() })).nullable(),
});
const book = z.object({
  type: z.literal("book"),
  series,
  ticker: z.string().min(1),
  requestedMs: ms,
  receivedMs: ms,
  book: z.object({ yes: z.array(level), no: z.array(level) }).nullable(),
});
const result = z.object({
  type: z.literal("result"),
  series,
  t: ms,
  ticker: z.string().min(1),
  close: int,
  result: side,
  settlementCents: z.number().int().nullable(),
  strikeCents: z.number().int().nullable(),
  source: z.string(),
});
const fill = z.object({ side, contracts: z.number().nonnegative(), levels: z.array(z.object({ price: units, contracts: z.number().nonnegative() })), cost: units, fee: units });
const order = z.object({ type: z.literal("order"), series, t: ms, ref: z.string().min(1), fill: fill.nullable(), error: z.string().nullable() });
const killSwitch = z.object({ type: z.literal("kill_switch"), series, t: ms, on: z.boolean() });
const warmUp = z.object({ type: z.literal("warm_up"), series, on: z.boolean() });
const stop = z.object({ type: z.literal("stop"), series, t: ms });
const header = z.object({
  type: z.literal("header"),
  schema: int,
  btc15_version: z.string(),
  session: z.string().min(1),
  part: int.nonnegative(),
  started: z.string(),
  config: z.record(z.string(), z.unknown()),
  market: z.enum(["kalshi", "synthetic"]),
  settlement: z.enum(["proxy", "official"]),
  mode: z.enum(["paper", "live"]),
  journal_at_start: z.array(z.unknown()).optional(),
  series: z.array(z.string().regex(/^[A-Z0-9]+$/)).min(1).optional(),
  journals_at_start: z.record(z.string(), z.array(z.unknown())).optional(),
  price_digits: z.record(z.string(), z.number().int().min(0).max(8)).optional(),
});
const writeFailed = z.object({ type: z.literal("write_failed"), series, journal: z.enum(["trades", "windows"]), record: z.record(z.string(), z.unknown()), error: z.string() });
const tick = z.object({ type: z.literal("tick"), s: z.string(), p: z.number(), r: ms, v: ms.optional(), q: z.number().optional(), c: z.string().optional() });

/** One schema per engine event type: a new event type cannot be left out (replay would drop its lines). */
const events = { second, mean, gap, market, book, result, order, kill_switch: killSwitch, warm_up: warmUp, stop } satisfies Record<EngineEvent["type"], z.ZodType>;
const line = z.discriminatedUnion("type", [events.second, events.mean, events.gap, events.market, events.book, events.result, events.order, events.kill_switch, events.warm_up, events.stop, header, writeFailed, tick]);

/** A recording line, checked; throws an Error naming the field that is wrong. */
export function parseRecordingLine(value: unknown): RecordingLine {
  const r = line.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
    throw new Error(`not a valid ${typeof type === "string" ? `"${type}" line` : "recording line"} (${issue?.path.join(".") || "line"}: ${issue?.message ?? "invalid"})`);
  }
  const v = value as RecordingLine;
  // The journal's own records are checked by the journal's own rules.
  if (v.type === "header") {
    v.journal_at_start?.forEach((rec, i) => check(() => parseTradeRecord(rec), `journal_at_start.${i}`));
    for (const [s, list] of Object.entries(v.journals_at_start ?? {})) list.forEach((rec, i) => check(() => parseTradeRecord(rec), `journals_at_start.${s}.${i}`));
  }
  if (v.type === "write_failed") check(() => (v.journal === "trades" ? parseTradeRecord(v.record) : parseWindowRecord(v.record)), "record");
  // Lines are passed on as written (validation strips nothing), so a replayed record is the very one recorded.
  return v;
}

function check(parse: () => unknown, where: string): void {
  try {
    parse();
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
  }
}
