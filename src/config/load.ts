import { readFileSync } from "node:fs";
import type { z } from "zod";
import { UserError } from "../domain/errors.ts";
import { type AppConfig, configSchema } from "./schema.ts";

export class ConfigError extends UserError {}

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

/** Reads and validates a JSON config file. */
export function loadConfigFile(path: string): AppConfig {
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
  return parseConfig(json, `config file ${path}`);
}

export function defaultConfig(): AppConfig {
  return parseConfig({});
}
