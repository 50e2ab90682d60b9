import { describe, expect, it } from "vitest";
import { canonicalRules, permissionFingerprint } from "../../src/permissions/fingerprint";
import { normalizeRules } from "../../src/projects/rules";

const n = (raw: unknown[]) => normalizeRules(raw, "rules");
const publicRules = n([{ action: "read", model: "*", stages: "PUBLISHED" }]);

describe("permissionFingerprint", () => {
  it("is a SHA-256 hex digest", async () => {
    expect(await permissionFingerprint(publicRules)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, unknown[], unknown[]]>([
    [
      "rule order",
      [
        { action: "read", model: "Post" },
        { action: "read", model: "Page" },
      ],
      [
        { action: "read", model: "Page" },
        { action: "read", model: "Post" },
      ],
    ],
    ["name order", [{ action: ["read", "publish"], model: ["Post", "Page"] }], [{ action: ["publish", "read"], model: ["Page", "Post"] }]],
    [
      "duplicate rules",
      [
        { action: "read", model: "Post" },
        { action: "read", model: "Post" },
      ],
      [{ action: "read", model: "Post" }],
    ],
    [
      "condition key order",
      [{ action: "read", model: "Post", condition: { id: "1", slug: "a" } }],
      [{ action: "read", model: "Post", condition: { slug: "a", id: "1" } }],
    ],
    ["omitted versus * stages", [{ action: "read", model: "Post" }], [{ action: "read", model: "Post", stages: "*", locales: ["*"] }]],
  ])("%#: ignores %s", async (_name, a, b) => {
    expect(await permissionFingerprint(n(a))).toBe(await permissionFingerprint(n(b)));
  });

  it.each<[string, unknown[]]>([
    ["no rules (public disabled)", []],
    ["more stages", [{ action: "read", model: "*", stages: ["PUBLISHED", "DRAFT"] }]],
    ["all stages", [{ action: "read", model: "*" }]],
    ["a condition", [{ action: "read", model: "*", stages: "PUBLISHED", condition: { id: "1" } }]],
    ["another action", [{ action: ["read", "readVersion"], model: "*", stages: "PUBLISHED" }]],
    [
      "an extra rule",
      [
        { action: "read", model: "*", stages: "PUBLISHED" },
        { action: "read", model: "Post", stages: "DRAFT" },
      ],
    ],
  ])("%#: differs from public with %s", async (_name, raw) => {
    expect(await permissionFingerprint(n(raw))).not.toBe(await permissionFingerprint(publicRules));
  });

  it("has a readable canonical form", () => {
    expect(canonicalRules(publicRules)).toBe('[{"action":["read"],"locales":"*","model":"*","stages":["PUBLISHED"]}]');
  });
});
