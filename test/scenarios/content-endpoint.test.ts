import { describe, expect, it } from "vitest";
import { demoProject, errorCode, gateway, getQuery, originRequests, postQuery } from "../support/gateway";

describe("/content serves queries from the origin", () => {
  it("answers a POSTed query with the origin's published posts", async () => {
    const { tag, content } = await demoProject();
    const response = await postQuery(content, { query: "{ posts { title } }" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/graphql-response\+json/);
    const body = (await response.json()) as { data: { posts: { title: string }[] } };
    expect(body.data.posts.length).toBeGreaterThan(0);
    expect(body.data.posts.every((post) => typeof post.title === "string")).toBe(true);
    const [reached, ...more] = await originRequests(tag);
    expect(more).toHaveLength(0);
    expect(reached?.method).toBe("POST");
    expect(reached?.headers["gcms-stage"]).toBe("PUBLISHED");
    expect(reached?.headers["gcms-locales"]).toBe("en");
  });

  it("answers the same query over GET with URL parameters", async () => {
    const { content } = await demoProject();
    const post = await (await postQuery(content, { query: "{ posts { title } }" })).json();
    const get = await getQuery(content, { query: "{ posts { title } }" });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual(post);
  });

  it("forwards variables and follows operationName in a multi-operation document", async () => {
    const { tag, content } = await demoProject();
    const query = "query A { posts(first: 1) { title } } query B($n: Int) { posts(first: $n) { title } }";
    const response = await postQuery(content, { query, operationName: "B", variables: { n: 2 } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { posts: unknown[] } };
    expect(body.data.posts).toHaveLength(2);
    const [reached] = await originRequests(tag);
    expect(JSON.parse(reached!.body)).toMatchObject({ operationName: "B", variables: { n: 2 } });
  });

  it("answers application/json to a client that does not ask for graphql-response+json", async () => {
    const { content } = await demoProject();
    const response = await gateway(content, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("answers 404 PROJECT_NOT_FOUND for a project nobody configured", async () => {
    const response = await postQuery("/content/nobody/master", { query: "{ __typename }" });
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe("PROJECT_NOT_FOUND");
  });
});

describe("/content is read-only", () => {
  const mutation = 'mutation { createPost(data: { title: "x", slug: "x" }) { id } }';

  it.each([
    ["a mutation over POST", "POST", mutation, undefined, 400, "READ_ONLY_ENDPOINT"],
    ["a subscription over POST", "POST", "subscription { posts { id } }", undefined, 400, "READ_ONLY_ENDPOINT"],
    [
      "the mutation chosen by operationName",
      "POST",
      `query Q { __typename } ${mutation.replace("mutation", "mutation M")}`,
      "M",
      400,
      "READ_ONLY_ENDPOINT",
    ],
    ["a mutation over GET", "GET", mutation, undefined, 405, "METHOD_NOT_ALLOWED"],
  ])("refuses %s before the origin is contacted", async (_name, method, query, operationName, status, code) => {
    const { tag, content, projectId } = await demoProject();
    const response =
      method === "GET"
        ? await getQuery(content, { query, ...(operationName ? { operationName } : {}) })
        : await postQuery(content, { query, ...(operationName ? { operationName } : {}) });
    expect(response.status).toBe(status);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe(code);
    if (status === 405) expect(response.headers.get("allow")).toBe("POST");
    if (code === "READ_ONLY_ENDPOINT") expect(body.errors[0]?.message).toContain(`/v2/${projectId}/master`);
    expect(await originRequests(tag)).toHaveLength(0);
  });

  it("lets the query of a document that also holds a mutation through when operationName picks it", async () => {
    const { content } = await demoProject();
    const response = await postQuery(content, {
      query: `query Q { __typename } mutation M { deletePost(where: { id: "x" }) { id } }`,
      operationName: "Q",
    });
    expect(response.status).toBe(200);
  });
});
