/**
 * Lines that fit the terminal. Each formatter makes its line short enough for the width it is
 * given where it can (the status line drops fields, a settlement goes on two lines); this is the
 * net under them: a line still too wide is broken between words, never inside a number, and
 * carried on under its own value column.
 */

/** The width a console is assumed to have when it does not say (a pipe, a log viewer). */
export const DEFAULT_COLUMNS = 80;

/** The width of a console: a terminal's own; else $COLUMNS when set (the shell's convention), else 80. */
export function consoleColumns(out: { readonly isTTY?: boolean; readonly columns?: number }, env: NodeJS.ProcessEnv = {}): number {
  if (out.isTTY && typeof out.columns === "number" && out.columns > 0) return out.columns;
  const given = Number(env.COLUMNS);
  return Number.isInteger(given) && given > 0 ? given : DEFAULT_COLUMNS;
}

// Colour codes: ESC [ … letter (built from a string: a control character in a literal pattern reads as a mistake).
const ESC = String.fromCharCode(27);
const ESCAPE = new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, "g");
const UNIT = new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]|[\\s\\S]`, "gu");

/** Columns a line takes on a terminal: colour codes take none, every other character one. */
export function visibleWidth(s: string): number {
  let n = 0;
  for (const _ of s.replace(ESCAPE, "")) n++;
  return n;
}

/**
 * Where a line's continuation starts: under its value when the line is "label   value" (two or
 * more spaces after a short label), else two spaces in from the line's own indent.
 */
function hangingIndent(line: string, width: number): number {
  const plain = line.replace(ESCAPE, "");
  const lead = /^ */.exec(plain)![0].length;
  const labelled = /^ *\S+(?: \S+)* {2,}/.exec(plain);
  if (labelled !== null && labelled[0].length <= Math.min(24, width / 3)) return labelled[0].length;
  return Math.min(lead + 2, Math.floor(width / 3));
}

/** A word too long for any line, cut at the width (colour codes kept whole). */
function cut(word: string, room: number): string[] {
  const parts: string[] = [];
  let part = "";
  let n = 0;
  for (const unit of word.match(UNIT) ?? []) {
    const w = unit.startsWith(ESC) ? 0 : 1;
    if (n + w > room) {
      parts.push(part);
      part = "";
      n = 0;
    }
    part += unit;
    n += w;
  }
  if (part) parts.push(part);
  return parts;
}

/** One line as lines of at most `width` columns, broken at spaces. */
export function wrapLine(line: string, width: number): string[] {
  if (!Number.isFinite(width) || visibleWidth(line) <= width) return [line];
  const indent = hangingIndent(line, width);
  const pad = " ".repeat(indent);
  const out: string[] = [];
  let current = "";
  let used = 0;
  // Split on single spaces so runs of spaces inside a line (aligned columns) survive.
  const words = line.split(" ");
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const w = visibleWidth(word);
    const start = out.length === 0 && i === 0;
    if (start) {
      current = word;
      used = w;
    } else if (used + 1 + w <= width) {
      current += " " + word;
      used += 1 + w;
    } else if (word === "") {
      continue; // spaces at a break are dropped
    } else {
      out.push(current.trimEnd());
      current = pad + word;
      used = indent + w;
    }
    while (used > width) {
      const pieces = cut(current, width);
      out.push(...pieces.slice(0, -1));
      current = pad + pieces.at(-1)!.trimStart();
      used = visibleWidth(current);
      if (pieces.length === 1) break;
    }
  }
  out.push(current.trimEnd());
  return out;
}

/** Every line of `text` fitted to `width`. */
export function fitLines(text: string, width: number): string {
  if (!Number.isFinite(width)) return text;
  return text
    .split("\n")
    .flatMap((l) => wrapLine(l, width))
    .join("\n");
}
