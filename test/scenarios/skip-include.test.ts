import { describe, expect, it } from "vitest";
import { demoProject, originRequests, postQuery } from "../support/gateway";

/**
 * Fields skipped by `@skip` / `@include` (issue 19, finding 10): the origin does not execute them,
 * and their conditions are known before anything is forwarded (literals, or variables the request
 * carries), so they touch nothing. `{ posts { id } authors @include(if: false) { id } }` with
 * `read Post` only was a 403 naming Author although the origin would answer only `posts`.
 */
const READ_POST = [{ action: "read", model: "Post", stages: ["PUBLISHED"], locales: "*" }];

describe("@skip and @include decide what is touched", () => {
  it.each<[string, Record<string, unknown>]>([
    ["@include(if: false)", { query: "{ posts(first: 1) { id } authors @include(if: false) { id } }" }],
    ["@skip(if: true)", { query: "{ posts(first: 1) { id } authors @skip(if: true) { id } }" }],
    [
      "@skip by a variable",
      { query: "query($s: Boolean!) { posts(first: 1) { id } authors @skip(if: $s) { id } }", variables: { s: true } },
    ],
    ["on an inline fragment", { query: "{ posts(first: 1) { id ... @include(if: false) { author { name } } } }" }],
    [
      "on a fragment spread",
      {
        query: "query($i: Boolean!) { posts(first: 1) { id ...A @include(if: $i) } } fragment A on Post { author { name } }",
        variables: { i: false },
      },
    ],
  ])("%s: a skipped field of a model the caller may not read is not refused", async (_name, body) => {
    const project = await demoProject({ publicPermissions: READ_POST });
    const response = await postQuery(project.content, body);
    const answer = (await response.json()) as { data?: Record<string, unknown> };
    expect(response.status).toBe(200);
    expect(Object.keys(answer.data ?? {})).toEqual(["posts"]);
    expect(JSON.stringify(answer)).not.toContain("Ada");
    expect(await originRequests(project.tag)).toHaveLength(1);
  });

  it.each<[string, Record<string, unknown>]>([
    ["@include(if: true)", { query: "{ posts { id } authors @include(if: true) { id } }" }],
    [
      "@skip by a variable set to false",
      { query: "query($s: Boolean!) { posts { id } authors @skip(if: $s) { id } }", variables: { s: false } },
    ],
  ])("%s: an executed field is still a read", async (_name, body) => {
    const project = await demoProject({ publicPermissions: READ_POST });
    const response = await postQuery(project.content, body);
    expect(response.status).toBe(403);
    expect(await originRequests(project.tag)).toEqual([]);
  });
});
