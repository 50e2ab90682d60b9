import { describe, expect, it } from "vitest";
import { ADMIN, configureProject, demoOrigin, demoProject, gateway, originRequests, postQuery, PUBLIC_READ } from "../support/gateway";

/** The per-project IP firewall (`ipRules`, SPEC §3b) on CF-Connecting-IP, through the whole gateway. */
const QUERY = "{ posts(first: 1) { title } }";
const from = (ip: string | undefined, headers: Record<string, string> = {}) =>
  ip === undefined ? headers : { "cf-connecting-ip": ip, ...headers };

async function refusal(response: Response) {
  const body = (await response.json()) as { errors: { extensions: { code: string; reason: string } }[] };
  return { status: response.status, ...body.errors[0]!.extensions };
}

describe("ipRules", () => {
  it.each<[string, Record<string, unknown>, string | undefined, { status: number; code?: string; reason?: string }]>([
    ["a denied IPv4 address", { deny: ["203.0.113.0/24"] }, "203.0.113.50", { status: 403, code: "IP_NOT_ALLOWED", reason: "denied" }],
    ["a denied IPv6 address", { deny: ["2001:db8::/32"] }, "2001:db8:0:1::9", { status: 403, code: "IP_NOT_ALLOWED", reason: "denied" }],
    [
      "an address outside the allow list",
      { allow: ["198.51.100.0/24"] },
      "192.0.2.1",
      { status: 403, code: "IP_NOT_ALLOWED", reason: "not-allowed" },
    ],
    ["an allowed IPv4 address", { allow: ["198.51.100.0/24"] }, "198.51.100.20", { status: 200 }],
    ["an allowed IPv6 address", { allow: ["2001:db8:abcd::/48"] }, "2001:db8:abcd:12::1", { status: 200 }],
    ["an address next to a denied one", { deny: ["203.0.113.0/25"] }, "203.0.113.200", { status: 200 }],
    [
      "no CF-Connecting-IP while rules exist",
      { deny: ["203.0.113.0/24"] },
      undefined,
      { status: 403, code: "IP_NOT_ALLOWED", reason: "no-client-address" },
    ],
  ])("%s", async (_name, ipRules, ip, expected) => {
    const { content, tag } = await demoProject({ ipRules });
    const response = await postQuery(content, { query: QUERY }, from(ip));
    if (expected.status === 200) {
      expect(response.status).toBe(200);
      expect(await originRequests(tag)).toHaveLength(1);
    } else {
      expect(await refusal(response)).toMatchObject(expected);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await originRequests(tag)).toHaveLength(0);
    }
  });

  it("refuses before anything else: no parsing, no authentication, no CORS, on /content and /v2 and preflights", async () => {
    const { content, v2, tag } = await demoProject({ ipRules: { deny: ["203.0.113.0/24"] } });
    const denied = from("203.0.113.9", { origin: "https://www.example.com" });
    const responses = [
      // A body that is not JSON would be a 400; a bad token a 401; a mutation on /content a 400.
      await gateway(content, { method: "POST", headers: { ...denied, "content-type": "application/json" }, body: "{ nope" }),
      await postQuery(content, { query: QUERY }, { ...denied, authorization: "Bearer cep_not_a_token" }),
      await postQuery(content, { query: 'mutation { deletePost(where: { id: "x" }) { id } }' }, denied),
      await postQuery(v2, { query: QUERY }, denied),
      await gateway(v2, { method: "OPTIONS", headers: { ...denied, "access-control-request-method": "POST" } }),
    ];
    for (const response of responses) {
      expect(await refusal(response)).toMatchObject({ status: 403, code: "IP_NOT_ALLOWED", reason: "denied" });
      expect([...response.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    }
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("a denied address never receives an answer cached for others", async () => {
    const { content } = await demoProject({ ipRules: { deny: ["203.0.113.0/24"] } });
    const warm = await postQuery(content, { query: QUERY }, from("198.51.100.1"));
    expect(warm.headers.get("x-cache")).toBe("MISS");
    expect((await postQuery(content, { query: QUERY }, from("198.51.100.1"))).headers.get("x-cache")).toBe("HIT");
    const denied = await postQuery(content, { query: QUERY }, from("203.0.113.1"));
    expect(denied.status).toBe(403);
  });

  it("leaves the admin API to admin auth alone", async () => {
    const { projectId } = await demoProject({ ipRules: { allow: ["198.51.100.0/24"] } });
    const response = await gateway(`/admin/projects/${projectId}/master`, { headers: { ...ADMIN, ...from("203.0.113.9") } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { ipRules: unknown }).ipRules).toEqual({ allow: ["198.51.100.0/24"] });
  });

  it("takes effect with the configuration: lifting the rule lets the address in", async () => {
    const project = await demoProject({ ipRules: { deny: ["203.0.113.0/24"] } });
    expect((await postQuery(project.content, { query: QUERY }, from("203.0.113.9"))).status).toBe(403);
    await configureProject(project.projectId, "master", { origin: demoOrigin(project.tag), publicPermissions: PUBLIC_READ });
    expect((await postQuery(project.content, { query: QUERY }, from("203.0.113.9"))).status).toBe(200);
  });
});
