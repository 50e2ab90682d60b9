import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { demoProject, errorCode, originRequests, postQuery, PUBLIC_READ, uniqueTag } from "../support/gateway";
import { jwksUrl, putJwks } from "../support/tokens";

/**
 * Third-party users end to end: a JWT signed by the project's identity provider (a JWKS served by
 * the demo origin), roles mapped to rules, and `sub` forwarded to the origin on /v2 only.
 */
const ISSUER = "https://login.example/";
const AUDIENCE = "content-edge";
const EDITOR = [
  { action: "read", model: "*", stages: ["DRAFT", "PUBLISHED"], locales: "*" },
  { action: ["create", "update"], model: "Post", stages: ["DRAFT"], locales: "*" },
];
let sign: (claims: Record<string, unknown>) => Promise<string>;
let jwks = "";

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  const name = uniqueTag("jwks");
  await putJwks(name, { keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" }] });
  jwks = jwksUrl(name);
  sign = (claims) =>
    new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: "editor-42", roles: ["editor"], exp: Math.floor(Date.now() / 1000) + 600, ...claims })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .sign(pair.privateKey);
});

async function jwtProject() {
  return demoProject({
    publicPermissions: PUBLIC_READ,
    jwt: { jwksUrl: jwks, issuer: ISSUER, audience: AUDIENCE, rolesClaim: "roles", algorithms: ["ES256"] },
    roles: { editor: EDITOR },
  });
}

describe("JWT users through the pipeline", () => {
  it("lets an editor read DRAFT content on /content, without telling the origin who they are", async () => {
    const { tag, content } = await jwtProject();
    const response = await postQuery(
      content,
      { query: "{ posts(stage: DRAFT) { stage } }" },
      { authorization: `Bearer ${await sign({})}` },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toMatch(/private|no-store/);
    const [reached] = await originRequests(tag);
    expect(reached?.headers["gcms-user-id"]).toBeUndefined();
    expect(reached?.headers.authorization).toBeUndefined();
  });

  it("forwards the editor's sub on a /v2 mutation for attribution", async () => {
    const { tag, v2 } = await jwtProject();
    const response = await postQuery(
      v2,
      { query: `mutation { createPost(data: { title: "By JWT", slug: "jwt-${tag}" }) { slug } }` },
      { authorization: `Bearer ${await sign({})}` },
    );
    expect(response.status).toBe(200);
    const [reached] = await originRequests(tag);
    expect(reached?.headers["gcms-user-id"]).toBe("editor-42");
  });

  it.each([
    ["a user with no known role", { roles: ["visitor"] }, 403, "FORBIDDEN"],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 3600 }, 401, "UNAUTHENTICATED"],
    ["another audience", { aud: "someone-else" }, 401, "UNAUTHENTICATED"],
  ])("refuses %s before the origin", async (_name, claims, status, code) => {
    const { tag, content } = await jwtProject();
    const response = await postQuery(
      content,
      { query: "{ posts(stage: DRAFT) { stage } }" },
      { authorization: `Bearer ${await sign(claims)}` },
    );
    expect(response.status).toBe(status);
    expect(await errorCode(response)).toBe(code);
    expect(await originRequests(tag)).toHaveLength(0);
  });
});
