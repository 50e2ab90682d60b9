import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { ADMIN, demoProject, errorCode, originRequests } from "../support/gateway";
import { issueToken } from "../support/tokens";

/**
 * When the permission store cannot be read, the gateway fails closed (SPEC §2): 503, never an
 * answer, never the origin. The gateway runs here with a KV binding whose reads fail, standing in
 * for a KV outage; the project and tokens were configured beforehand through the real KV.
 */
function withFailingKv(failing: "reads" | "writes"): KVNamespace {
  return new Proxy(env.CONFIG, {
    get(target, prop) {
      const fails = failing === "reads" ? ["get", "getWithMetadata", "list"] : ["put", "delete"];
      if (typeof prop === "string" && fails.includes(prop)) return () => Promise.reject(new Error("KV is down"));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function call(path: string, init: RequestInit, kv: KVNamespace): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`http://gateway.test${path}`, init), { ...env, CONFIG: kv }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const post = (query: string, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify({ query }),
});

describe("KV outages fail closed", () => {
  it.each([
    ["a public request", false],
    ["a PAT request", true],
  ])("answers %s with 503 SERVICE_UNAVAILABLE and never reaches the origin", async (_name, withToken) => {
    const { tag, content, projectId } = await demoProject();
    const headers: Record<string, string> = {};
    if (withToken) {
      const { token } = await issueToken(
        { projectId, environment: "master" },
        { name: "t", permissions: [{ action: "read", model: "*" }] },
      );
      headers.authorization = `Bearer ${token}`;
    }
    const response = await call(content, post("{ posts(stage: DRAFT) { title } }", headers), withFailingKv("reads"));
    expect(response.status).toBe(503);
    expect(await errorCode(response)).toBe("SERVICE_UNAVAILABLE");
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("a project change whose KV copy cannot be written still takes effect: the authority holds it, and readers whose KV copy is older ask it", async () => {
    const { projectId } = await demoProject();
    const response = await call(
      `/admin/projects/${projectId}/master`,
      {
        method: "PUT",
        headers: { ...ADMIN, "content-type": "application/json" },
        body: JSON.stringify({ origin: "https://elsewhere.example/graphql" }),
      },
      withFailingKv("writes"),
    );
    expect(response.status).toBe(200);
    // KV still holds the previous configuration …
    const stored = await env.CONFIG.get<{ config: { origin: string } }>(`project:${projectId}:master`, "json");
    expect(stored?.config.origin).not.toBe("https://elsewhere.example/graphql");
    // … but its epoch is older than the authority's, so every reader gets the new one.
    const read = await call(`/admin/projects/${projectId}/master`, { headers: ADMIN }, env.CONFIG);
    expect(((await read.json()) as { origin: string }).origin).toBe("https://elsewhere.example/graphql");
  });
});
