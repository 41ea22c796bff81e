/**
 * CF Benchmarks index frames as Kalshi's WebSocket sends them (docs.kalshi.com/websockets/
 * cfbenchmarks-value and -5hz, AsyncAPI examples): `cfbenchmarks_value` once a second with the raw
 * CF frame as a JSON string in `data`, the trailing `avg_60s_data` over [t − 60 s, t) counting
 * prior ticks only, and, in a quarter-hour's final minute, `last_60s_windowed_average_15min` over
 * (close − 60 s, close]; `cfbenchmarks_value_5hz` with `value_usd` and `source_ts_ms`. The
 * averages are computed here from the series given, as Kalshi says it computes them.
 */

/** An index series: value (dollars) by source time (ms). */
export type IndexSeries = ReadonlyMap<number, number>;

const avg8 = (xs: readonly number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(8);

/** The `msg` (with seq) of the 1 Hz frame for the tick stamped `t`, as Kalshi would send it `lagMs` later. */
export function oneHzFrame(series: IndexSeries, t: number, seq: number, o: { indexId?: string; lagMs?: number } = {}): Record<string, unknown> {
  const value = series.get(t);
  if (value === undefined) throw new Error(`no index value at ${t}`);
  const prior = [...series].filter(([s]) => s >= t - 60_000 && s < t).map(([, v]) => v);
  const msg: Record<string, unknown> = {
    index_id: o.indexId ?? "BRTI",
    received_at: t + (o.lagMs ?? 35),
    data: JSON.stringify({ type: "value", id: o.indexId ?? "BRTI", time: t, value: value.toFixed(2) }),
    // No prior tick in the window: the average falls back to the tick's own value.
    avg_60s_data: { value: prior.length ? avg8(prior) : value.toFixed(8), window_size: prior.length, window_start_ts_ms: t - 60_000, window_end_ts_exclusive: t },
  };
  const close = Math.ceil(t / 900_000) * 900_000;
  if (t > close - 60_000) {
    const minute = [...series].filter(([s]) => s > close - 60_000 && s <= t).map(([, v]) => v);
    msg.last_60s_windowed_average_15min = { value: avg8(minute), window_size: minute.length, window_start_ts_ms: close - 60_000, window_end_ts_exclusive: t + 1 };
  }
  return { seq, msg };
}

/** The `msg` (with seq) of a 5 Hz frame. */
export function fiveHzFrame(t: number, value: number, seq: number, o: { indexId?: string; lagMs?: number } = {}): Record<string, unknown> {
  const id = o.indexId ?? "BRTI";
  return { seq, msg: { index_id: id, value_usd: value.toFixed(8), source_ts_ms: t, received_at: t + (o.lagMs ?? 20), data: JSON.stringify({ type: "value", id, time: t, value: value.toFixed(2) }) } };
}

/** A 1 Hz series on whole seconds [fromS, toS], each value distinct (a slow walk), dollars with cents. */
export function walkingIndex(fromS: number, toS: number, start = 64_000): Map<number, number> {
  const m = new Map<number, number>();
  for (let s = fromS; s <= toS; s++) m.set(s * 1000, Math.round((start + (s - fromS) * 1.37 + ((s * 7919) % 13) * 0.11) * 100) / 100);
  return m;
}

/** The mean of the values stamped at seconds [a, b] (inclusive), cents, halves up. */
export function meanCents(series: IndexSeries, a: number, b: number): number {
  let sum = 0;
  let n = 0;
  for (let s = a; s <= b; s++) {
    sum += Math.round(series.get(s * 1000)! * 100);
    n++;
  }
  return Math.floor((2 * sum + n) / (2 * n));
}
