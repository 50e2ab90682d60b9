import { describe, expect, it } from "vitest";
import { mutationTouches, touchKey, TouchSet, WRITE_ACTIONS, type MutationScope } from "../../src/permissions/touches";
import type { MutationKnowledge, SchemaKnowledge } from "../../src/schema/knowledge";
import { knowledge as fixture } from "../fixtures/schema";
import { configureProject, demoOrigin, demoProject, originRequests, postQuery, uniqueTag } from "../support/gateway";

/**
 * `mutationTouches`: the touches each mutation action needs, per Hygraph's table of required
 * actions (https://hygraph.com/docs/api-reference/basics/permissions, cited in
 * src/permissions/touches.ts):
 *
 * | action    | requires                                                             |
 * |-----------|----------------------------------------------------------------------|
 * | Create    | Read on Draft Stage and Default Locale + Create                      |
 * | Update    | Read on Draft Stage + Update                                         |
 * | Delete    | Read on All Stages + Delete + Unpublish on All Stages (except Draft) |
 * | Publish   | Read on Draft Stage + Publish on Draft and To Stage                  |
 * | Unpublish | Read on All Stages + Unpublish on From Stage                         |
 *
 * A third stage (QA) and a third locale (fr) tell "every stage" from "PUBLISHED" and "every
 * locale" from "the request's locales".
 */
const knowledge: SchemaKnowledge = { ...fixture, stages: ["DRAFT", "PUBLISHED", "QA"], locales: ["en", "de", "fr"] };
const STAGES = knowledge.stages;
const LOCALES = knowledge.locales;

const t = (action: string, model: string, stage: string, locale: string) => `${action} ${model} ${stage} ${locale}`;
/** Every (stage, locale) pair of the lists, for one action and model. */
const each = (action: string, model: string, stages: readonly string[], locales: readonly string[]) =>
  stages.flatMap((s) => locales.map((l) => t(action, model, s, l)));

function scope(mapping: MutationKnowledge, overrides: Partial<Omit<MutationScope, "mapping">> = {}): MutationScope {
  return { mapping, to: [], from: [], other: [], locales: ["de"], writesLocalizations: false, ...overrides };
}

function run(k: SchemaKnowledge, s: MutationScope): { touches: string[]; read: { stages: string[]; locales: string[] } } {
  const set = new TouchSet();
  const read = mutationTouches(k, set, s);
  return { touches: set.list().map((x) => t(x.action, x.model, x.stage, x.locale)), read };
}

const post = (action: MutationKnowledge["action"], many = false): MutationKnowledge => ({ action, model: "Post", many });

