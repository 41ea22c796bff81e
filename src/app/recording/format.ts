import type { AppConfig } from "../../config/schema.ts";
import type { EngineEvent } from "../../domain/events.ts";
import type { TradeJournalRecord, WindowRecord } from "../../domain/records.ts";

/**
 * The recording format's version: a reader refuses a newer one. 2: several series in one
 * recording (each engine event line names its series; the header lists them and each one's
 * journal at the start); a version-1 recording (one series, lines without a series) reads as before.
 */
export const RECORDING_SCHEMA = 2;

/**
 * The first line of every recording file. A session's first file also carries the journal as it
 * was when the session started, so a replay starts from the very state the live engine had.
 */
export interface RecordingHeader {
  readonly type: "header";
  readonly schema: number;
  readonly btc15_version: string;
  /** The session's id: when it started, "20261126T131502Z". */
  readonly session: string;
  /** 0 for the session's first file, then 1, 2… as files rotate. */
  readonly part: number;
  readonly started: string;
  /** The effective configuration (it holds no secret: keys come from the environment only). */
  readonly config: AppConfig;
  readonly market: "kalshi" | "synthetic";
  readonly settlement: "proxy" | "official";
  readonly mode: "paper" | "live";
  /** The trade journal's records when the session started (first file only; version 1: the one series'). */
  readonly journal_at_start?: readonly TradeJournalRecord[];
  /** The series recorded, in order (version 2; absent: the configuration's one series). */
  readonly series?: readonly string[];
  /** Each series' trade journal when the session started (first file only, version 2). */
  readonly journals_at_start?: Readonly<Record<string, readonly TradeJournalRecord[]>>;
  /** A series' price unit's decimal places when the market said they are not the series table's. */
  readonly price_digits?: Readonly<Record<string, number>>;
}

/** An engine event as recorded: with the series whose engine took it (version 2). */
export type RecordedEvent = EngineEvent & { readonly series?: string };

/** The engine takes the event as the live engine did: without the recording's series tag. */
export function stripSeries(e: RecordedEvent): EngineEvent {
  if (e.series === undefined) return e;
  const { series: _series, ...event } = e;
  return event as EngineEvent;
}

/** One price as a source sent it: not fed to the engine, kept to study the feeds. */
export interface RecordedTick {
  readonly type: "tick";
  /** Source name ("coinbase", "kraken-rest"…). */
  readonly s: string;
  /** Price in the source's own quote currency. */
  readonly p: number;
  /** Receive time, ms. */
  readonly r: number;
  /** The venue's own time of the price, ms, when it gave one. */
  readonly v?: number;
  /** Size traded, when the frame carried one. */
  readonly q?: number;
  /** The coin ("ETH"), when not Bitcoin. */
  readonly c?: string;
}

/**
 * A journal write the disk refused, recorded right after the event whose handling tried it: the
 * disk's answers are inputs too, and a replay fails the same writes so it makes the live journal.
 */
export interface RecordedWriteFailure {
  readonly type: "write_failed";
  /** The trade journal (trades.jsonl) or the window records (windows.jsonl). */
  readonly journal: "trades" | "windows";
  /** The record that was not written. */
  readonly record: TradeJournalRecord | WindowRecord;
  readonly error: string;
  /** The series whose journal refused it (version 2). */
  readonly series?: string;
}

export type RecordingLine = RecordingHeader | RecordedTick | RecordedWriteFailure | RecordedEvent;

/** Every engine event type, checked against the union: a new event cannot be forgotten here (and so dropped by replay). */
const EVENT_TYPES: Record<EngineEvent["type"], true> = { second: true, mean: true, gap: true, market: true, book: true, result: true, order: true, kill_switch: true, warm_up: true, stop: true };

/** The engine's event types: every other line (header, tick) is not fed to it. */
export const ENGINE_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(EVENT_TYPES));
