import { type Io, PROCESS_IO } from "./io.ts";
import type { AppConfig } from "../../config/schema.ts";
import { type ConfigSources, envOverrides, resolveConfig } from "../../config/load.ts";
import { readFileSync } from "node:fs";

export interface ConfigLine {
  readonly setting: string;
  readonly value: unknown;
  readonly source: string;
}

function flatten(o: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (o !== null && typeof o === "object" && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, o);
  return out;
}

/** The effective configuration, one line per setting, with where its value came from. */
export function configReport(s: ConfigSources): { config: AppConfig; lines: ConfigLine[] } {
  const config = resolveConfig(s);
  const file = s.file ? flatten(JSON.parse(readFileSync(s.file, "utf8"))) : new Map();
  const env = s.env ? flatten(envOverrides(s.env)) : new Map();
  const flags = s.flags ? flatten(s.flags) : new Map();
  const lines = [...flatten(config)].map(([setting, value]) => ({
    setting,
    value,
    source: flags.has(setting) ? "flag" : env.has(setting) ? "environment" : file.has(setting) ? `file ${s.file}` : "default",
  }));
  return { config, lines };
}

export function formatConfigReport(lines: readonly ConfigLine[]): string {
  const w = Math.max(...lines.map((l) => l.setting.length));
  const v = Math.max(...lines.map((l) => JSON.stringify(l.value).length));
  return lines.map((l) => `${l.setting.padEnd(w)}  ${JSON.stringify(l.value).padEnd(v)}  ${l.source}`).join("\n");
}

/** `btc15 config`: the effective configuration, each value with where it came from (or JSON). */
export function configCommand(o: { readonly file?: string; readonly flags: Record<string, unknown>; readonly json?: boolean }, io: Io = PROCESS_IO): void {
  const { config, lines } = configReport({ file: o.file, env: io.env, flags: o.flags });
  io.out.write((o.json ? JSON.stringify(config, null, 2) : formatConfigReport(lines)) + "\n");
}
