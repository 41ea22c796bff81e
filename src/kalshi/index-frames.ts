import { z } from "zod";
import type { Money } from "../domain/money.ts";
import { isKnownSeries, seriesSpec } from "../domain/series.ts";
import { KalshiParseError, parseDollarsNear } from "./wire.ts";

/**
 * The settlement index on Kalshi's WebSocket (with a key): CF Benchmarks' values, e.g. BRTI for
 * KXBTC15M. `cfbenchmarks_value` sends one value a second with two averages; `cfbenchmarks_value_5hz`
 * raw values up to five a second. Read here into exact money units (1/10,000 dollar).
 */

/** One of Kalshi's averages: its value and the ticks it counted in [startMs, endExclusiveMs). */
export interface IndexAverage {
  readonly value: Money;
  readonly size: number;
  readonly startMs: number;
  readonly endExclusiveMs: number;
}

export interface IndexValue {
  readonly channel: "1hz" | "5hz";
  /** "BRTI", "ETHUSD_RTI"… */
  readonly indexId: string;
  /** CF Benchmarks' own time of the value (the upstream frame's `time`, or `source_ts_ms`), ms. */
  readonly sourceMs: number;
  /** When Kalshi received it (`received_at`), ms. */
  readonly kalshiMs: number;
  readonly value: Money;
  /** 1 Hz only: the trailing 60-s average over [source − 60 s, source) (`avg_60s_data`). */
  readonly avg60: IndexAverage | null;
  /** 1 Hz only, in a quarter-hour's last minute: the settlement accumulator over (close − 60 s, close] (`last_60s_windowed_average_15min`). */
  readonly finalMinute: IndexAverage | null;
}

const ms = z.number().int().positive();
const decimal = z.union([z.string(), z.number()]).transform((v) => String(v));
const average = z.object({ value: decimal, window_size: z.number().int().nonnegative(), window_start_ts_ms: ms, window_end_ts_exclusive: ms });
const raw = z.object({ time: ms.optional(), value: decimal.optional() });

const oneHz = z.object({
  msg: z.object({ index_id: z.string().min(1), received_at: ms, data: z.string(), avg_60s_data: average.nullish(), last_60s_windowed_average_15min: average.nullish() }),
});
const fiveHz = z.object({ msg: z.object({ index_id: z.string().min(1), value_usd: decimal, source_ts_ms: ms, received_at: ms }) });

function readAverage(a: z.output<typeof average> | null | undefined): IndexAverage | null {
  if (a === null || a === undefined) return null;
  return { value: parseDollarsNear(a.value), size: a.window_size, startMs: a.window_start_ts_ms, endExclusiveMs: a.window_end_ts_exclusive };
}

function positive(value: string, what: string): Money {
  const v = parseDollarsNear(value);
  if (!(v > 0)) throw new KalshiParseError(`${what} is not a positive price: ${value}`);
  return v;
}

function issues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ");
}

/**
 * A `cfbenchmarks_value` or `cfbenchmarks_value_5hz` frame, or null for any other frame type;
 * throws KalshiParseError for one of these two that cannot be read. The 1 Hz frame carries the
 * value inside `data`, CF Benchmarks' own frame as a JSON string; its source time is that frame's
 * `time` (else the trailing average's exclusive end, which the docs define as the source time).
 */
export function readIndexFrame(json: unknown): IndexValue | null {
  const type = json !== null && typeof json === "object" ? (json as { type?: unknown }).type : undefined;
  if (type === "cfbenchmarks_value_5hz") {
    const r = fiveHz.safeParse(json);
    if (!r.success) throw new KalshiParseError(issues(r.error));
    const m = r.data.msg;
    return { channel: "5hz", indexId: m.index_id, sourceMs: m.source_ts_ms, kalshiMs: m.received_at, value: positive(m.value_usd, "value_usd"), avg60: null, finalMinute: null };
  }
  if (type !== "cfbenchmarks_value") return null;
  const r = oneHz.safeParse(json);
  if (!r.success) throw new KalshiParseError(issues(r.error));
  const m = r.data.msg;
  let inner: z.output<typeof raw>;
  try {
    const parsed = raw.safeParse(JSON.parse(m.data));
    if (!parsed.success) throw new KalshiParseError(`data: ${issues(parsed.error)}`);
    inner = parsed.data;
  } catch (e) {
    throw e instanceof KalshiParseError ? e : new KalshiParseError("data is not CF Benchmarks' JSON frame");
  }
  if (inner.value === undefined) throw new KalshiParseError("data has no value");
  const avg60 = readAverage(m.avg_60s_data);
  const sourceMs = inner.time ?? avg60?.endExclusiveMs;
  if (sourceMs === undefined) throw new KalshiParseError("no source time (data.time)");
  return { channel: "1hz", indexId: m.index_id, sourceMs, kalshiMs: m.received_at, value: positive(inner.value, "data.value"), avg60, finalMinute: readAverage(m.last_60s_windowed_average_15min) };
}

/** The index Kalshi settles a series on (the series table's): KXBTC15M on BRTI, KXETH15M on ETHUSD_RTI, and so on. */
export function settlementIndexOf(series: string): string | null {
  return isKnownSeries(series) ? seriesSpec(series).index : null;
}
