import { readFileSync } from "node:fs";
import type { z } from "zod";
import { UserError } from "../domain/errors.ts";
import { FEEDS_ENV } from "./feeds-schema.ts";
import { KALSHI_ENV } from "./kalshi-schema.ts";
import { type AppConfig, configSchema } from "./schema.ts";

export class ConfigError extends UserError {}

/** Environment variables that set a configuration value: name → dotted setting path. */
export const CONFIG_ENV: Readonly<Record<string, string>> = {
  BTC15_DATA_DIR: "dataDir",
  BTC15_BALANCE: "balance",
  BTC15_SERIES: "series",
  ...prefixed("feeds", FEEDS_ENV),
  ...prefixed("kalshi", KALSHI_ENV),
};

function prefixed(section: string, table: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(table).map(([name, path]) => [name, `${section}.${path}`]));
}

/** One line per problem, each naming the setting: "strategy.minEdge: must be between 0 and 0.5 (got 2)". */
export function describeIssues(error: z.ZodError, input: unknown): string[] {
  return error.issues.map((i) => {
    if (i.code === "unrecognized_keys") {
      const where = i.path.length ? `${i.path.join(".")}.` : "";
      return `${i.keys.map((k) => where + k).join(", ")}: unknown setting`;
    }
    const path = i.path.join(".") || "(top level)";
    let got: unknown = input;
    for (const k of i.path) got = got !== null && typeof got === "object" ? (got as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
    const shown = got === undefined ? "" : ` (got ${JSON.stringify(got)})`;
    return `${path}: ${i.message}${shown}`;
  });
}

/** Validates a configuration object (defaults fill what is missing). */
export function parseConfig(input: unknown, origin = "configuration"): AppConfig {
  const r = configSchema.safeParse(input ?? {});
  if (!r.success) throw new ConfigError(`${origin} is invalid:\n  ${describeIssues(r.error, input).join("\n  ")}`);
  return r.data;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new ConfigError(`config file ${path} must hold a JSON object`);
  return json as Record<string, unknown>;
}

/** Reads and validates a JSON config file. */
export function loadConfigFile(path: string): AppConfig {
  return parseConfig(readConfigFile(path), `config file ${path}`);
}

export function defaultConfig(): AppConfig {
  return parseConfig({});
}

/** Sets a dotted path in a plain object, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let o = target;
  for (const k of keys.slice(0, -1)) {
    const next = o[k];
    o = (o[k] = next !== null && typeof next === "object" && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
  }
  o[keys.at(-1)!] = value;
}

/** Overlays `over` on `base` key by key (objects merge, everything else replaces). */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v !== null && typeof v === "object" && !Array.isArray(v) && b !== null && typeof b === "object" && !Array.isArray(b) ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** Settings from environment variables; a value that reads as JSON (5, true, ["a"]) is taken as such. */
export function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(CONFIG_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string, e.g. a URL
    }
    setPath(out, path, value);
  }
  return out;
}

export interface ConfigSources {
  /** A JSON file the user named (--config). */
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, as a partial configuration object. */
  readonly flags?: Record<string, unknown>;
}

/** The effective configuration: defaults, then the file, then the environment, then flags. */
export function resolveConfig(s: ConfigSources = {}): AppConfig {
  let merged: Record<string, unknown> = {};
  if (s.file) merged = deepMerge(merged, readConfigFile(s.file));
  if (s.env) merged = deepMerge(merged, envOverrides(s.env));
  if (s.flags) merged = deepMerge(merged, s.flags);
  const origin = s.file ? `configuration (file ${s.file}, environment and flags)` : "configuration (environment and flags)";
  return parseConfig(merged, origin);
}