describe("mutationTouches: each action's required touches", () => {
  it.each([
    [
      "create: create and read in DRAFT, in the request's locales",
      scope(post("create")),
      [t("create", "Post", "DRAFT", "de"), t("read", "Post", "DRAFT", "de")],
      { stages: ["DRAFT"], locales: ["de"] },
    ],
    [
      "create writing `localizations`: every locale",
      scope(post("create"), { writesLocalizations: true }),
      [...each("create", "Post", ["DRAFT"], LOCALES), ...each("read", "Post", ["DRAFT"], LOCALES)],
      { stages: ["DRAFT"], locales: LOCALES },
    ],
    [
      "update: update and read in DRAFT",
      scope(post("update")),
      [t("update", "Post", "DRAFT", "de"), t("read", "Post", "DRAFT", "de")],
      { stages: ["DRAFT"], locales: ["de"] },
    ],
    [
      "updateMany: the same as update",
      scope(post("update", true)),
      [t("update", "Post", "DRAFT", "de"), t("read", "Post", "DRAFT", "de")],
      { stages: ["DRAFT"], locales: ["de"] },
    ],
    [
      "upsert: may create or update, so both, and read in DRAFT",
      scope(post("upsert")),
      [t("create", "Post", "DRAFT", "de"), t("update", "Post", "DRAFT", "de"), t("read", "Post", "DRAFT", "de")],
      { stages: ["DRAFT"], locales: ["de"] },
    ],
    [
      "delete: delete everywhere, unpublish in every stage but DRAFT, read everywhere — whatever the request's locales",
      scope(post("delete")),
      [
        ...each("delete", "Post", STAGES, LOCALES),
        ...each("unpublish", "Post", ["PUBLISHED", "QA"], LOCALES),
        ...each("read", "Post", STAGES, LOCALES),
      ],
      { stages: STAGES, locales: LOCALES },
    ],
    [
      "publish to PUBLISHED: publish in DRAFT and PUBLISHED, read in DRAFT",
      scope(post("publish"), { to: ["PUBLISHED"] }),
      [t("publish", "Post", "DRAFT", "de"), t("publish", "Post", "PUBLISHED", "de"), t("read", "Post", "DRAFT", "de")],
      { stages: ["DRAFT", "PUBLISHED"], locales: ["de"] },
    ],
    [
      "publish to two stages: publish in each of them",
      scope(post("publish"), { to: ["PUBLISHED", "QA"] }),
      [...each("publish", "Post", ["DRAFT", "PUBLISHED", "QA"], ["de"]), t("read", "Post", "DRAFT", "de")],
      { stages: ["DRAFT", "PUBLISHED", "QA"], locales: ["de"] },
    ],
    [
      "publishMany from QA: also reads the source stage",
      scope(post("publish", true), { to: ["PUBLISHED"], from: ["QA"] }),
      [
        t("publish", "Post", "DRAFT", "de"),
        t("publish", "Post", "PUBLISHED", "de"),
        t("read", "Post", "DRAFT", "de"),
        t("read", "Post", "QA", "de"),
      ],
      { stages: ["DRAFT", "PUBLISHED", "QA"], locales: ["de"] },
    ],
    [
      "publish with localizations written: every locale",
      scope(post("publish"), { to: ["PUBLISHED"], writesLocalizations: true }),
      [...each("publish", "Post", ["DRAFT", "PUBLISHED"], LOCALES), ...each("read", "Post", ["DRAFT"], LOCALES)],
      { stages: ["DRAFT", "PUBLISHED"], locales: LOCALES },
    ],
    [
      "unpublish from PUBLISHED: unpublish there in every locale, read in every stage",
      scope(post("unpublish"), { from: ["PUBLISHED"] }),
      [...each("unpublish", "Post", ["PUBLISHED"], LOCALES), ...each("read", "Post", STAGES, LOCALES)],
      { stages: STAGES, locales: LOCALES },
    ],
    [
      "unpublishMany from two stages",
      scope(post("unpublish", true), { from: ["PUBLISHED", "QA"] }),
      [...each("unpublish", "Post", ["PUBLISHED", "QA"], LOCALES), ...each("read", "Post", STAGES, LOCALES)],
      { stages: STAGES, locales: LOCALES },
    ],
  ])("%#: %s", (_name, s, expected, read) => {
    const result = run(knowledge, s);
    expect(result.touches).toEqual([...expected].sort());
    expect({ stages: [...result.read.stages].sort(), locales: [...result.read.locales].sort() }).toEqual({
      stages: [...read.stages].sort(),
      locales: [...read.locales].sort(),
    });
  });

  it.each([
    ["no action", { action: null, model: "Post", many: false }],
    ["no model", { action: "create", model: null, many: false }],
  ] as const)("an unknown mutation (%s) needs every write action and read on every model, stage and locale", (_name, mapping) => {
    const { touches, read } = run(knowledge, scope(mapping));
    const expected = [...WRITE_ACTIONS, "read"].flatMap((a) => knowledge.models.flatMap((m) => each(a, m, STAGES, LOCALES)));
    expect(touches).toEqual([...expected].sort());
    expect(read).toEqual({ stages: STAGES, locales: LOCALES });
  });

  it("an origin without a Stage enum has one stage, DRAFT, and without a Locale enum the request's locales", () => {
    const bare: SchemaKnowledge = { ...knowledge, stages: [], locales: [] };
    expect(run(bare, scope(post("delete"))).touches).toEqual([t("delete", "Post", "DRAFT", "de"), t("read", "Post", "DRAFT", "de")]);
    expect(run(bare, scope(post("unpublish"), { from: ["DRAFT"] })).touches).toEqual([
      t("read", "Post", "DRAFT", "de"),
      t("unpublish", "Post", "DRAFT", "de"),
    ]);
  });

  it("uses the schema's draft stage, whatever it is called", () => {
    const renamed: SchemaKnowledge = { ...knowledge, draftStage: "QA" };
    expect(run(renamed, scope(post("update"))).touches).toEqual([t("read", "Post", "QA", "de"), t("update", "Post", "QA", "de")]);
    expect(run(renamed, scope(post("delete"))).touches).toContain(t("unpublish", "Post", "DRAFT", "en"));
    expect(run(renamed, scope(post("delete"))).touches).not.toContain(t("unpublish", "Post", "QA", "en"));
  });

  it("adds to the touches already there, counting each touch once", () => {
    const set = new TouchSet();
    set.add("read", ["Post"], ["DRAFT"], ["de"]);
    mutationTouches(knowledge, set, scope(post("update")));
    expect(set.list().map((x) => t(x.action, x.model, x.stage, x.locale))).toEqual([
      t("read", "Post", "DRAFT", "de"),
      t("update", "Post", "DRAFT", "de"),
    ]);
  });
});

