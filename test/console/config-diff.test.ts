import { describe, expect, it } from "vitest";
import { controlFor, createMergePatch, diffFields, flattenFields, valueText, type JsonObject } from "../../console/config-diff";
import { FORM_FIELDS } from "../../console/config-fields";

/** RFC 7396's MergePatch(target, patch), to check that each patch made here does what it says. */
function applyMergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (typeof value === "object" && !Array.isArray(value)) {
      const current = result[key];
      result[key] = applyMergePatch(typeof current === "object" && current !== null && !Array.isArray(current) ? current : {}, value);
    } else result[key] = value;
  }
  return result;
}

const stored: JsonObject = {
  origin: "https://api.example.com/graphql",
  defaultStage: "PUBLISHED",
  introspection: true,
  publicPermissions: [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }],
  roles: { editor: [{ action: "read", model: "Post", stages: ["DRAFT"], locales: "*" }] },
  cache: { maxAge: 60, staleWhileRevalidate: 300, staleIfError: 86400 },
  allowedOrigins: ["*"],
  ipRules: { deny: ["10.0.0.0/8"] },
};

describe("the Configuration tab's merge patch (RFC 7396): only what changed", () => {
  it.each<[string, JsonObject, JsonObject]>([
    ["nothing changed", stored, {}],
    ["one cache time", { ...stored, cache: { maxAge: 120, staleWhileRevalidate: 300, staleIfError: 86400 } }, { cache: { maxAge: 120 } }],
    [
      "a cache time cleared (back to its default)",
      { ...stored, cache: { staleWhileRevalidate: 300, staleIfError: 86400 } },
      { cache: { maxAge: null } },
    ],
    [
      "a list replaced whole",
      { ...stored, allowedOrigins: ["https://www.example.com", "https://example.com"] },
      { allowedOrigins: ["https://www.example.com", "https://example.com"] },
    ],
    ["IP rules removed", (({ ipRules: _, ...rest }) => rest)(stored), { ipRules: null }],
    ["a role added, one removed", { ...stored, roles: { viewer: [] } }, { roles: { editor: null, viewer: [] } }],
    ["a boolean and a string", { ...stored, introspection: false, defaultStage: "DRAFT" }, { defaultStage: "DRAFT", introspection: false }],
    ["a new field", { ...stored, trustedDocuments: "public" }, { trustedDocuments: "public" }],
  ])("%s", (_name, edited, patch) => {
    expect(createMergePatch(stored, edited)).toEqual(patch);
    expect(applyMergePatch(stored, createMergePatch(stored, edited))).toEqual(edited);
  });
});

describe("the diff shown before saving", () => {
  it("lists each changed leaf as field: old → new, lists whole, in the fields' order", () => {
    const edited = {
      ...stored,
      origin: "https://api.example.com/v2",
      cache: { maxAge: 120, staleWhileRevalidate: 300, staleIfError: 86400 },
      allowedOrigins: ["https://www.example.com"],
      trustedDocuments: "all",
    };
    delete (edited as JsonObject)["ipRules"];
    expect(diffFields(stored, edited)).toEqual([
      { field: "origin", before: "https://api.example.com/graphql", after: "https://api.example.com/v2" },
      { field: "cache.maxAge", before: 60, after: 120 },
      { field: "allowedOrigins", before: ["*"], after: ["https://www.example.com"] },
      { field: "ipRules", before: { deny: ["10.0.0.0/8"] }, after: undefined },
      { field: "trustedDocuments", before: undefined, after: "all" },
    ]);
    expect(diffFields(stored, stored)).toEqual([]);
  });

  it.each([
    [undefined, "(absent)"],
    ["https://a/", "https://a/"],
    [60, "60"],
    [false, "false"],
    [["*"], '["*"]'],
    [{ deny: ["10.0.0.0/8"] }, '{"deny":["10.0.0.0/8"]}'],
  ])("shows %j as %s", (value, text) => {
    expect(valueText(value)).toBe(text);
  });

  it("flattens every field of a configuration, masked secrets included, objects to their leaves", () => {
    expect(
      flattenFields({ origin: "https://a/", originToken: "********", cache: { maxAge: 60 }, roles: {}, allowedOrigins: ["*"] }),
    ).toEqual([
      ["origin", "https://a/"],
      ["originToken", "********"],
      ["cache.maxAge", 60],
      ["roles", {}],
      ["allowedOrigins", ["*"]],
    ]);
  });
});

describe("where a 400 INVALID_CONFIG is shown", () => {
  it.each([
    ["cache.maxAge", "cache.maxAge"],
    ["origin", "origin"],
    ["ipRules.deny[2]", "ipRules.deny"],
    ["allowedOrigins[0]", "allowedOrigins"],
    ["roles.editor[0].model", "roles"],
    ["publicPermissions[1].stages[0]", "publicPermissions"],
    ["jwt.audience", "jwt"],
    ["audit.retentionDays", "audit"],
    ["(body)", null],
    ["webhookSecret", null],
    ["cacheX", null],
  ])("%s → the %s control", (field, control) => {
    expect(controlFor(field, FORM_FIELDS)).toBe(control);
  });
});
