import { GraphQLClient, ClientError } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNpmStart, type NpmStart } from "./support/npm-start";

/**
 * Starts the real `npm start` (wrangler dev with the gateway and the demo origin) on a free port
 * and talks to it over HTTP with a real GraphQL client, as a newcomer would.
 */
let server: NpmStart | undefined;
let base = "";
let adminToken = "";

beforeAll(async () => {
  server = await startNpmStart();
  ({ base, adminToken } = server);
});

afterAll(() => server?.stop());

describe("npm start", () => {
  it("prints the URLs in its banner and never the admin token from the environment", () => {
    const output = server!.output();
    expect(output).toContain(`${base}/content/demo/master`);
    expect(output).toContain(`${base}/v2/demo/master`);
    expect(output).not.toContain(adminToken);
  });

  it("serves published demo posts to a GraphQL client on /content/demo/master", async () => {
    const client = new GraphQLClient(`${base}/content/demo/master`);
    const data = await client.request<{ posts: { title: string; stage: string }[] }>("{ posts { title stage } }");
    expect(data.posts.length).toBeGreaterThan(0);
    expect(data.posts.every((post) => post.stage === "PUBLISHED")).toBe(true);
  });

  it("serves the same over GET", async () => {
    const client = new GraphQLClient(`${base}/content/demo/master`, { method: "GET" });
    const data = await client.request<{ posts: { title: string }[] }>("{ posts { title } }");
    expect(data.posts.length).toBeGreaterThan(0);
  });

  it("refuses a mutation on /content with READ_ONLY_ENDPOINT", async () => {
    const client = new GraphQLClient(`${base}/content/demo/master`);
    const error = await client.request('mutation { deletePost(where: { id: "x" }) { id } }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).response.errors?.[0]?.extensions?.code).toBe("READ_ONLY_ENDPOINT");
  });

  it("answers /healthz", async () => {
    const response = await fetch(`${base}/healthz`);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("follows the banner's preview recipe: a PAT reads DRAFT content that the public cannot", async () => {
    const issued = await fetch(`${base}/admin/projects/demo/master/tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "preview",
        defaultStage: "DRAFT",
        permissions: [{ action: "read", model: "*", stages: ["DRAFT", "PUBLISHED"], locales: "*" }],
      }),
    });
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };
    const preview = new GraphQLClient(`${base}/content/demo/master`, { headers: { authorization: `Bearer ${token}` } });
    const drafts = await preview.request<{ posts: { stage: string }[] }>("{ posts { stage } }");
    expect(drafts.posts.length).toBeGreaterThan(0);
    expect(drafts.posts.every((post) => post.stage === "DRAFT")).toBe(true);
    const anonymous = new GraphQLClient(`${base}/content/demo/master`);
    const refused = await anonymous.request("{ posts(stage: DRAFT) { stage } }").catch((e: unknown) => e);
    expect((refused as ClientError).response.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("builds the pages once: wrangler runs no build of its own, so never a second one", () => {
    const output = server!.output();
    expect(output).not.toContain("[custom build]");
    expect(output).not.toContain("restarting build");
  });

  it("runs beside a second npm start in the same checkout, each with its own admin token", async () => {
    const second = await startNpmStart();
    try {
      const read = (base: string, token: string) =>
        fetch(`${base}/admin/projects/demo/master`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
      expect(await read(second.base, second.adminToken)).toBe(200);
      expect(await read(base, adminToken)).toBe(200);
      expect(await read(second.base, adminToken)).toBe(401);
      expect(await read(base, second.adminToken)).toBe(401);
    } finally {
      second.stop();
    }
  });

  it("lets the operator read the demo project with the admin token from the environment", async () => {
    const response = await fetch(`${base}/admin/projects/demo/master`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { webhookSecret: string }).webhookSecret).toBe("********");
  });
});
