import { describe, expect, it } from "vitest";
import { demoProject, errorCode, getQuery, originRequests, postQuery, PUBLIC_READ } from "../support/gateway";

describe("/v2 proxies queries and mutations to the origin", () => {
  it("forwards a permitted mutation and returns the origin's answer", async () => {
    const { tag, v2 } = await demoProject({
      publicPermissions: [...PUBLIC_READ, { action: ["create", "read"], model: "Post", stages: ["DRAFT"], locales: "*" }],
    });
    const slug = `v2-${tag}`;
    const response = await postQuery(v2, {
      query: "mutation($data: PostCreateInput!) { createPost(data: $data) { slug stage } }",
      variables: { data: { title: "Through v2", slug } },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { createPost: { slug, stage: "DRAFT" } } });
    const [reached] = await originRequests(tag);
    expect(reached?.path).toBe(`/t/${tag}/graphql`);
  });

  it("answers queries too", async () => {
    const { v2 } = await demoProject();
    const response = await postQuery(v2, { query: "{ __typename }" });
    expect(await response.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("refuses a mutation over GET with 405 and Allow: POST", async () => {
    const { tag, v2 } = await demoProject();
    const response = await getQuery(v2, { query: 'mutation { deletePost(where: { id: "x" }) { id } }' });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await errorCode(response)).toBe("METHOD_NOT_ALLOWED");
    expect(await originRequests(tag)).toHaveLength(0);
  });
});