describe("TouchSet and touchKey", () => {
  it("lists each (action, model, stage, locale) once, sorted", () => {
    const set = new TouchSet();
    set.add("read", ["Post", "Author"], ["PUBLISHED", "DRAFT"], ["en"]);
    set.add("read", ["Post"], ["DRAFT"], ["en"]);
    set.add("create", ["Post"], ["DRAFT"], ["en"]);
    expect(set.list()).toEqual([
      { action: "create", model: "Post", stage: "DRAFT", locale: "en" },
      { action: "read", model: "Author", stage: "DRAFT", locale: "en" },
      { action: "read", model: "Author", stage: "PUBLISHED", locale: "en" },
      { action: "read", model: "Post", stage: "DRAFT", locale: "en" },
      { action: "read", model: "Post", stage: "PUBLISHED", locale: "en" },
    ]);
  });

  it("adds nothing when any list is empty", () => {
    const set = new TouchSet();
    set.add("read", ["Post"], [], ["en"]);
    set.add("read", [], ["DRAFT"], ["en"]);
    set.add("read", ["Post"], ["DRAFT"], []);
    expect(set.list()).toEqual([]);
  });

  it("keys cannot collide across fields", () => {
    // With a printable separator, ("a b", "c") and ("a", "b c") could meet; GraphQL names cannot hold NUL.
    const a = touchKey({ action: "read", model: "A", stage: "B_C", locale: "en" });
    const b = touchKey({ action: "read", model: "A_B", stage: "C", locale: "en" });
    expect(a).not.toBe(b);
  });
});

describe("what the touches protect, through /v2 and the demo origin", () => {
  // Hygraph writes a create's or update's top-level localized fields to the default locale
  // (other locales go through `data.localizations`), whatever `gcms-locales` says. The demo
  // origin does the same (demo/src/mutations.ts: BASE_LOCALE).
  const DE_ONLY_EDITOR = [
    { action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" },
    { action: ["create", "update", "read"], model: "Post", stages: ["DRAFT"], locales: ["de"] },
  ];

  it("the origin writes a create's top-level fields to its default locale, even under gcms-locales: de", async () => {
    const everything = [{ action: "*", model: "*" }];
    const { v2, tag } = await demoProject({ publicPermissions: everything });
    const created = await postQuery(
      v2,
      { query: `mutation { createPost(data: { title: "Nur Deutsch", slug: "de-${tag}" }) { id } }` },
      { "gcms-locales": "de" },
    );
    expect(created.status).toBe(200);
    const { data } = (await created.json()) as { data: { createPost: { id: string } } };
    const read = await postQuery(v2, { query: `{ post(where: { id: "${data.createPost.id}" }, stage: DRAFT, locales: [en]) { title } }` });
    expect(await read.json()).toEqual({ data: { post: { title: "Nur Deutsch" } } });
  });

  // Top-level data lands in the origin's default locale, so an editor allowed only `de` must not
  // be able to write the `en` localization (Hygraph's table requires the default locale for Create).
  it("refuses a create by an editor allowed only in de, since it writes the default locale (en)", async () => {
    const { v2, tag } = await demoProject({ publicPermissions: DE_ONLY_EDITOR });
    const response = await postQuery(
      v2,
      { query: `mutation { createPost(data: { title: "Nur Deutsch", slug: "de-${tag}" }) { id } }` },
      { "gcms-locales": "de" },
    );
    expect(response.status).toBe(403);
    const body = (await response.json()) as { errors: { extensions: { failedActions: unknown[] } }[] };
    expect(body.errors[0]!.extensions.failedActions).toContainEqual({ action: "create", model: "Post", stage: "DRAFT", locale: "en" });
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("refuses an update by an editor allowed only in de, since it overwrites the default locale (en)", async () => {
    const everything = [{ action: "*", model: "*" }];
    const { v2, tag } = await demoProject({ publicPermissions: everything });
    const created = await postQuery(v2, { query: `mutation { createPost(data: { title: "English", slug: "en-${tag}" }) { id } }` });
    const { data } = (await created.json()) as { data: { createPost: { id: string } } };
    const editor = `p-${uniqueTag()}`;
    await configureProject(editor, "master", { origin: demoOrigin(tag), publicPermissions: DE_ONLY_EDITOR });
    const response = await postQuery(
      `/v2/${editor}/master`,
      { query: `mutation { updatePost(where: { id: "${data.createPost.id}" }, data: { title: "Überschrieben" }) { id } }` },
      { "gcms-locales": "de" },
    );
    expect(response.status).toBe(403);
    const read = await postQuery(v2, { query: `{ post(where: { id: "${data.createPost.id}" }, stage: DRAFT, locales: [en]) { title } }` });
    expect(await read.json()).toEqual({ data: { post: { title: "English" } } });
  });
});
