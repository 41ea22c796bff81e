import { describe, expect, it, vi } from "vitest";
import { RecordingLineParser } from "../../src/app/recording/line-parser.ts";
import { parseRecordingLine } from "../../src/app/recording/schema.ts";
import { rng } from "../helpers.ts";

/** What the schema alone says of a line: the value, or that it is refused. */
function bySchema(text: string): { ok: true; json: string } | { ok: false } {
  try {
    return { ok: true, json: JSON.stringify(parseRecordingLine(JSON.parse(text))) };
  } catch {
    return { ok: false };
  }
}

function byParser(p: RecordingLineParser, text: string): { ok: true; json: string } | { ok: false } {
  try {
    return { ok: true, json: JSON.stringify(p.parse(text)) };
  } catch {
    return { ok: false };
  }
}

const T = "KXBTC15M-26NOV020015-15";
/** A book line as the recorder writes it; `times` is what follows "requestedMs": up to the book. */
const book = (yes: string, no: string, times = '1793577601720,"receivedMs":1793577601870') => `{"type":"book","ticker":"${T}","requestedMs":${times},"book":{"yes":${yes},"no":${no}}}`;
const lvl = (p: string | number, s: string | number) => `{"price":${p},"size":${s}}`;

const LINES = [
  '{"type":"second","second":1793577600,"cents":6400012,"carried":false}',
  '{"type":"second","second":1793577600,"cents":6400012,"carried":true,"exact":false}',
  '{"type":"second","second":-5,"cents":1,"carried":false}',
  '{"type":"second","second":1793577600,"cents":0,"carried":false}',
  '{"type":"second","second":1793577600,"cents":-3,"carried":false}',
  '{"type":"second","second":1793577600.5,"cents":6400012,"carried":false}',
  '{"type":"second","second":1793577600,"cents":1e3,"carried":false}',
  '{"type":"second","second":1793577600,"cents":99999999999999999999,"carried":false}',
  '{"type":"second","second":1793577600,"cents":6400012,"carried":"no"}',
  '{"type":"second","second":1793577600,"cents":6400012}',
  '{"type":"second","second":01,"cents":6400012,"carried":false}',
  '{"type":"second","second":1,"cents":6400012,"carried":false,"source":"index","proxyCents":6400001}',
  '{"type":"second","second":1793577600,"cents":6400012,"carried":false,"series":"KXBTC15M"}',
  '{"type":"second","second":1793577600,"cents":6400012,"carried":true,"exact":true,"series":"KXETH15M"}',
  '{"type":"second","second":1793577600,"cents":6400012,"carried":false,"series":"kxbtc"}',
  book(`[${lvl(4100, 10)},${lvl(4200, 5.5)}]`, `[${lvl(5600, 3)}]`),
  book(`[${lvl(4100, 10)},${lvl(4200, 5.5)}]`, `[${lvl(5600, 3)}]`, '1793577602720,"receivedMs":1793577602870'),
  book(`[${lvl(4100, 10)},${lvl(4200, 5.5)}]`, `[${lvl(5600, 3)}]`, '1793577603720.5,"receivedMs":1e12'),
  book(`[${lvl(4100, 10)},${lvl(4200, 5.5)}]`, `[${lvl(5600, 3)}]`, '1793577603720,"receivedMs":"x"'),
  book(`[${lvl(4100.5, 10)}]`, "[]"),
  book(`[${lvl(4100, -1)}]`, "[]"),
  book(`[${lvl('"4100"', 1)}]`, "[]"),
  book(`[{"price":4100}]`, "[]"),
  book(`[{"price":4100,"size":1,"x":2}]`, "[]"),
  book("[]", "[]"),
  book("{}", "[]"),
  `{"type":"book","ticker":"${T}","requestedMs":1,"receivedMs":2,"book":null}`,
  `{"type":"book","ticker":"${T}","requestedMs":1,"receivedMs":2,"book":{"yes":[],"no":[]},"extra":true}`,
  `{"type":"book","ticker":"${T}","requestedMs":3,"receivedMs":4,"book":{"yes":[],"no":[]},"extra":true}`,
  `{"type":"book","ticker":"${T}","requestedMs":5,"receivedMs":6,"book":{"yes":[],"no":[]},"book":null}`,
  `{"type":"book","ticker":"","requestedMs":1,"receivedMs":2,"book":null}`,
  `{"type":"book","ticker":"A\\"B","requestedMs":1,"receivedMs":2,"book":{"yes":[],"no":[]}}`,
  `{"type":"book","ticker":"A\\"B","requestedMs":7,"receivedMs":8,"book":{"yes":[],"no":[]}}`,
  `{"type":"book","ticker":"${T}","requestedMs":1,"receivedMs":2}`,
  '{"type":"mean","end":1793577600,"cents":6400012}',
  '{"type":"gap","from":1,"to":"2"}',
  "not json",
];

describe("the fast path for a recording's common lines", () => {
  it("accepts exactly what the schema accepts, and hands on the very same line", () => {
    const p = new RecordingLineParser();
    for (const line of [...LINES, ...LINES]) expect(byParser(p, line), line).toEqual(bySchema(line));
  });

  it("reads a second line as the recorder writes it, tagged with its series or not, without JSON.parse", () => {
    const p = new RecordingLineParser();
    const parse = vi.spyOn(JSON, "parse");
    try {
      expect(p.parse('{"type":"second","second":1793577600,"cents":6400012,"carried":false,"series":"KXBTC15M"}')).toEqual({ type: "second", second: 1793577600, cents: 6400012, carried: false, series: "KXBTC15M" });
      expect(p.parse('{"type":"second","second":1793577600,"cents":6400012,"carried":true,"exact":false}')).toEqual({ type: "second", second: 1793577600, cents: 6400012, carried: true, exact: false });
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it("agrees on lines cut and changed at random, a book seen before or not", () => {
    const random = rng(17);
    const p = new RecordingLineParser();
    const base = LINES.slice(0, 3).concat(LINES[12]!, LINES[13]!);
    for (let i = 0; i < 3000; i++) {
      let line = base[Math.floor(random() * base.length)]!;
      const at = Math.floor(random() * line.length);
      const edit = random();
      if (edit < 0.3) line = line.slice(0, at) + line.slice(at + 1);
      else if (edit < 0.6) line = line.slice(0, at) + "0123456789-.e,:{}[]\"x"[Math.floor(random() * 21)] + line.slice(at + 1);
      else if (edit < 0.7) line = line.slice(0, at);
      expect(byParser(p, line), line).toEqual(bySchema(line));
    }
  });
});
