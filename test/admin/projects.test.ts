import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { projectKey } from "../../src/projects/store";
import { ADMIN, demoOrigin, errorCode, gateway, originRequests, uniqueTag } from "../support/gateway";

const put = (path: string, body: unknown, headers: Record<string, string> = ADMIN) =>
  gateway(path, {
    method: "PUT",
    headers: { ...headers, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("admin API: project configuration", () => {
  it("stores a configuration, applies defaults, and reads it back with secrets masked", async () => {
    const path = `/admin/projects/${uniqueTag()}/master`;
    const response = await put(path, {
      origin: "https://api.example.com/v2/x/master",
      originToken: "secret-origin-token",
      webhookSecret: "0123456789abcdef-secret",
    });
    expect(response.status).toBe(200);
    const expected = {
      origin: "https://api.example.com/v2/x/master",
      originToken: "********",
      webhookSecret: "********",
      defaultStage: "PUBLISHED",
      defaultLocale: "en",
      introspection: true,
      publicPermissions: [],
      roles: {},
      cache: { maxAge: 60, staleWhileRevalidate: 300, staleIfError: 86400, browserMaxAge: 0, sharedMaxAge: 0 },
      allowedOrigins: ["*"],
    };
    // api.example.com is not reached (here or anywhere): the answer also says why (below).
    const { rulesUnchecked: _unchecked, ...answered } = (await response.json()) as Record<string, unknown>;
    expect(answered).toEqual(expected);
    const read = await gateway(path, { headers: ADMIN });
    expect(read.status).toBe(200);
    const text = await read.text();
    expect(JSON.parse(text)).toEqual(expected);
    expect(text).not.toContain("secret-origin-token");
  });

  it.each([
    ["no origin", {}, "origin"],
    ["an origin that is not a URL", { origin: "not a url" }, "origin"],
    ["an ftp origin", { origin: "ftp://example.com" }, "origin"],
    ["an unknown field", { origin: "https://a.example", publicPermission: [] }, "publicPermission"],
    ["a negative maxAge", { origin: "https://a.example", cache: { maxAge: -1 } }, "cache.maxAge"],
    ["a fractional staleIfError", { origin: "https://a.example", cache: { staleIfError: 1.5 } }, "cache.staleIfError"],
    ["introspection as a string", { origin: "https://a.example", introspection: "yes" }, "introspection"],
    ["a short webhook secret", { origin: "https://a.example", webhookSecret: "short" }, "webhookSecret"],
    ["jwt without issuer", { origin: "https://a.example", jwt: { jwksUrl: "https://a.example/jwks", audience: "a" } }, "jwt.issuer"],
    [
      "jwt with HS256",
      { origin: "https://a.example", jwt: { jwksUrl: "https://a.example/jwks", issuer: "i", audience: "a", algorithms: ["HS256"] } },
      "jwt.algorithms",
    ],
    [
      "a rule with an unknown action",
      { origin: "https://a.example", publicPermissions: [{ action: "explode", model: "*", stages: "*", locales: "*" }] },
      "publicPermissions[0].action",
    ],
    ["a fractional browserMaxAge", { origin: "https://a.example", cache: { browserMaxAge: 0.5 } }, "cache.browserMaxAge"],
    ["a negative sharedMaxAge", { origin: "https://a.example", cache: { sharedMaxAge: -1 } }, "cache.sharedMaxAge"],
    ["allowedOrigins as a string", { origin: "https://a.example", allowedOrigins: "https://site.example" }, "allowedOrigins"],
    ["an empty allowedOrigins", { origin: "https://a.example", allowedOrigins: [] }, "allowedOrigins"],
    [
      "an allowed origin with a path",
      { origin: "https://a.example", allowedOrigins: ["https://site.example", "https://site.example/app"] },
      "allowedOrigins[1]",
    ],
    ["an allowed origin without scheme", { origin: "https://a.example", allowedOrigins: ["site.example"] }, "allowedOrigins[0]"],
    ["* beside other origins", { origin: "https://a.example", allowedOrigins: ["*", "https://site.example"] }, "allowedOrigins"],
    ["ipRules as a list", { origin: "https://a.example", ipRules: ["203.0.113.0/24"] }, "ipRules"],
    ["an unknown ipRules field", { origin: "https://a.example", ipRules: { block: [] } }, "ipRules.block"],
    ["a CIDR with host bits", { origin: "https://a.example", ipRules: { allow: ["203.0.113.5/24"] } }, "ipRules.allow[0]"],
    ["a bad IPv6 block", { origin: "https://a.example", ipRules: { deny: ["2001:db8::/32", "2001:db8:::1/64"] } }, "ipRules.deny[1]"],
    ["a hostname in ipRules", { origin: "https://a.example", ipRules: { deny: ["example.com"] } }, "ipRules.deny[0]"],
  ])("refuses %s with 400 naming the field, and writes nothing", async (_name, body, field) => {
    const projectId = uniqueTag();
    const response = await put(`/admin/projects/${projectId}/master`, body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { errors: { extensions: { code: string; field: string } }[] };
    expect(error.errors[0]?.extensions).toMatchObject({ code: "INVALID_CONFIG", field });
    expect(await env.CONFIG.get(projectKey({ projectId, environment: "master" }))).toBeNull();
  });

  // Strings the gateway sends in a header (originToken → Authorization) or uses as a URL (origin,
  // jwt.jwksUrl): a control character would be a 500 at the first origin call, or be silently
  // stripped by the URL parser. The demo origin and a rule make the PUT call the origin at once.
  it.each([
    ["a newline", "originToken", { originToken: "abc\ndef" }],
    ["CR LF", "originToken", { originToken: "abc\r\nx-injected: 1" }],
    ["NUL", "originToken", { originToken: "abc\u0000def" }],
    ["a tab", "originToken", { originToken: "abc\tdef" }],
    ["DEL", "originToken", { originToken: "abc\u007fdef" }],
    ["a space", "originToken", { originToken: "abc def" }],
    ["a non-ASCII letter", "originToken", { originToken: "tökén" }],
    ["a newline", "origin", { origin: "https://demo-origin.internal/v2/demo/mas\nter" }],
    ["a tab", "origin", { origin: "https://demo-origin.internal/v2/\tdemo/master" }],
    ["NUL", "origin", { origin: "https://demo-origin.internal/v2/demo/master\u0000" }],
    ["a space", "origin", { origin: "https://demo-origin.internal/v2/demo master" }],
    ["CR LF", "jwt.jwksUrl", { jwt: { jwksUrl: "https://idp.example/jwks\r\n.json", issuer: "i", audience: "a" } }],
  ])("refuses %s in %s with 400 INVALID_CONFIG naming it, never a 500, and writes nothing", async (_what, field, fields) => {
    const projectId = uniqueTag();
    const body = {
      origin: "https://demo-origin.internal/v2/demo/master",
      publicPermissions: [{ action: "read", model: "Post" }],
      ...fields,
    };
    const response = await put(`/admin/projects/${projectId}/master`, body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { errors: { extensions: { code: string; field: string } }[] };
    expect(error.errors[0]?.extensions).toMatchObject({ code: "INVALID_CONFIG", field });
    expect(await env.CONFIG.get(projectKey({ projectId, environment: "master" }))).toBeNull();
  });

  it("accepts an originToken of visible ASCII (a Hygraph PAT is a JWT) and sends it to the origin as a Bearer token", async () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_~+/=";
    const tag = uniqueTag();
    const response = await put(`/admin/projects/${tag}/master`, {
      origin: demoOrigin(tag),
      originToken: token,
      publicPermissions: [{ action: "read", model: "Post" }],
    });
    expect(response.status).toBe(200);
    const [learned] = await originRequests(tag, { introspection: true });
    expect(learned?.headers["authorization"]).toBe(`Bearer ${token}`);
  });

  it("stores API policies and downstream cache lifetimes, canonical, and reads them back", async () => {
    const path = `/admin/projects/${uniqueTag()}/master`;
    const response = await put(path, {
      origin: "https://api.example.com/v2/x/master",
      allowedOrigins: ["https://WWW.Example.com:443", "https://*.preview.example.com", "https://www.example.com"],
      ipRules: { allow: ["198.51.100.0/24", "2001:db8::/32"], deny: ["198.51.100.7"] },
      cache: { browserMaxAge: 5, sharedMaxAge: 30 },
    });
    expect(response.status).toBe(200);
    const expected = {
      allowedOrigins: ["https://www.example.com", "https://*.preview.example.com"],
      ipRules: { allow: ["198.51.100.0/24", "2001:db8::/32"], deny: ["198.51.100.7"] },
      cache: { maxAge: 60, staleWhileRevalidate: 300, staleIfError: 86400, browserMaxAge: 5, sharedMaxAge: 30 },
    };
    expect(await response.json()).toMatchObject(expected);
    expect(await (await gateway(path, { headers: ADMIN })).json()).toMatchObject(expected);
  });

  it("refuses a body that is not JSON", async () => {
    const response = await put(`/admin/projects/${uniqueTag()}/master`, "{ nope");
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("BAD_REQUEST");
  });

  it("keeps the previous configuration when a replacement is invalid", async () => {
    const path = `/admin/projects/${uniqueTag()}/master`;
    await put(path, { origin: "https://first.example/graphql" });
    expect((await put(path, { origin: "https://second.example/graphql", cache: { maxAge: "soon" } })).status).toBe(400);
    const read = (await (await gateway(path, { headers: ADMIN })).json()) as { origin: string };
    expect(read.origin).toBe("https://first.example/graphql");
  });

  it("answers 404 for a project that is not configured", async () => {
    const response = await gateway(`/admin/projects/${uniqueTag()}/master`, { headers: ADMIN });
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe("NOT_FOUND");
  });

  it.each([
    ["no Authorization", {}],
    ["a wrong token", { authorization: "Bearer wrong" }],
    ["the right token with the wrong scheme", { authorization: `Basic ${env.ADMIN_TOKEN}` }],
    ["a token that only shares a prefix", { authorization: `Bearer ${env.ADMIN_TOKEN.slice(0, -1)}` }],
  ])("answers 401 with WWW-Authenticate to %s", async (_name, headers) => {
    const path = `/admin/projects/${uniqueTag()}/master`;
    const response = await put(path, { origin: "https://a.example" }, headers as Record<string, string>);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await errorCode(response)).toBe("UNAUTHENTICATED");
    expect((await gateway(path, { headers: ADMIN })).status).toBe(404);
  });
});

describe("health", () => {
  it("answers 200 {ok:true} without auth", async () => {
    const response = await gateway("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe("admin API: rules are checked against the origin's schema", () => {
  const origin = () => `https://demo-origin.internal/t/${uniqueTag()}/graphql`;
  const rule = (overrides: Record<string, unknown>) => ({ action: "read", model: "*", stages: "*", locales: "*", ...overrides });

  it.each([
    ["an unknown model", { publicPermissions: [rule({ model: "Postt" })] }, "publicPermissions[0].model[0]"],
    ["an unknown stage", { publicPermissions: [rule({}), rule({ stages: ["LIVE"] })] }, "publicPermissions[1].stages[0]"],
    ["an unknown locale", { publicPermissions: [rule({ locales: ["fr"] })] }, "publicPermissions[0].locales[0]"],
    ["an unknown model in a role", { roles: { editor: [rule({ model: ["Post", "Comment"] })] } }, "roles.editor[0].model[0]"],
    [
      "a condition the model's where filter cannot express",
      { publicPermissions: [rule({ model: "Post", condition: { colour: "red" } })] },
      "publicPermissions[0].condition",
    ],
    ["a default stage the origin lacks (case-sensitive)", { defaultStage: "Published" }, "defaultStage"],
    ["a default locale the origin lacks", { defaultLocale: "fr" }, "defaultLocale"],
  ])("refuses %s with 400 naming the rule", async (_name, rules, field) => {
    const projectId = uniqueTag();
    const response = await put(`/admin/projects/${projectId}/master`, { origin: origin(), ...rules });
    expect(response.status).toBe(400);
    const error = (await response.json()) as { errors: { extensions: { code: string; field: string } }[] };
    expect(error.errors[0]?.extensions.code).toBe("INVALID_CONFIG");
    expect(error.errors[0]?.extensions.field).toBe(field);
    expect(await env.CONFIG.get(projectKey({ projectId, environment: "master" }))).toBeNull();
  });

  it("accepts rules whose names and conditions the schema knows", async () => {
    const response = await put(`/admin/projects/${uniqueTag()}/master`, {
      origin: origin(),
      publicPermissions: [
        rule({ model: ["Post", "Author"], stages: ["PUBLISHED"], locales: ["en", "de"], condition: { slug_not: "secret" } }),
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-rules-unchecked")).toBeNull();
  });

  it.each([
    ["a relation filter", { author: { slug: "ada-lovelace" } }],
    ["a localized field", { title_starts_with: "Hello" }],
  ])("accepts a condition with %s, validated against the model's own query list filter (issue 19, finding 9)", async (_name, condition) => {
    // The demo's `PostManyWhereInput` (of `updateManyPostsConnection`) has neither; `Query.posts` takes `PostWhereInput`.
    const response = await put(`/admin/projects/${uniqueTag()}/master`, {
      origin: origin(),
      publicPermissions: [rule({ model: "Post", condition })],
    });
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it("accepts, and says so, when the origin cannot be asked for its schema", async () => {
    const response = await put(`/admin/projects/${uniqueTag()}/master`, {
      origin: `https://demo-origin.internal/t/${uniqueTag()}/__status/503/graphql`,
      publicPermissions: [rule({ stages: ["PUBLISHED"] })],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-rules-unchecked")).toBe("origin-schema-unavailable");
    expect(((await response.json()) as { rulesUnchecked: unknown }).rulesUnchecked).toEqual({
      code: "ORIGIN_ERROR",
      reason: "http-status",
      originStatus: 503,
      message: expect.stringContaining("schema could not be learned"),
    });
  });
});

describe("admin API: a PUT says whether the origin could be asked (issue 20)", () => {
  const UNREACHABLE = "https://no-such-host.invalid/v2/x/master";
  const everything = [{ action: "read", model: "*", stages: "*", locales: "*" }];

  it("saves a project whose origin cannot be reached, with rulesUnchecked naming why, even when no rule names anything", async () => {
    const path = `/admin/projects/${uniqueTag()}/master`;
    const response = await put(path, { origin: UNREACHABLE, originToken: "hygraph-pat-secret", publicPermissions: everything });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-rules-unchecked")).toBe("origin-schema-unavailable");
    const text = await response.text();
    expect(text).not.toContain("hygraph-pat-secret");
    expect(JSON.parse(text)).toMatchObject({
      origin: UNREACHABLE,
      originToken: "********",
      rulesUnchecked: { code: "ORIGIN_ERROR", reason: "dns", message: expect.stringMatching(/DNS/) },
    });
    // Saved; the stored configuration is the configuration alone.
    const read = await gateway(path, { headers: ADMIN });
    expect(read.status).toBe(200);
    expect(await read.json()).not.toHaveProperty("rulesUnchecked");
  });

  it("with ?strict=true, refuses it with the origin failure (502 ORIGIN_ERROR, same reason) and saves nothing", async () => {
    const projectId = uniqueTag();
    const response = await put(`/admin/projects/${projectId}/master?strict=true`, { origin: UNREACHABLE, publicPermissions: everything });
    expect(response.status).toBe(502);
    const error = ((await response.json()) as { errors: { message: string; extensions: unknown }[] }).errors[0]!;
    expect(error.extensions).toEqual({ code: "ORIGIN_ERROR", reason: "dns" });
    expect(error.message).toMatch(/^Nothing was saved/);
    expect(await env.CONFIG.get(projectKey({ projectId, environment: "master" }))).toBeNull();
    expect((await gateway(`/admin/projects/${projectId}/master`, { headers: ADMIN })).status).toBe(404);
  });

  it("with ?strict=true, saves a project whose origin answers, without rulesUnchecked", async () => {
    const response = await put(`/admin/projects/${uniqueTag()}/master?strict=true`, {
      origin: demoOrigin(uniqueTag()),
      publicPermissions: everything,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-rules-unchecked")).toBeNull();
    expect(await response.json()).not.toHaveProperty("rulesUnchecked");
  });

  it.each(["yes", "1", ""])("refuses ?strict=%s with 400 BAD_REQUEST naming the parameter", async (value) => {
    const response = await put(`/admin/projects/${uniqueTag()}/master?strict=${value}`, { origin: UNREACHABLE });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions).toEqual({
      code: "BAD_REQUEST",
      param: "strict",
    });
  });
});
