import { esc } from "./svg.ts";

/** A table cell: its text, and optionally a `data-field` name (tests read figures by it) and a class. */
export type Cell = string | { readonly text: string; readonly field?: string; readonly cls?: string };

/** A plain data table: the numbers beside each chart, readable without the picture. */
export function table(caption: string, head: readonly string[], rows: readonly (readonly Cell[])[], cls = ""): string {
  const cell = (c: Cell, tag: "td" | "th") => {
    if (typeof c === "string") return `<${tag}>${esc(c)}</${tag}>`;
    const attrs = `${c.field ? ` data-field="${esc(c.field)}"` : ""}${c.cls ? ` class="${esc(c.cls)}"` : ""}`;
    return `<${tag}${attrs}>${esc(c.text)}</${tag}>`;
  };
  const headRow = head.length ? `<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead>` : "";
  const body = rows.map((r) => `<tr>${r.map((c, i) => cell(c, i === 0 && head.length === 0 ? "th" : "td")).join("")}</tr>`).join("");
  return `<table${cls ? ` class="${esc(cls)}"` : ""}><caption>${esc(caption)}</caption>${headRow}<tbody>${body}</tbody></table>`;
}
