import { describe, expect, it } from "vitest";
import { ADMIN, configureProject, demoProject, errorCode, gateway, originRequests, PUBLIC_READ } from "../support/gateway";
import { issueToken, revokeToken } from "../support/tokens";

/**
 * Trying to make the fast path (issue 13) serve what the full path would refuse, through the
 * real Worker and the demo origin. Each case repeats one request until its repeats are answered
 * by the fast path (the third identical request: MISS, then a full-path HIT that primes it), then
 * changes one thing and checks the next answer is what the full path decides.
 */
const QUERY = JSON.stringify({ query: "{ posts(first: 2) { id title } }" });
const send = (path: string, headers: Record<string, string> = {}, body = QUERY) =>
  gateway(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

/** Sends the same request three times: MISS, HIT (full path), HIT (fast path). */
async function warm(path: string, headers: Record<string, string> = {}): Promise<Response[]> {
  const answers: Response[] = [];
  for (let i = 0; i < 3; i++) answers.push(await send(path, headers));
  expect(answers.map((a) => a.headers.get("x-cache"))).toEqual(["MISS", "HIT", "HIT"]);
  return answers;
}

describe("the fast path never serves what the full path would refuse", () => {
  it("a token revoked between two identical requests: 401", async () => {
    const { content, projectId } = await demoProject();
    const ref = { projectId, environment: "master" };
    const { id, token } = await issueToken(ref, { name: "t", permissions: [{ action: "read", model: "*" }] });
    await warm(content, { authorization: `Bearer ${token}` });
    expect((await revokeToken(ref, id)).status).toBe(204);
    const after = await send(content, { authorization: `Bearer ${token}` });
    expect(after.status).toBe(401);
    expect(await errorCode(after)).toBe("UNAUTHENTICATED");
  });

  it("a rule narrowed between two identical requests: 403", async () => {
    const { content, projectId, tag } = await demoProject();
    await warm(content);
    await configureProject(projectId, "master", {
      origin: `https://demo-origin.internal/t/${tag}/graphql`,
      publicPermissions: [{ action: "read", model: "Author" }],
    });
    const after = await send(content);
    expect(after.status).toBe(403);
    expect(await errorCode(after)).toBe("FORBIDDEN");
  });

  it.each([
    ["another gcms-stage", { "gcms-stage": "DRAFT" }, 403],
    ["an invalid gcms-locales", { "gcms-locales": "en]) { id }" }, 400],
    ["a malformed authorization header", { authorization: "Bearer" }, 401],
    ["an unknown token", { authorization: "Bearer cep_notatokenthatexists0000000000000000000" }, 401],
  ])("the same body under %s: the full path's answer", async (_name, headers, status) => {
    const { content } = await demoProject();
    await warm(content);
    expect((await send(content, headers)).status).toBe(status);
  });

  it("the same body under another Accept: its own media type", async () => {
    const { content } = await demoProject();
    const [, , fast] = await warm(content, { accept: "application/json" });
    expect(fast!.headers.get("content-type")).toMatch(/^application\/json/);
    const other = await send(content, { accept: "application/graphql-response+json" });
    expect(other.headers.get("content-type")).toMatch(/^application\/graphql-response\+json/);
  });

  it("the same body from another Origin on a project with an origin policy: 403 ORIGIN_NOT_ALLOWED", async () => {
    const { content } = await demoProject({ allowedOrigins: ["https://site.example"] });
    const [, , fast] = await warm(content, { origin: "https://site.example" });
    expect(fast!.headers.get("access-control-allow-origin")).toBe("https://site.example");
    const other = await send(content, { origin: "https://evil.example" });
    expect(other.status).toBe(403);
    expect(await errorCode(other)).toBe("ORIGIN_NOT_ALLOWED");
  });

  it("the same request from an address the IP firewall denies: 403 IP_NOT_ALLOWED", async () => {
    const { content } = await demoProject({ ipRules: { allow: ["203.0.113.0/24"] } });
    await warm(content, { "cf-connecting-ip": "203.0.113.7" });
    const other = await send(content, { "cf-connecting-ip": "198.51.100.7" });
    expect(other.status).toBe(403);
    expect(await errorCode(other)).toBe("IP_NOT_ALLOWED");
  });

  it("an expired entry is not repeated: the next answer comes from the origin", async () => {
    const { content, tag } = await demoProject({ cache: { maxAge: 1, staleWhileRevalidate: 0, staleIfError: 0 } });
    await warm(content);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = await send(content);
    expect(after.headers.get("x-cache")).toBe("MISS");
    expect(await originRequests(tag)).toHaveLength(2);
  });

  it("a purge between two identical requests: the next answer is a MISS", async () => {
    const { content, projectId } = await demoProject();
    await warm(content);
    const purge = await gateway(`/admin/projects/${projectId}/master/purge`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: "{}",
    });
    expect(purge.status).toBe(200);
    expect((await send(content)).headers.get("x-cache")).toBe("MISS");
  });
});

describe("a fast answer is the full path's answer", () => {
  it("same status, body and headers but for age, Cache-Status and Server-Timing", async () => {
    const { content } = await demoProject({ publicPermissions: PUBLIC_READ, allowedOrigins: ["https://site.example"] });
    const [, full, fast] = await warm(content, { origin: "https://site.example" });
    expect(fast!.status).toBe(full!.status);
    expect(await fast!.text()).toBe(await full!.text());
    const headers = (r: Response) =>
      Object.fromEntries([...r.headers].filter(([name]) => !["age", "cache-status", "server-timing"].includes(name)));
    expect(headers(fast!)).toEqual(headers(full!));
    expect(fast!.headers.get("cache-status")).toMatch(/^content-edge; hit; ttl=\d+$/);
    expect(fast!.headers.get("age")).toMatch(/^\d+$/);
  });

  it("answers If-None-Match on GET with 304, as the full path does", async () => {
    const { content } = await demoProject();
    const path = `${content}?query=${encodeURIComponent("{ posts(first: 1) { id } }")}`;
    const first = await gateway(path);
    const etag = first.headers.get("etag")!;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await gateway(path, { headers: { "if-none-match": etag } }));
    expect(answers.map((a) => a.status)).toEqual([304, 304, 304]);
    expect(answers[2]!.body).toBeNull();
  });
});
