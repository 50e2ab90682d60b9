import { describe, expect, it } from "vitest";
import { changedConfigFields } from "../../src/audit/config-diff";
import type { ProjectConfig } from "../../src/projects/types";

const base: ProjectConfig = {
  origin: "https://origin.example/graphql",
  originToken: "secret-origin-token",
  defaultStage: "PUBLISHED",
  defaultLocale: "en",
  introspection: true,
  publicPermissions: [{ action: ["read"], model: ["Post"], stages: ["PUBLISHED"], locales: "*" }],
  roles: {},
  cache: { maxAge: 60, staleWhileRevalidate: 0, staleIfError: 0 },
  webhookSecret: "a-webhook-secret-of-length",
};

describe("config.update names the fields that changed, never a value", () => {
  it.each<[string, ProjectConfig | null, ProjectConfig, string[]]>([
    ["nothing", base, { ...base }, []],
    ["key order only", base, { ...base, cache: { staleIfError: 0, staleWhileRevalidate: 0, maxAge: 60 } }, []],
    ["one field", base, { ...base, defaultStage: "DRAFT" }, ["defaultStage"]],
    ["a secret, by name", base, { ...base, originToken: "another-secret" }, ["originToken"]],
    ["a removed field", base, (({ webhookSecret: _w, ...rest }) => rest)(base), ["webhookSecret"]],
    ["a nested change", base, { ...base, publicPermissions: [] }, ["publicPermissions"]],
    ["everything, for a new project", null, base, Object.keys(base).sort()],
  ])("%s", (_name, before, after, fields) => {
    const changed = changedConfigFields(before, after);
    expect(changed).toEqual(fields);
    expect(JSON.stringify(changed)).not.toContain("secret-origin-token");
    expect(JSON.stringify(changed)).not.toContain("another-secret");
  });
});
