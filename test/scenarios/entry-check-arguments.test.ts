import { afterEach, describe, expect, it, vi } from "vitest";
import { sdl } from "../fixtures/schema";
import { genericOrigin } from "../fixtures/generic-origin";
import { schemaVariant, type SchemaCuts } from "../fixtures/schema-variants";
import { configureProject, postQuery, uniqueTag } from "../support/gateway";

/**
 * Issue 19, finding 3, through the real Worker: a conditioned model at a single-entry position
 * (a relation, a unique lookup) is checked by one more request to the model's root list field,
 * and that request may use only the arguments the origin's schema has. Hygraph's list fields take
 * `locales`, `first` and `where: { id_in }`; an origin whose `authors` lacks some of them used to
 * get a check request it could not validate, and the client a 500. The entry is now answered when
 * it satisfies the condition and `null` when it does not, or — when the schema leaves no way to
 * name the entries to check — the request is a typed 403, never a 500.
 *
 * The origin is the generic in-memory origin over a variant of the fixture schema, reached through
 * the Worker's own `fetch` (stubbed for this origin's host only).
 */
const ORIGIN_HOST = "variant-origin.test";
const sent: { body: string; headers: Headers }[] = [];

function serve(cuts: SchemaCuts) {
  const origin = genericOrigin(schemaVariant(sdl, cuts), { baseLocale: "en" });
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).hostname !== ORIGIN_HOST) return realFetch(input, init);
    const body = await request.text();
    sent.push({ body, headers: request.headers });
    return Response.json(origin.run(body, request.headers).result);
  });
  return origin;
}

afterEach(() => {
  vi.restoreAllMocks();
  sent.length = 0;
});

/** A project on the variant origin with `rules` for public callers. */
async function project(rules: unknown[]): Promise<string> {
  const id = `p-${uniqueTag()}`;
  await configureProject(id, "master", { origin: `https://${ORIGIN_HOST}/graphql`, publicPermissions: rules });
  return `/content/${id}/master`;
}

const READ_ALL = [{ action: "read", model: "*", stages: ["PUBLISHED"], locales: "*" }];
const authorUnder = (condition: Record<string, unknown>) => [
  { action: "read", model: "Author", stages: ["PUBLISHED"], locales: "*", condition },
  { action: "read", model: ["Post", "Page"], stages: ["PUBLISHED"], locales: "*" },
];

async function ask(content: string, query: string): Promise<{ status: number; body: { data?: unknown; errors?: unknown[] } }> {
  const response = await postQuery(content, { query });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown[] } };
}

/** The check requests that reached the origin (the documents asking `authors`), with their headers. */
const checkRequests = () =>
  sent
    .map((s) => ({ query: (JSON.parse(s.body) as { query: string }).query, headers: s.headers }))
    .filter((s) => /^\{\s*g0: authors/.test(s.query));

describe.each<[string, SchemaCuts, RegExp]>([
  ["authors without locales and first", { args: { "Query.authors": ["locales", "first"] } }, /id_in:/],
  [
    "authors without locales and first, and AuthorWhereInput without id_in",
    { args: { "Query.authors": ["locales", "first"] }, inputFields: { AuthorWhereInput: ["id_in"] } },
    /OR: \[\{id: /,
  ],
])("a conditioned Author when %s", (_name, cuts, idFilter) => {
  it("a single relation: the author is answered when it satisfies the condition, null when it does not", async () => {
    const origin = serve(cuts);
    const [P1] = origin.ids["Post"]!;
    const query = `{ post(where: { id: "${P1}" }) { id author { id name } } }`;
    const plain = await ask(await project(READ_ALL), query);
    const author = (plain.body.data as { post: { author: { id: string } } }).post.author.id;
    const other = origin.ids["Author"]!.find((id) => id !== author)!;

    expect(await ask(await project(authorUnder({ id: author })), query)).toEqual(plain);
    expect(await ask(await project(authorUnder({ id: other })), query)).toEqual({
      status: 200,
      body: { data: { post: { id: P1, author: null } } },
    });
    // What reached the origin: arguments the schema has, the locale in the header.
    const checks = checkRequests();
    expect(checks).toHaveLength(2);
    for (const check of checks) {
      expect(check.query).not.toMatch(/locales|first/);
      expect(check.query).toMatch(idFilter);
      expect(check.headers.get("gcms-locales")).toBe("en");
    }
  });

  it("a unique lookup of the conditioned model: answered, or null", async () => {
    const origin = serve(cuts);
    const [A1, A2] = origin.ids["Author"]!;
    const query = `{ author(where: { id: "${A2}" }) { id name } }`;
    const plain = await ask(await project(READ_ALL), query);
    expect(plain.status).toBe(200);

    expect(await ask(await project(authorUnder({ id: A2 })), query)).toEqual(plain);
    expect(await ask(await project(authorUnder({ id: A1 })), query)).toEqual({ status: 200, body: { data: { author: null } } });
  });
});

describe("a schema that cannot name the entries to check", () => {
  it("AuthorWhereInput without id_in or OR: a typed 403 CONDITION_UNENFORCEABLE, nothing answered", async () => {
    const origin = serve({ args: { "Query.authors": ["locales", "first"] }, inputFields: { AuthorWhereInput: ["id_in", "OR"] } });
    const [A2] = origin.ids["Author"]!;
    const content = await project(authorUnder({ id: A2 }));
    const { status, body } = await ask(content, `{ author(where: { id: "${A2}" }) { id name } }`);
    expect(status).toBe(403);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: "FORBIDDEN", reason: "CONDITION_UNENFORCEABLE" } });
    expect(body.data).toBeUndefined();
  });
});
