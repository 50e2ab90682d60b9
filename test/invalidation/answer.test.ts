import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { learnFromAnswer } from "../../src/invalidation/answer";
import { mutationChanges, mutationFallback } from "../../src/invalidation/mutations";
import { planCache } from "../../src/invalidation/plan";
import { analyse, knowledge, schema } from "../fixtures/schema";

const planOf = (query: string) => {
  const document = parse(query);
  return planCache({ knowledge, schema, document, analysis: analyse(document), mode: "entry" });
};

/** An answer as the origin sends it for the augmented document. */
const answer = (data: unknown) => JSON.stringify({ data });

describe("learnFromAnswer: entries found, and what a miss depends on", () => {
  it.each<[string, string, unknown, string[], unknown]>([
    [
      "a lookup by slug that found an entry",
      '{ post(where: { slug: "a" }) { title } }',
      { post: { title: "A", _ce_id: "p1" } },
      ["E|PUBLISHED|Post|p1"],
      { post: { title: "A" } },
    ],
    [
      "a lookup by slug that found nothing: any entry may come to match",
      '{ post(where: { slug: "a" }) { title } }',
      { post: null },
      ["L|PUBLISHED|Post"],
      { post: null },
    ],
    [
      "a lookup by id that found nothing: that id",
      '{ post(where: { id: "p9" }) { title } }',
      { post: null },
      ["E|PUBLISHED|Post|p9"],
      { post: null },
    ],
    [
      "a single reference: the entry and references into its model",
      '{ post(where: { slug: "a" }) { title author { name } } }',
      { post: { title: "A", author: { name: "Ann", _ce_id: "a1" }, _ce_id: "p1" } },
      ["E|PUBLISHED|Author|a1", "E|PUBLISHED|Post|p1", "R|PUBLISHED|Author"],
      { post: { title: "A", author: { name: "Ann" } } },
    ],
    [
      "a missing reference: the target model (it may appear)",
      '{ post(where: { slug: "a" }) { author { name } } }',
      { post: { author: null, _ce_id: "p1" } },
      ["E|PUBLISHED|Post|p1", "L|PUBLISHED|Author"],
      { post: { author: null } },
    ],
    [
      "node: the model comes from __typename",
      '{ node(id: "n1") { id } }',
      { node: { id: "n1", _ce_type: "Page", _ce_id: "n1" } },
      ["E|PUBLISHED|Page|n1"],
      { node: { id: "n1" } },
    ],
    [
      "an unexpected model falls back to the position's models",
      '{ node(id: "n1") { id } }',
      { node: { id: "n1", _ce_type: "Stranger", _ce_id: "n1" } },
      ["L|PUBLISHED|Author", "L|PUBLISHED|Page", "L|PUBLISHED|Post"],
      { node: { id: "n1" } },
    ],
    [
      "several lookups",
      '{ a: post(where: { slug: "a" }) { title } b: page(where: { slug: "b" }) { title } }',
      { a: { title: "A", _ce_id: "p1" }, b: null },
      ["E|PUBLISHED|Post|p1", "L|PUBLISHED|Page"],
      { a: { title: "A" }, b: null },
    ],
  ])("%s", (_name, query, data, dependencies, client) => {
    const plan = planOf(query);
    const text = answer(data);
    const learned = learnFromAnswer(plan, text, JSON.parse(text));
    expect(learned.dependencies).toEqual(dependencies);
    expect(learned.body).toBe(answer(client));
  });

  it("answers with errors and no data are left as they are", () => {
    const plan = planOf('{ post(where: { slug: "a" }) { title } }');
    const text = '{"errors":[{"message":"boom"}],"data":null}';
    expect(learnFromAnswer(plan, text, JSON.parse(text))).toMatchObject({ body: text, dependencies: [] });
  });
});

describe("mutationChanges: what a /v2 mutation invalidates", () => {
  const run = (query: string, data: unknown, outcome: "ok" | "partial" | "refused" = "ok") => {
    const plan = planOf(query);
    const text = answer(data);
    return mutationChanges(plan, learnFromAnswer(plan, text, JSON.parse(text)).mutationIds, outcome);
  };

  it.each<[string, string, unknown, unknown[]]>([
    [
      "an update by slug: the id from the answer, no relation moved",
      'mutation { updatePost(where: { slug: "a" }, data: { title: "x" }) { title } }',
      { updatePost: { title: "x", _ce_id: "p1" } },
      [{ kind: "entries", stages: ["DRAFT"], model: "Post", ids: ["p1"], relations: false }],
    ],
    [
      "a publish by id",
      'mutation { publishPost(where: { id: "p1" }) { id } }',
      { publishPost: { id: "p1", _ce_id: "p1" } },
      [{ kind: "entries", stages: ["DRAFT", "PUBLISHED"], model: "Post", ids: ["p1"], relations: true }],
    ],
    [
      "a delete",
      'mutation { deletePost(where: { id: "p1" }) { id } }',
      { deletePost: { id: "p1", _ce_id: "p1" } },
      [{ kind: "entries", stages: "*", model: "Post", ids: ["p1"], relations: true }],
    ],
    [
      "an entry the answer does not name: its model",
      'mutation { updatePost(where: { slug: "a" }, data: { title: "x" }) { title } }',
      { updatePost: null },
      [{ kind: "model", stages: ["DRAFT"], models: ["Post"] }],
    ],
    [
      "a many-mutation: its model",
      "mutation { publishManyPostsConnection { aggregate { count } } }",
      { publishManyPostsConnection: { aggregate: { count: 3 } } },
      [{ kind: "model", stages: "*", models: ["Post"] }],
    ],
  ])("%s", (_name, query, data, changes) => {
    expect(run(query, data)).toEqual(changes);
  });

  it("a refused mutation changed nothing; the fallback names every model", () => {
    expect(run('mutation { deletePost(where: { id: "p1" }) { id } }', null, "refused")).toEqual([]);
    expect(
      mutationFallback(
        planOf('mutation { deletePost(where: { id: "p1" }) { id } updateAuthor(where: { id: "a" }, data: { name: "n" }) { id } }'),
      ),
    ).toEqual([{ kind: "model", stages: "*", models: ["Author", "Post"] }]);
  });
});
