import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { ADMIN, demoProject, gateway, PUBLIC_READ, uniqueTag } from "./gateway";
import { jwksUrl, putJwks } from "./tokens";

/** The issuer and audience of the test identity provider. */
export const JWT_ISSUER = "https://login.example/";
const JWT_AUDIENCE = "content-edge";

/** Reads every stage, so a JWT request's answer tells its principal apart from the public's. */
const READER = [{ action: "read", model: "*", stages: ["DRAFT", "PUBLISHED"], locales: "*" }];

/**
 * A test identity provider: a fresh ES256 key published as a JWKS on the demo origin, and a signer
 * with sensible claims (`iss`, `aud`, `sub: "user-1"`, `roles: ["reader"]`, issued now, valid 10
 * minutes); `claims` overrides them (`undefined` removes one).
 */
export async function identityProvider(): Promise<{ jwksUrl: string; sign: (claims?: Record<string, unknown>) => Promise<string> }> {
  const pair = await generateKeyPair("ES256", { extractable: true });
  const name = uniqueTag("jwks");
  await putJwks(name, { keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" }] });
  return { jwksUrl: jwksUrl(name), sign: (claims = {}) => signWith(pair.privateKey, claims) };
}

async function signWith(key: CryptoKey, claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    sub: "user-1",
    roles: ["reader"],
    iat: now,
    exp: now + 600,
  };
  for (const [claim, value] of Object.entries(claims)) {
    if (value === undefined) delete payload[claim];
    else payload[claim] = value;
  }
  return new SignJWT(payload).setProtectedHeader({ alg: "ES256", kid: "k1" }).sign(key);
}

/** A demo-origin project that accepts the provider's JWTs (role `reader`: every stage). */
export async function jwtProject(provider: { jwksUrl: string }) {
  const project = await demoProject({
    publicPermissions: PUBLIC_READ,
    jwt: { jwksUrl: provider.jwksUrl, issuer: JWT_ISSUER, audience: JWT_AUDIENCE, rolesClaim: "roles", algorithms: ["ES256"] },
    roles: { reader: READER },
  });
  const base = `/admin/projects/${project.projectId}/master`;
  return {
    ...project,
    /** `POST …/revocations`. */
    revoke: (body: unknown) =>
      gateway(`${base}/revocations`, {
        method: "POST",
        headers: { ...ADMIN, "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    revocations: () => gateway(`${base}/revocations`, { headers: ADMIN }),
    lift: (id: string) => gateway(`${base}/revocations/${encodeURIComponent(id)}`, { method: "DELETE", headers: ADMIN }),
    apps: () => gateway(`${base}/apps`, { headers: ADMIN }),
  };
}
