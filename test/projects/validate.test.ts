import { describe, expect, it } from "vitest";
import { InvalidConfigError } from "../../src/errors";
import { DEFAULT_CACHE, validateProjectConfig, wireString } from "../../src/projects/validate";

/**
 * `validateProjectConfig`: every field of `PUT /admin/projects/{p}/{e}`, what it accepts (and
 * turns it into) and what it refuses, with `extensions.field` naming the offender. The admin
 * route's own tests (test/admin/projects.test.ts) cover the HTTP side: 400, nothing written.
 */
const ORIGIN = "https://api.example.com/graphql";
const JWT = { jwksUrl: "https://idp.example/.well-known/jwks.json", issuer: "https://idp.example/", audience: "content" };

/** The `InvalidConfigError` `validateProjectConfig(raw)` throws, flattened; fails the test if it does not throw one. */
function refusal(raw: unknown): { status: number; code: string; field: unknown } {
  try {
    validateProjectConfig(raw);
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    return { status: error.status, code: error.code, field: error.extensions["field"] };
  }
  throw new Error(`accepted: ${JSON.stringify(raw)}`);
}

describe("validateProjectConfig: defaults", () => {
  it("fills every optional field with its default", () => {
    expect(validateProjectConfig({ origin: ORIGIN })).toEqual({
      origin: ORIGIN,
      defaultStage: "PUBLISHED",
      defaultLocale: "en",
      introspection: true,
      publicPermissions: [],
      roles: {},
      cache: { maxAge: 60, staleWhileRevalidate: 300, staleIfError: 86_400, browserMaxAge: 0, sharedMaxAge: 0 },
      allowedOrigins: ["*"],
    });
  });

  it("treats null like an absent optional field", () => {
    const nulls = {
      originToken: null,
      defaultStage: null,
      defaultLocale: null,
      introspection: null,
      publicPermissions: null,
      jwt: null,
      roles: null,
      cache: null,
      webhookSecret: null,
      allowedOrigins: null,
      ipRules: null,
    };
    expect(validateProjectConfig({ origin: ORIGIN, ...nulls })).toEqual(validateProjectConfig({ origin: ORIGIN }));
  });

  it("does not share the default cache settings between configurations", () => {
    const a = validateProjectConfig({ origin: ORIGIN });
    a.cache.maxAge = 1;
    expect(validateProjectConfig({ origin: ORIGIN }).cache.maxAge).toBe(60);
    expect(DEFAULT_CACHE.maxAge).toBe(60);
  });
});

