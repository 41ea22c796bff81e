import { UserError } from "../../../domain/errors.ts";
import type { StaleTakerParams } from "../../../strategy/stale-taker.ts";
import { PART_NAMES, type PartName } from "../parts.ts";

/** One strategy of a comparison: its parts' name, and for the staleness taker its N when given. */
export interface ArmSpec {
  readonly name: PartName;
  /** How it is shown: the name, or "stale_taker:15" with its own N. */
  readonly label: string;
  readonly stale?: Partial<StaleTakerParams>;
}

/** What `--compare` without a list runs. */
export const DEFAULT_COMPARE = "model,fair_value,coin_flip,market";

/**
 * `--compare model,fair_value,coin_flip,market,stale_taker:15`: the strategies to run side by
 * side. `stale_taker:N` sets the taker's N (seconds the book must be unchanged); without it the
 * configuration's strategy.staleTaker.bookAgeSeconds.
 */
export function parseCompareList(text: string): ArmSpec[] {
  const out: ArmSpec[] = [];
  for (const raw of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [name, arg, ...rest] = raw.split(":");
    if (!(PART_NAMES as readonly string[]).includes(name!)) throw new UserError(`--compare: unknown strategy "${name}" (known: ${PART_NAMES.join(", ")})`);
    let stale: Partial<StaleTakerParams> | undefined;
    if (arg !== undefined || rest.length) {
      const n = Number(arg);
      if (name !== "stale_taker" || rest.length || !Number.isInteger(n) || n < 1 || n > 600) {
        throw new UserError(`--compare: "${raw}": only stale_taker takes a value, stale_taker:N with N whole seconds from 1 to 600`);
      }
      stale = { bookAgeSeconds: n };
    }
    if (out.some((a) => a.label === raw)) throw new UserError(`--compare: "${raw}" is listed twice`);
    out.push({ name: name as PartName, label: raw, ...(stale ? { stale } : {}) });
  }
  if (out.length === 0) throw new UserError(`--compare: no strategy named (known: ${PART_NAMES.join(", ")})`);
  return out;
}
