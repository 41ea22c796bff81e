import { constants, generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signRequest } from "../../src/kalshi/signing.ts";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const check = (message: string, signature: string) =>
  verify("sha256", Buffer.from(message), { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, Buffer.from(signature, "base64"));

describe("request signing", () => {
  it("signs timestamp + METHOD + path with RSA-PSS SHA-256, verifiable with the public key", () => {
    const h = signRequest({ keyId: "key-1", privateKey }, "get", "/trade-api/v2/portfolio/balance", 1_703_123_456_789);
    expect(h["KALSHI-ACCESS-KEY"]).toBe("key-1");
    expect(h["KALSHI-ACCESS-TIMESTAMP"]).toBe("1703123456789");
    expect(check("1703123456789GET/trade-api/v2/portfolio/balance", h["KALSHI-ACCESS-SIGNATURE"])).toBe(true);
  });

  it("leaves the query string out of the signed message", () => {
    const h = signRequest({ keyId: "k", privateKey }, "GET", "/trade-api/v2/portfolio/fills?order_id=abc", 5);
    expect(check("5GET/trade-api/v2/portfolio/fills", h["KALSHI-ACCESS-SIGNATURE"])).toBe(true);
    expect(check("5GET/trade-api/v2/portfolio/fills?order_id=abc", h["KALSHI-ACCESS-SIGNATURE"])).toBe(false);
  });

  it("does not verify for another method, path or time", () => {
    const sig = signRequest({ keyId: "k", privateKey }, "POST", "/trade-api/v2/portfolio/events/orders", 7)["KALSHI-ACCESS-SIGNATURE"];
    expect(check("7POST/trade-api/v2/portfolio/events/orders", sig)).toBe(true);
    expect(check("7GET/trade-api/v2/portfolio/events/orders", sig)).toBe(false);
    expect(check("8POST/trade-api/v2/portfolio/events/orders", sig)).toBe(false);
  });
});
