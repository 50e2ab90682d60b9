import { env } from "cloudflare:workers";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from "jose";
import { expect } from "vitest";
import { DEMO_HOST } from "./tokens";

/**
 * Cloudflare Access assertions for tests. The demo origin plays the Access team: it serves
 * `GET /cdn-cgi/access/certs` (demo/src/jwks.ts), so a team domain of {@link DEMO_HOST} verifies
 * against the keys test files add there.
 */
export const ACCESS_TEAM = DEMO_HOST;
export const ACCESS_ISSUER = `https://${ACCESS_TEAM}`;
/** An AUD tag of the shape Access gives an application (64 hex digits). */
export const ACCESS_AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";

export interface AccessKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as Access publishes it: `kid`, `alg: RS256`, `use: sig`. */
  jwk: JWK;
}

/** A fresh RS256 key pair with a random `kid` (not yet published). */
export async function accessKey(): Promise<AccessKey> {
  const pair = await generateKeyPair("RS256", { extractable: true });
  const kid = crypto.randomUUID().replaceAll("-", "");
  return { ...pair, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: "RS256", use: "sig" } };
}

/**
 * Adds `keys` to the demo origin's Access certs. Appended, not replaced: test files share the one
 * set, and replacing it would drop another file's keys.
 */
export async function publishAccessKeys(...keys: AccessKey[]): Promise<void> {
  const response = await env.DEMO_ORIGIN.fetch(`https://${DEMO_HOST}/__origin/jwks/access`, {
    method: "POST",
    body: JSON.stringify({ keys: keys.map((key) => key.jwk) }),
  });
  expect(response.status).toBe(200);
}

/**
 * An assertion as Access sends a signed-in user's (`Cf-Access-Jwt-Assertion`), issued at `nowSeconds`
 * and valid for a day; `claims` overrides, `undefined` removes a claim.
 */
export function signAccess(
  key: AccessKey,
  nowSeconds: number,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const payload: JWTPayload = {
    aud: [ACCESS_AUD],
    email: "alice@example.com",
    exp: nowSeconds + 86_400,
    iat: nowSeconds,
    nbf: nowSeconds,
    iss: ACCESS_ISSUER,
    type: "app",
    identity_nonce: "6ei69kawdKzMIAPF",
    sub: "7335d417-61da-459d-899c-0a01c76a2f94",
    country: "DE",
  };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) delete payload[name];
    else payload[name] = value;
  }
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: key.jwk.kid as string, typ: "JWT", ...header }).sign(key.privateKey);
}

/** The claims of a service token's assertion: `common_name` (its client id), an empty `sub`, no e-mail. */
export function serviceTokenClaims(clientId: string): Record<string, unknown> {
  return { email: undefined, common_name: clientId, sub: "" };
}
