import { describe, expect, it } from "vitest";
import { demoProject, originRequests, postQuery } from "../support/gateway";

/**
 * An explicitly empty `locales: []` list (found while building
 * test/permissions/real-schema.property.test.ts). The analysis reads it as "no locale": the field
 * and its whole subtree touch nothing, so every rule set allows it. The origin reads it as "no
 * preference" and answers in a default: the demo origin uses `[en]` at the root, and resolves a
 * relation in the parent's locales (a Hygraph-shaped origin would too). Whatever the fix — refuse
 * the empty list with a 400, or count it like an omitted argument — the caller must not get
 * content its rules do not cover, and the origin must not be asked for it.
 */
type Body = { data?: unknown; errors?: { extensions?: { code?: string } }[] };

describe("an empty locales list is no way around the rules", () => {
  it("root: a reader of German Posts is not answered in English through posts(locales: [])", async () => {
    const { tag, content } = await demoProject({
      publicPermissions: [{ action: "read", model: "Post", stages: ["PUBLISHED"], locales: ["de"] }],
    });
    const response = await postQuery(content, { query: "{ posts(locales: []) { locale title } }" });
    const body = (await response.json()) as Body;
    // Today: 200 with every English Post.
    expect([400, 403], JSON.stringify(body)).toContain(response.status);
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("relation: a reader of Posts only does not get Authors read through author(locales: [])", async () => {
    const { tag, content } = await demoProject({
      publicPermissions: [{ action: "read", model: "Post", stages: ["PUBLISHED"], locales: "*" }],
    });
    const response = await postQuery(content, { query: "{ posts(first: 1) { title author(locales: []) { name } } }" });
    const body = (await response.json()) as Body;
    // Today: forwarded with no Author touch at all (the demo origin then fails on its own SQL for
    // an empty list, which is why no Author name comes back here).
    expect([400, 403], JSON.stringify(body)).toContain(response.status);
    expect(await originRequests(tag)).toHaveLength(0);
  });
});
