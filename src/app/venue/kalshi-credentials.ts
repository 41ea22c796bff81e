import { type KeyObject, createPrivateKey } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { inspect } from "node:util";
import { UserError } from "../../domain/errors.ts";
import type { KalshiEnvironment } from "../../config/kalshi-schema.ts";
import type { SigningKey } from "../../kalshi/signing.ts";

/**
 * A Kalshi API key: its id and RSA private key. Neither is ever printed: JSON, inspection and
 * string conversion all show a placeholder, and no error names the id or the file's path.
 */
export class KalshiCredentials implements SigningKey {
  readonly #keyId: string;
  readonly #privateKey: KeyObject;

  constructor(keyId: string, privateKey: KeyObject) {
    this.#keyId = keyId;
    this.#privateKey = privateKey;
  }

  get keyId(): string {
    return this.#keyId;
  }

  get privateKey(): KeyObject {
    return this.#privateKey;
  }

  toJSON(): string {
    return "[Kalshi credentials]";
  }

  toString(): string {
    return "[Kalshi credentials]";
  }

  [inspect.custom](): string {
    return "[Kalshi credentials]";
  }
}

/** The environment variables that name a key: production's, or the demo exchange's own (its keys are separate). */
export function keyVariables(kalshiEnv: KalshiEnvironment = "production"): { readonly id: string; readonly path: string } {
  return kalshiEnv === "demo" ? { id: "KALSHI_DEMO_API_KEY_ID", path: "KALSHI_DEMO_PRIVATE_KEY_PATH" } : { id: "KALSHI_API_KEY_ID", path: "KALSHI_PRIVATE_KEY_PATH" };
}

/**
 * Reads the key named by KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH in `env` (for Kalshi's
 * demo exchange, KALSHI_DEMO_API_KEY_ID and KALSHI_DEMO_PRIVATE_KEY_PATH): null when neither is
 * set (public data only); a clear error when only one is, when the file cannot be read, is
 * readable by group or others, or is not an RSA private key.
 */
export function readKalshiCredentials(env: NodeJS.ProcessEnv, kalshiEnv: KalshiEnvironment = "production"): KalshiCredentials | null {
  const v = keyVariables(kalshiEnv);
  const keyId = env[v.id]?.trim() ?? "";
  const path = env[v.path]?.trim() ?? "";
  if (keyId === "" && path === "") return null;
  if (keyId === "") throw new UserError(`${v.path} is set but ${v.id} is not: set both, or neither for public data only`);
  if (path === "") throw new UserError(`${v.id} is set but ${v.path} is not: set both, or neither for public data only`);
  let mode: number;
  let pem: string;
  try {
    mode = statSync(path).mode;
    pem = readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(`cannot read the private key file named by ${v.path} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    throw new UserError(`the private key file named by ${v.path} is readable by group or others (mode ${(mode & 0o777).toString(8)}): run chmod 600 on it`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new UserError(`the file named by ${v.path} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== "rsa") throw new UserError(`the file named by ${v.path} is not an RSA private key`);
  return new KalshiCredentials(keyId, key);
}
