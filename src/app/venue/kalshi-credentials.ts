import { type KeyObject, createPrivateKey } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { inspect } from "node:util";
import { UserError } from "../../domain/errors.ts";
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

/**
 * Reads the key named by KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH in `env`: null when
 * neither is set (public data only); a clear error when only one is, when the file cannot be
 * read, is readable by group or others, or is not an RSA private key.
 */
export function readKalshiCredentials(env: NodeJS.ProcessEnv): KalshiCredentials | null {
  const keyId = env.KALSHI_API_KEY_ID?.trim() ?? "";
  const path = env.KALSHI_PRIVATE_KEY_PATH?.trim() ?? "";
  if (keyId === "" && path === "") return null;
  if (keyId === "") throw new UserError("KALSHI_PRIVATE_KEY_PATH is set but KALSHI_API_KEY_ID is not: set both, or neither for public data only");
  if (path === "") throw new UserError("KALSHI_API_KEY_ID is set but KALSHI_PRIVATE_KEY_PATH is not: set both, or neither for public data only");
  let mode: number;
  let pem: string;
  try {
    mode = statSync(path).mode;
    pem = readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(`cannot read the private key file named by KALSHI_PRIVATE_KEY_PATH (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    throw new UserError(`the private key file named by KALSHI_PRIVATE_KEY_PATH is readable by group or others (mode ${(mode & 0o777).toString(8)}): run chmod 600 on it`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new UserError("the file named by KALSHI_PRIVATE_KEY_PATH is not a PEM private key");
  }
  if (key.asymmetricKeyType !== "rsa") throw new UserError("the file named by KALSHI_PRIVATE_KEY_PATH is not an RSA private key");
  return new KalshiCredentials(keyId, key);
}
