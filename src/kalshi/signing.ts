import { type KeyObject, constants, sign } from "node:crypto";

/** What signs a request: the key id and the RSA private key, never logged. */
export interface SigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

export type SignedHeaders = Record<"KALSHI-ACCESS-KEY" | "KALSHI-ACCESS-TIMESTAMP" | "KALSHI-ACCESS-SIGNATURE", string>;

/**
 * Kalshi's request signature: RSA-PSS with SHA-256 (salt = digest length) over
 * timestamp + METHOD + path, the path with its /trade-api/v2 prefix and without the query.
 */
export function signRequest(key: SigningKey, method: string, path: string, timestampMs: number): SignedHeaders {
  const bare = path.split("?")[0]!;
  const ts = String(Math.trunc(timestampMs));
  const signature = sign("sha256", Buffer.from(ts + method.toUpperCase() + bare), {
    key: key.privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  });
  return { "KALSHI-ACCESS-KEY": key.keyId, "KALSHI-ACCESS-TIMESTAMP": ts, "KALSHI-ACCESS-SIGNATURE": signature.toString("base64") };
}
