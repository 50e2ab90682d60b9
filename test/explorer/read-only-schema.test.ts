import { buildSchema, getIntrospectionQuery, graphqlSync, parse, printSchema, validate, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { readOnlyIntrospection, withoutWriteRoots } from "../../explorer/read-only-schema";

/** A schema shaped like a Hygraph one: shared types, an interface whose implementation no field names, write-only inputs. */
const SDL = `
  interface Node { id: ID! }
  type Post implements Node { id: ID! title: String stage: Stage author: Author }
  type Author implements Node { id: ID! name: String }
  "Reached only as a Node implementation."
  type Asset implements Node { id: ID! url: String }
  enum Stage { DRAFT PUBLISHED }
  input PostWhere { id: ID }
  input PostCreateInput { title: String }
  type PostConnection { edges: [Post!]! }
  type BatchPayload { count: Int! }
  scalar Json
  type Query { posts(where: PostWhere, stage: Stage): [Post!]! node(id: ID!): Node postsConnection: PostConnection }
  type Mutation { createPost(data: PostCreateInput!): Post publishPosts(where: PostWhere): BatchPayload! raw(j: Json): Int }
  type Subscription { postChanged: Post }
`;

describe("the /content explorer's schema", () => {
  const schema = buildSchema(SDL);
  const readOnly = withoutWriteRoots(schema);

  it("has no mutation or subscription root", () => {
    expect(readOnly.getMutationType()).toBeUndefined();
    expect(readOnly.getSubscriptionType()).toBeUndefined();
    expect(readOnly.getQueryType()?.name).toBe("Query");
  });

  it.each<[string, boolean]>([
    ["Query", true],
    ["Post", true],
    ["Author", true],
    ["Node", true],
    ["Asset", true], // a query can return it through node(id:)
    ["Stage", true],
    ["PostWhere", true], // a query's argument as well as a mutation's
    ["PostConnection", true],
    ["Mutation", false],
    ["Subscription", false],
    ["PostCreateInput", false], // only mutations take it
    ["BatchPayload", false], // only mutations return it
    ["Json", false],
  ])("%s is listed: %s", (name, listed) => {
    expect(readOnly.getType(name) !== undefined).toBe(listed);
  });

  it("keeps every query field as it was", () => {
    expect(printSchema(readOnly)).toContain(
      printSchema(buildSchema(SDL.replace(/type (Mutation|Subscription) \{[^}]*\}/g, "")))
        .split("type Query")[1]!
        .trim(),
    );
  });

  it("still validates what a query can do: arguments, nested fields, fragments on an implementation", () => {
    const document = parse(
      '{ posts(where: { id: "1" }, stage: PUBLISHED) { title author { name } } node(id: "1") { ... on Asset { url } } }',
    );
    expect(validate(readOnly, document)).toEqual([]);
  });

  it("filters an introspection answer as GraphiQL receives it", () => {
    const answer = graphqlSync({ schema, source: getIntrospectionQuery() }).data as unknown as IntrospectionQuery;
    expect(answer.__schema.mutationType?.name).toBe("Mutation");
    const filtered = readOnlyIntrospection(answer);
    expect(filtered.__schema.mutationType).toBeNull();
    expect(filtered.__schema.subscriptionType).toBeNull();
    expect(filtered.__schema.types.map((type) => type.name)).not.toContain("Mutation");
    expect(filtered.__schema.types.map((type) => type.name)).toContain("Asset");
  });

  it("leaves a schema without write roots as it is", () => {
    const queries = buildSchema("type Query { a: Int }");
    expect(withoutWriteRoots(queries)).toBe(queries);
  });
});