describe("validateProjectConfig: accepted values", () => {
  // [field, given, what the configuration holds]
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["origin: http", { origin: "http://127.0.0.1:8788/graphql" }, { origin: "http://127.0.0.1:8788/graphql" }],
    [
      "origin: canonicalized by the URL parser",
      { origin: "HTTPS://API.Example.com:443/v2/p/master" },
      { origin: "https://api.example.com/v2/p/master" },
    ],
    [
      "originToken: a JWT with URL-safe and padding characters",
      { originToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_~+/=" },
      { originToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_~+/=" },
    ],
    ["defaultStage: an enum value name", { defaultStage: "DRAFT" }, { defaultStage: "DRAFT" }],
    ["defaultStage: with underscores and digits", { defaultStage: "_QA_2" }, { defaultStage: "_QA_2" }],
    ["defaultLocale: an enum value name", { defaultLocale: "de_AT" }, { defaultLocale: "de_AT" }],
    ["introspection: false", { introspection: false }, { introspection: false }],
    [
      "publicPermissions: normalized",
      { publicPermissions: [{ action: "read", model: "Post", stages: "PUBLISHED" }] },
      { publicPermissions: [{ action: ["read"], model: ["Post"], stages: ["PUBLISHED"], locales: "*" }] },
    ],
    [
      "roles: each role's rules normalized",
      { roles: { editor: [{ action: ["update", "read"], model: "*" }], viewer: [] } },
      { roles: { editor: [{ action: ["read", "update"], model: "*", stages: "*", locales: "*" }], viewer: [] } },
    ],
    [
      "cache: some windows, the rest default",
      { cache: { maxAge: 5 } },
      { cache: { maxAge: 5, staleWhileRevalidate: 300, staleIfError: 86_400, browserMaxAge: 0, sharedMaxAge: 0 } },
    ],
    [
      "cache: zero everywhere (caching off)",
      { cache: { maxAge: 0, staleWhileRevalidate: 0, staleIfError: 0 } },
      { cache: { maxAge: 0, staleWhileRevalidate: 0, staleIfError: 0, browserMaxAge: 0, sharedMaxAge: 0 } },
    ],
    [
      "cache: one year is the longest window",
      { cache: { staleIfError: 31_536_000 } },
      { cache: { ...DEFAULT_CACHE, staleIfError: 31_536_000 } },
    ],
    [
      "cache: downstream lifetimes",
      { cache: { browserMaxAge: 30, sharedMaxAge: 120 } },
      { cache: { ...DEFAULT_CACHE, browserMaxAge: 30, sharedMaxAge: 120 } },
    ],
    ["cache.invalidation: entry", { cache: { invalidation: "entry" } }, { cache: { ...DEFAULT_CACHE, invalidation: "entry" } }],
    ["cache.invalidation: model", { cache: { invalidation: "model" } }, { cache: { ...DEFAULT_CACHE, invalidation: "model" } }],
    ["webhookSecret: 16 characters", { webhookSecret: "0123456789abcdef" }, { webhookSecret: "0123456789abcdef" }],
    [
      "jwt: a JWKS URL, default claim and algorithms",
      { jwt: JWT },
      { jwt: { ...JWT, rolesClaim: "roles", algorithms: ["RS256", "ES256"] } },
    ],
    [
      "jwt: a PEM public key",
      { jwt: { publicKey: "-----BEGIN PUBLIC KEY-----\n…", issuer: "i", audience: "a" } },
      {
        jwt: {
          publicKey: "-----BEGIN PUBLIC KEY-----\n…",
          issuer: "i",
          audience: "a",
          rolesClaim: "roles",
          algorithms: ["RS256", "ES256"],
        },
      },
    ],
    [
      "jwt: a JWK public key",
      { jwt: { publicKey: { kty: "OKP", crv: "Ed25519", x: "abc" }, issuer: "i", audience: "a", algorithms: ["EdDSA"] } },
      {
        jwt: {
          publicKey: { kty: "OKP", crv: "Ed25519", x: "abc" },
          issuer: "i",
          audience: "a",
          rolesClaim: "roles",
          algorithms: ["EdDSA"],
        },
      },
    ],
    [
      "jwt: every asymmetric algorithm",
      { jwt: { ...JWT, algorithms: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"] } },
      {
        jwt: {
          ...JWT,
          rolesClaim: "roles",
          algorithms: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"],
        },
      },
    ],
    [
      "jwt: another roles claim",
      { jwt: { ...JWT, rolesClaim: "https://example.com/roles" } },
      { jwt: { ...JWT, rolesClaim: "https://example.com/roles", algorithms: ["RS256", "ES256"] } },
    ],
    [
      "allowedOrigins: canonical and de-duplicated",
      { allowedOrigins: ["https://Site.example:443", "https://site.example"] },
      { allowedOrigins: ["https://site.example"] },
    ],
    [
      "ipRules: as given",
      { ipRules: { allow: ["203.0.113.0/24"], deny: ["2001:db8::/32"] } },
      { ipRules: { allow: ["203.0.113.0/24"], deny: ["2001:db8::/32"] } },
    ],
  ])("%s", (_name, fields, expected) => {
    expect(validateProjectConfig({ origin: ORIGIN, ...fields })).toMatchObject(expected);
  });

  it("keeps no optional secret or policy it was not given", () => {
    const config = validateProjectConfig({ origin: ORIGIN });
    for (const field of ["originToken", "webhookSecret", "jwt", "ipRules"]) expect(config).not.toHaveProperty(field);
    expect(validateProjectConfig({ origin: ORIGIN, cache: {} }).cache).not.toHaveProperty("invalidation");
  });

  it("copies rule conditions, so a later change to the input cannot alter the configuration", () => {
    const condition = { id: "p1" };
    const config = validateProjectConfig({ origin: ORIGIN, publicPermissions: [{ action: "read", model: "Post", condition }] });
    condition.id = "p2";
    expect(config.publicPermissions[0]!.condition).toEqual({ id: "p1" });
  });
});

describe("validateProjectConfig: refused values name their field", () => {
  // [what, body, extensions.field]
  it.each<[string, unknown, string]>([
    ["a body that is not an object", [], "(body)"],
    ["a null body", null, "(body)"],
    ["a string body", "https://api.example.com", "(body)"],
    ["an unknown top-level field", { origin: ORIGIN, publicPermission: [] }, "publicPermission"],
    ["a top-level __proto__ member", JSON.parse(`{"origin":"${ORIGIN}","__proto__":{"introspection":false}}`), "__proto__"],

    ["origin missing", {}, "origin"],
    ["origin empty", { origin: "" }, "origin"],
    ["origin blank", { origin: "   " }, "origin"],
    ["origin not a string", { origin: 42 }, "origin"],
    ["origin relative", { origin: "/graphql" }, "origin"],
    ["origin ftp", { origin: "ftp://api.example.com/graphql" }, "origin"],
    ["origin javascript:", { origin: "javascript:alert(1)" }, "origin"],
    ["origin with credentials", { origin: "https://user:pass@api.example.com/graphql" }, "origin"],
    ["origin with a user only", { origin: "https://user@api.example.com/graphql" }, "origin"],
    ["origin with a space", { origin: "https://api.example.com/gra phql" }, "origin"],
    ["origin with a tab", { origin: "https://api.example.com/\tgraphql" }, "origin"],
    ["origin with a newline", { origin: "https://api.example.com/graph\nql" }, "origin"],
    ["origin with DEL", { origin: "https://api.example.com/graphql\u007f" }, "origin"],

    ["originToken empty", { origin: ORIGIN, originToken: "" }, "originToken"],
    ["originToken a number", { origin: ORIGIN, originToken: 1234 }, "originToken"],
    ["originToken with a space", { origin: ORIGIN, originToken: "Bearer abc" }, "originToken"],
    ["originToken with CR LF", { origin: ORIGIN, originToken: "abc\r\nx-injected: 1" }, "originToken"],
    ["originToken with NUL", { origin: ORIGIN, originToken: "abc\u0000" }, "originToken"],
    ["originToken non-ASCII", { origin: ORIGIN, originToken: "tökén" }, "originToken"],

    ["defaultStage lower-case with a hyphen", { origin: ORIGIN, defaultStage: "pre-view" }, "defaultStage"],
    ["defaultStage starting with a digit", { origin: ORIGIN, defaultStage: "1ST" }, "defaultStage"],
    ["defaultStage empty", { origin: ORIGIN, defaultStage: "" }, "defaultStage"],
    ["defaultStage a list", { origin: ORIGIN, defaultStage: ["DRAFT"] }, "defaultStage"],
    ["defaultLocale with a hyphen (Hygraph writes de_AT)", { origin: ORIGIN, defaultLocale: "de-AT" }, "defaultLocale"],
    ["defaultLocale a number", { origin: ORIGIN, defaultLocale: 1 }, "defaultLocale"],

    ["introspection a string", { origin: ORIGIN, introspection: "false" }, "introspection"],
    ["introspection a number", { origin: ORIGIN, introspection: 0 }, "introspection"],

    ["publicPermissions an object", { origin: ORIGIN, publicPermissions: { action: "read", model: "*" } }, "publicPermissions"],
    [
      "publicPermissions: a bad rule, by index",
      { origin: ORIGIN, publicPermissions: [{ action: "read", model: "*" }, { action: "read" }] },
      "publicPermissions[1].model",
    ],
    [
      "publicPermissions: an unknown rule field",
      { origin: ORIGIN, publicPermissions: [{ action: "read", model: "*", stage: "DRAFT" }] },
      "publicPermissions[0].stage",
    ],
    [
      "publicPermissions: an empty condition",
      { origin: ORIGIN, publicPermissions: [{ action: "read", model: "Post", condition: {} }] },
      "publicPermissions[0].condition",
    ],

    ["roles a list", { origin: ORIGIN, roles: [] }, "roles"],
    ["roles a string", { origin: ORIGIN, roles: "editor" }, "roles"],
    ["a role with an empty name", { origin: ORIGIN, roles: { "": [] } }, "roles"],
    ["a role whose rules are not a list", { origin: ORIGIN, roles: { editor: { action: "read", model: "*" } } }, "roles.editor"],
    [
      "a role with a bad rule, by index",
      {
        origin: ORIGIN,
        roles: {
          editor: [
            { action: "read", model: "*" },
            { action: "write", model: "*" },
          ],
        },
      },
      "roles.editor[1].action",
    ],

    ["cache a number", { origin: ORIGIN, cache: 60 }, "cache"],
    ["cache an unknown field", { origin: ORIGIN, cache: { ttl: 60 } }, "cache.ttl"],
    ["cache.maxAge negative", { origin: ORIGIN, cache: { maxAge: -1 } }, "cache.maxAge"],
    ["cache.maxAge fractional", { origin: ORIGIN, cache: { maxAge: 0.5 } }, "cache.maxAge"],
    ["cache.maxAge a string", { origin: ORIGIN, cache: { maxAge: "60" } }, "cache.maxAge"],
    ["cache.maxAge null", { origin: ORIGIN, cache: { maxAge: null } }, "cache.maxAge"],
    ["cache.maxAge beyond a year", { origin: ORIGIN, cache: { maxAge: 31_536_001 } }, "cache.maxAge"],
    ["cache.staleWhileRevalidate infinite", { origin: ORIGIN, cache: { staleWhileRevalidate: Infinity } }, "cache.staleWhileRevalidate"],
    ["cache.staleIfError fractional", { origin: ORIGIN, cache: { staleIfError: 1.5 } }, "cache.staleIfError"],
    ["cache.browserMaxAge negative", { origin: ORIGIN, cache: { browserMaxAge: -5 } }, "cache.browserMaxAge"],
    ["cache.sharedMaxAge a boolean", { origin: ORIGIN, cache: { sharedMaxAge: true } }, "cache.sharedMaxAge"],
    ["cache.invalidation unknown", { origin: ORIGIN, cache: { invalidation: "query" } }, "cache.invalidation"],
    ["cache.invalidation upper-case", { origin: ORIGIN, cache: { invalidation: "ENTRY" } }, "cache.invalidation"],
    ["cache.invalidation null", { origin: ORIGIN, cache: { invalidation: null } }, "cache.invalidation"],

    ["webhookSecret 15 characters", { origin: ORIGIN, webhookSecret: "0123456789abcde" }, "webhookSecret"],
    ["webhookSecret blank", { origin: ORIGIN, webhookSecret: "                " }, "webhookSecret"],
    ["webhookSecret a number", { origin: ORIGIN, webhookSecret: 1234567890123456 }, "webhookSecret"],

    ["jwt a string", { origin: ORIGIN, jwt: "https://idp.example/jwks" }, "jwt"],
    ["jwt an unknown field", { origin: ORIGIN, jwt: { ...JWT, secret: "x" } }, "jwt.secret"],
    ["jwt without a key", { origin: ORIGIN, jwt: { issuer: "i", audience: "a" } }, "jwt"],
    ["jwt with both a JWKS URL and a key", { origin: ORIGIN, jwt: { ...JWT, publicKey: "-----BEGIN PUBLIC KEY-----" } }, "jwt"],
    ["jwt.jwksUrl not http(s)", { origin: ORIGIN, jwt: { ...JWT, jwksUrl: "file:///etc/jwks.json" } }, "jwt.jwksUrl"],
    ["jwt.jwksUrl with CR LF", { origin: ORIGIN, jwt: { ...JWT, jwksUrl: "https://idp.example/jwks\r\n.json" } }, "jwt.jwksUrl"],
    ["jwt.publicKey a number", { origin: ORIGIN, jwt: { publicKey: 42, issuer: "i", audience: "a" } }, "jwt.publicKey"],
    ["jwt.publicKey a list", { origin: ORIGIN, jwt: { publicKey: ["k"], issuer: "i", audience: "a" } }, "jwt.publicKey"],
    ["jwt.issuer missing", { origin: ORIGIN, jwt: { jwksUrl: JWT.jwksUrl, audience: "a" } }, "jwt.issuer"],
    ["jwt.audience empty", { origin: ORIGIN, jwt: { ...JWT, audience: "" } }, "jwt.audience"],
    ["jwt.audience a list", { origin: ORIGIN, jwt: { ...JWT, audience: ["a", "b"] } }, "jwt.audience"],
    ["jwt.rolesClaim empty", { origin: ORIGIN, jwt: { ...JWT, rolesClaim: "" } }, "jwt.rolesClaim"],
    [
      "jwt.algorithms HS256 (a public key must never be an HMAC secret)",
      { origin: ORIGIN, jwt: { ...JWT, algorithms: ["HS256"] } },
      "jwt.algorithms",
    ],
    ["jwt.algorithms none", { origin: ORIGIN, jwt: { ...JWT, algorithms: ["none"] } }, "jwt.algorithms"],
    ["jwt.algorithms empty", { origin: ORIGIN, jwt: { ...JWT, algorithms: [] } }, "jwt.algorithms"],
    ["jwt.algorithms a string", { origin: ORIGIN, jwt: { ...JWT, algorithms: "RS256" } }, "jwt.algorithms"],
    ["jwt.algorithms lower-case", { origin: ORIGIN, jwt: { ...JWT, algorithms: ["rs256"] } }, "jwt.algorithms"],

    ["allowedOrigins a string", { origin: ORIGIN, allowedOrigins: "https://site.example" }, "allowedOrigins"],
    [
      "allowedOrigins, an entry with a path",
      { origin: ORIGIN, allowedOrigins: ["https://site.example", "https://site.example/app"] },
      "allowedOrigins[1]",
    ],
    ["ipRules, a CIDR with host bits", { origin: ORIGIN, ipRules: { deny: ["203.0.113.5/24"] } }, "ipRules.deny[0]"],
  ])("refuses %s", (_name, body, field) => {
    expect(refusal(body)).toEqual({ status: 400, code: "INVALID_CONFIG", field });
  });

  it("names the first bad field when several are bad", () => {
    expect(refusal({ origin: "nope", cache: { maxAge: -1 } }).field).toBe("origin");
  });

  // A role named `__proto__` (a JSON body can carry one) would set the object's prototype instead
  // of adding a role: it is refused, naming `roles.__proto__`.
  it("keeps a role named __proto__ or refuses it, never drops it silently", () => {
    const body = JSON.parse(`{"origin":"${ORIGIN}","roles":{"__proto__":[{"action":"read","model":"*"}]}}`) as unknown;
    let kept: boolean;
    try {
      const config = validateProjectConfig(body);
      kept = Object.hasOwn(config.roles, "__proto__") && JSON.stringify(config.roles).includes("__proto__");
    } catch (error) {
      kept = error instanceof InvalidConfigError && error.extensions["field"] === "roles.__proto__";
    }
    expect(kept).toBe(true);
  });
});

describe("wireString", () => {
  it.each([
    ["credential", "eyJhbGciOi.eyJzdWIi.sig"],
    ["credential", "!~"],
    ["url", "https://api.example.com/v2/ü"],
  ] as const)("accepts a %s %j as it is", (kind, value) => {
    expect(wireString(value, "f", kind)).toBe(value);
  });

  it.each([
    ["credential", "a b"],
    ["credential", "é"],
    ["credential", "\u0000"],
    ["url", "https://a.example/ b"],
    ["credential", ""],
    ["url", 7],
  ] as const)("refuses a %s %j, naming the field", (kind, value) => {
    expect(() => wireString(value, "jwt.jwksUrl", kind)).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG", extensions: { field: "jwt.jwksUrl" } }),
    );
  });
});
