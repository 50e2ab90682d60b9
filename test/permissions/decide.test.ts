import { describe, expect, it } from "vitest";
import { decide } from "../../src/permissions/decide";
import type { Touch } from "../../src/permissions/touches";
import type { PermissionRule } from "../../src/projects/types";
import { normalizeRules } from "../../src/projects/rules";

const touch = (action: Touch["action"], model: string, stage = "PUBLISHED", locale = "en"): Touch => ({ action, model, stage, locale });
const rules = (raw: unknown[]): PermissionRule[] => normalizeRules(raw, "rules");

describe("decide", () => {
  // [name, rules, touches, failed touches (empty = allowed)]
  it.each<[string, unknown[], Touch[], Touch[]]>([
    ["no rules refuse everything", [], [touch("read", "Post")], [touch("read", "Post")]],
    ["no touches are allowed (e.g. __typename)", [], [], []],
    ["exact rule", [{ action: "read", model: "Post", stages: "PUBLISHED", locales: "en" }], [touch("read", "Post")], []],
    ["wildcards", [{ action: "*", model: "*" }], [touch("delete", "Page", "DRAFT", "de")], []],
    ["other model", [{ action: "read", model: "Post" }], [touch("read", "Author")], [touch("read", "Author")]],
    [
      "other stage",
      [{ action: "read", model: "*", stages: ["PUBLISHED"] }],
      [touch("read", "Post", "DRAFT")],
      [touch("read", "Post", "DRAFT")],
    ],
    [
      "other locale",
      [{ action: "read", model: "*", locales: ["en"] }],
      [touch("read", "Post", "PUBLISHED", "de")],
      [touch("read", "Post", "PUBLISHED", "de")],
    ],
    ["other action", [{ action: "read", model: "*" }], [touch("readVersion", "Post")], [touch("readVersion", "Post")]],
    [
      "read does not grant create",
      [{ action: "read", model: "*" }],
      [touch("create", "Post", "DRAFT"), touch("read", "Post", "DRAFT")],
      [touch("create", "Post", "DRAFT")],
    ],
    [
      "every refused touch is listed",
      [{ action: "read", model: "Post" }],
      [touch("read", "Author"), touch("read", "Page"), touch("read", "Post")],
      [touch("read", "Author"), touch("read", "Page")],
    ],
    [
      "touches covered by different rules",
      [
        { action: "read", model: "Post" },
        { action: "read", model: ["Author"], stages: "PUBLISHED" },
      ],
      [touch("read", "Post", "DRAFT"), touch("read", "Author")],
      [],
    ],
    [
      "list of actions",
      [{ action: ["read", "publish"], model: "Post" }],
      [touch("publish", "Post", "DRAFT"), touch("read", "Post", "DRAFT")],
      [],
    ],
  ])("%#: %s", (_name, raw, touches, failed) => {
    const d = decide(rules(raw), touches);
    if (failed.length === 0) expect(d).toEqual({ allowed: true, conditions: [] });
    else expect(d).toEqual({ allowed: false, failedActions: failed });
  });

  it("returns the condition of the only granting rule", () => {
    const d = decide(rules([{ action: "read", model: "Post", condition: { id: "1" } }]), [touch("read", "Post")]);
    expect(d).toEqual({ allowed: true, conditions: [{ touch: touch("read", "Post"), where: { id: "1" } }] });
  });

  it("ORs the conditions of several granting rules (deduplicated, key order ignored)", () => {
    const d = decide(
      rules([
        { action: "read", model: "Post", condition: { slug: "b", id: "2" } },
        { action: "read", model: "*", condition: { id: "1" } },
        { action: "read", model: "Post", condition: { id: "2", slug: "b" } },
      ]),
      [touch("read", "Post")],
    );
    expect(d).toEqual({
      allowed: true,
      conditions: [{ touch: touch("read", "Post"), where: { OR: [{ id: "1" }, { slug: "b", id: "2" }] } }],
    });
  });

  it("drops the condition when any granting rule has none", () => {
    const d = decide(
      rules([
        { action: "read", model: "Post", condition: { id: "1" } },
        { action: "read", model: "Post" },
      ]),
      [touch("read", "Post")],
    );
    expect(d).toEqual({ allowed: true, conditions: [] });
  });

  it("keeps conditions per touch", () => {
    const d = decide(
      rules([
        { action: "read", model: "Post", stages: "DRAFT", condition: { id: "1" } },
        { action: "read", model: "Post", stages: "PUBLISHED" },
      ]),
      [touch("read", "Post", "DRAFT"), touch("read", "Post")],
    );
    expect(d).toEqual({ allowed: true, conditions: [{ touch: touch("read", "Post", "DRAFT"), where: { id: "1" } }] });
  });
});
