import { z } from "zod";

/** A number in [min, max] with a default; the message names the allowed range. */
export function num(min: number, max: number, def: number, opts: { int?: boolean } = {}) {
  let s = z.number({ error: `must be a number between ${min} and ${max}` });
  if (opts.int) s = s.int({ error: `must be a whole number between ${min} and ${max}` });
  return s.min(min, { error: `must be between ${min} and ${max}` }).max(max, { error: `must be between ${min} and ${max}` }).default(def);
}

/** A whole number in [min, max] with a default. */
export function int(min: number, max: number, def: number) {
  return num(min, max, def, { int: true });
}
