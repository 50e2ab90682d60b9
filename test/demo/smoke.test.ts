import { it, expect } from "vitest";
import { gql } from "./helpers";
it("works", async () => {
  const d = await gql(`{ posts { id title locale stage author { name } } postsConnection(first: 2) { aggregate { count } pageInfo { hasNextPage pageSize } } }`);
  console.log(JSON.stringify(d, null, 1));
  expect(d.posts.length).toBe(6);
});
