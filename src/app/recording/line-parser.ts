import type { BookEvent, SecondEvent } from "../../domain/events.ts";
import type { BookLevel } from "../../domain/quote.ts";
import { RECORDING_SCHEMA, type RecordingLine } from "./format.ts";
import { parseRecordingLine } from "./schema.ts";

// A recorded day is mostly two kinds of line, a second's price and a book, one each a second.
// Checking them through the general schema costs more than the engine does with them, so they
// have a fast path here that accepts exactly what the schema accepts (anything else goes to the
// schema, which accepts it or names what is wrong); a test holds the two to the same answers.

/** `{"type":"second","second":S,"cents":C,"carried":B}` as the recorder writes it, optionally `,"exact":B`, then `,"series":"…"` (a shared recording's tag). */
const SECOND = /^\{"type":"second","second":(-?(?:0|[1-9]\d*)),"cents":([1-9]\d*),"carried":(true|false)(?:,"exact":(true|false))?(?:,"series":"([A-Z0-9]+)")?\}$/;
const BOOK_HEAD = '{"type":"book","ticker":"';
/** A number as JSON writes it. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const isLevel = (l: unknown): l is BookLevel => {
  if (typeof l !== "object" || l === null) return false;
  const { price, size } = l as { price?: unknown; size?: unknown };
  return typeof price === "number" && Number.isSafeInteger(price) && price >= 0 && typeof size === "number" && Number.isFinite(size) && size >= 0;
};
const isLevels = (v: unknown): v is BookLevel[] => Array.isArray(v) && v.every(isLevel);

/** A parsed book line the schema would accept (its extra fields, if any, kept as they are). */
function isBookEvent(v: Record<string, unknown>): v is BookEvent & Record<string, unknown> {
  if (typeof v.ticker !== "string" || v.ticker.length === 0) return false;
  if (typeof v.requestedMs !== "number" || !Number.isFinite(v.requestedMs) || typeof v.receivedMs !== "number" || !Number.isFinite(v.receivedMs)) return false;
  if (v.book === null) return true;
  if (typeof v.book !== "object" || v.book === undefined) return false;
  const b = v.book as { yes?: unknown; no?: unknown };
  return isLevels(b.yes) && isLevels(b.no);
}

/**
 * Parses and checks the lines of one recording file, in order. A book whose text is the same as
 * the last one of its market in this file (a REST poll of a book that did not change) is not
 * parsed again: the same checked line is handed on with the new times (the book object shared:
 * nothing downstream changes a book).
 */
export class RecordingLineParser {
  private readonly lastBook = new Map<string, { readonly text: string; readonly event: BookEvent }>();

  /** The line, checked; throws an Error naming what is wrong (as parseRecordingLine does). */
  parse(text: string): RecordingLine {
    const s = SECOND.exec(text);
    if (s !== null) {
      const second = Number(s[1]);
      const cents = Number(s[2]);
      if (Number.isSafeInteger(second) && Number.isSafeInteger(cents)) {
        const e: { -readonly [K in keyof SecondEvent]: SecondEvent[K] } & { series?: string } = { type: "second", second, cents, carried: s[3] === "true" };
        if (s[4] !== undefined) e.exact = s[4] === "true";
        if (s[5] !== undefined) e.series = s[5];
        return e;
      }
    }
    if (text.startsWith(BOOK_HEAD)) {
      const reused = this.sameBook(text);
      if (reused !== null) return reused;
    }
    const raw = JSON.parse(text) as Record<string, unknown> | null;
    if (raw !== null && typeof raw === "object" && raw.type === "book" && isBookEvent(raw)) {
      this.remember(text, raw);
      return raw;
    }
    // A newer format's header is passed on as it is, to be refused by its version, not its shape.
    if (raw?.type === "header" && typeof raw.schema === "number" && raw.schema > RECORDING_SCHEMA) return raw as unknown as RecordingLine;
    return parseRecordingLine(raw);
  }

  /** The book part of a recorder's book line: `,"book":…` to the end, and where its head ends. */
  private static split(text: string): { ticker: string; requested: string; received: string; book: string } | null {
    const tickerEnd = text.indexOf('"', BOOK_HEAD.length);
    if (tickerEnd <= BOOK_HEAD.length) return null;
    const ticker = text.slice(BOOK_HEAD.length, tickerEnd);
    if (ticker.includes("\\")) return null;
    const req = '","requestedMs":';
    if (!text.startsWith(req, tickerEnd)) return null;
    const reqEnd = text.indexOf(",", tickerEnd + req.length);
    const rec = ',"receivedMs":';
    if (reqEnd < 0 || !text.startsWith(rec, reqEnd)) return null;
    const recEnd = text.indexOf(",", reqEnd + rec.length);
    if (recEnd < 0 || !text.startsWith(',"book":', recEnd)) return null;
    return { ticker, requested: text.slice(tickerEnd + req.length, reqEnd), received: text.slice(reqEnd + rec.length, recEnd), book: text.slice(recEnd) };
  }

  private sameBook(text: string): BookEvent | null {
    const parts = RecordingLineParser.split(text);
    if (parts === null) return null;
    const last = this.lastBook.get(parts.ticker);
    if (last === undefined || last.text !== parts.book || !JSON_NUMBER.test(parts.requested) || !JSON_NUMBER.test(parts.received)) return null;
    const requestedMs = Number(parts.requested);
    const receivedMs = Number(parts.received);
    if (!Number.isFinite(requestedMs) || !Number.isFinite(receivedMs)) return null;
    // The same text but for the two times parses to the same line but for them (any other field included).
    return { ...last.event, requestedMs, receivedMs };
  }

  private remember(text: string, e: BookEvent): void {
    if (e.book === null) {
      this.lastBook.delete(e.ticker);
      return;
    }
    const parts = RecordingLineParser.split(text);
    if (parts === null || parts.ticker !== e.ticker) return;
    this.lastBook.delete(e.ticker);
    this.lastBook.set(e.ticker, { text: parts.book, event: e });
    if (this.lastBook.size > 16) this.lastBook.delete(this.lastBook.keys().next().value!);
  }
}
