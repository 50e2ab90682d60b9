import { describe, expect, it } from "vitest";
import { buildSchema, introspectionFromSchema, parse, print } from "graphql";
import { buildSchemaKnowledge, schemaFromKnowledge } from "../../src/schema/knowledge";
import { introspection, knowledge, sdl } from "../fixtures/schema";

describe("buildSchemaKnowledge", () => {
  it("learns models as the object types implementing Node", () => {
    expect(knowledge.models).toEqual(["Author", "Page", "Post"]);
    expect(knowledge.nodeInterface).toBe("Node");
  });

  it("learns stages and locales from the Stage and Locale enums", () => {
    expect(knowledge.stages).toEqual(["DRAFT", "PUBLISHED"]);
    expect(knowledge.locales).toEqual(["en", "de"]);
    expect(knowledge.draftStage).toBe("DRAFT");
  });

  it("is JSON-serializable (stored in KV) and survives a round trip", () => {
    const copy = JSON.parse(JSON.stringify(knowledge));
    expect(copy).toEqual(knowledge);
    expect(schemaFromKnowledge(copy).getType("Post")).toBeDefined();
  });

  // [type, field, models, shape, where, access]
  it.each([
    ["Query", "post", ["Post"], "single", "PostWhereUniqueInput", "model-read"],
    ["Query", "posts", ["Post"], "list", "PostWhereInput", "model-read"],
    ["Query", "postsConnection", ["Post"], "connection", "PostWhereInput", "model-read"],
    ["Query", "node", ["Author", "Page", "Post"], "single", null, "model-read"],
    ["Query", "nodes", ["Author", "Page", "Post"], "list", null, "model-read"],
    ["Query", "search", ["Page", "Post"], "list", null, "model-read"],
    ["Query", "postVersion", [], "none", "VersionWhereInput", "version-read"],
    ["Query", "entities", ["Author", "Page", "Post"], "list", "EntityWhereInput", "refused"],
    ["Query", "serverTime", [], "none", null, "refused"],
    ["Post", "author", ["Author"], "single", null, "model-read"],
    ["Author", "posts", ["Post"], "list", "PostWhereInput", "model-read"],
    ["Post", "documentInStages", ["Post"], "list", null, "model-read"],
    ["Post", "localizations", ["Post"], "list", null, "model-read"],
    ["Post", "history", [], "none", null, "version-read"],
    ["Post", "seo", [], "none", null, "non-content"],
    ["Seo", "reviewer", ["Author"], "single", null, "model-read"],
    ["PostConnection", "edges", ["Post"], "other", null, "model-read"],
    ["PostEdge", "node", ["Post"], "single", null, "model-read"],
    ["PostConnection", "aggregate", [], "none", null, "non-content"],
    ["Post", "title", [], "none", null, "non-content"],
    ["Mutation", "createPost", ["Post"], "single", null, "write"],
    ["Mutation", "updateManyPostsConnection", ["Post"], "connection", "PostManyWhereInput", "write"],
    ["Mutation", "resetCache", [], "none", null, "write"],
  ])("%#: %s.%s returns %j as %s", (type, field, models, shape, where, access) => {
    expect(knowledge.types[type]?.[field]).toEqual({
      type: expect.any(String),
      models,
      shape,
      where,
      access: expect.objectContaining({ kind: access }),
    });
  });

  it("maps version reads to the model they read", () => {
    expect(knowledge.types["Query"]?.["postVersion"]?.access).toEqual({
      kind: "version-read",
      family: "document-version",
      models: ["Post"],
    });
    expect(knowledge.types["Post"]?.["history"]?.access).toEqual({ kind: "version-read", family: "history", models: ["Post"] });
  });

  it("records edge types of connections", () => {
    expect(knowledge.edgeTypes).toEqual(["AuthorEdge", "PageEdge", "PostEdge"]);
    expect(knowledge.connectionTypes).toEqual(["AuthorConnection", "PageConnection", "PostConnection"]);
  });

  // [mutation, action, model, many]
  it.each([
    ["createPost", "create", "Post", false],
    ["updatePost", "update", "Post", false],
    ["upsertPost", "upsert", "Post", false],
    ["deletePost", "delete", "Post", false],
    ["publishPost", "publish", "Post", false],
    ["unpublishPost", "unpublish", "Post", false],
    ["updateManyPostsConnection", "update", "Post", true],
    ["deleteManyPostsConnection", "delete", "Post", true],
    ["publishManyPostsConnection", "publish", "Post", true],
    ["unpublishManyPostsConnection", "unpublish", "Post", true],
    ["createAuthor", "create", "Author", false],
    ["publishManyAuthorsConnection", "publish", "Author", true],
    ["deleteManyPagesConnection", "delete", "Page", true],
    ["resetCache", null, null, false],
  ])("%#: mutation %s → %s %s", (name, action, model, many) => {
    expect(knowledge.mutations[name]).toEqual({ action, model, many });
  });

  it("treats a name that disagrees with the return type as unknown", () => {
    const k = buildSchemaKnowledge(
      introspectionFromSchema(
        buildSchema(`interface Node { id: ID! } type Post implements Node { id: ID! } type Page implements Node { id: ID! }
          type Query { posts: [Post!]! pages: [Page!]! }
          type Mutation { createPost: Page deletePost: Post publishManyPosts(where: String): BatchPayload! }
          type BatchPayload { count: Int! }`),
      ),
    );
    expect(k.mutations["createPost"]).toEqual({ action: null, model: null, many: false });
    expect(k.mutations["deletePost"]).toEqual({ action: "delete", model: "Post", many: false });
    // Hygraph's older batch form returns a BatchPayload: the model comes from the plural name.
    expect(k.mutations["publishManyPosts"]).toEqual({ action: "publish", model: "Post", many: true });
  });

  it("learns irregular plurals from the root list fields", () => {
    const k = buildSchemaKnowledge(
      introspectionFromSchema(
        buildSchema(`interface Node { id: ID! } type Person implements Node { id: ID! }
          type PersonEdge { node: Person! } type PersonConnection { edges: [PersonEdge!]! }
          type Query { people: [Person!]! }
          type Mutation { deleteManyPeopleConnection: PersonConnection! }`),
      ),
    );
    expect(k.mutations["deleteManyPeopleConnection"]).toEqual({ action: "delete", model: "Person", many: true });
    expect(k.types["Query"]?.["people"]?.models).toEqual(["Person"]);
  });

  it("works without Node, Stage or Locale (no models, no stages)", () => {
    const k = buildSchemaKnowledge(introspectionFromSchema(buildSchema("type Query { hello: String }")));
    expect(k).toMatchObject({ models: [], stages: [], locales: [], nodeInterface: null, stageEnum: null, localeEnum: null });
  });

  it("has a stable schemaHash that ignores definition order and changes with the schema", () => {
    const ast = parse(sdl);
    const reordered = print({ ...ast, definitions: [...ast.definitions].reverse() });
    const same = buildSchemaKnowledge(introspectionFromSchema(buildSchema(reordered)));
    expect(same.schemaHash).toBe(knowledge.schemaHash);
    expect(knowledge.schemaHash).toMatch(/^[0-9a-f]{64}$/);
    const changed = buildSchemaKnowledge(
      introspectionFromSchema(buildSchema(sdl.replace("excerpt: String", "excerpt: String\n  summary: String"))),
    );
    expect(changed.schemaHash).not.toBe(knowledge.schemaHash);
    expect(buildSchemaKnowledge(introspection).schemaHash).toBe(knowledge.schemaHash);
  });

  it("memoizes the graphql-js schema per knowledge object", () => {
    expect(schemaFromKnowledge(knowledge)).toBe(schemaFromKnowledge(knowledge));
  });
});
