/**
 * The site benchmark's origin: a content API for a website of 990 posts, executed by graphql-js,
 * with a configurable delay before every answer (`ORIGIN_DELAY_MS`, ~100 ms: a distant Hygraph
 * region). Content lives in the isolate and changes on `POST /__publish?post=<n>` (a new title and
 * publish time for post n, as an editor publishing would), which answers the entry's id for the
 * webhook the benchmark then sends to the gateway. `GET /__stats` counts GraphQL requests served.
 */
import { buildSchema, execute, parse, validate, specifiedRules } from "graphql";
import sdl from "./schema.graphql";

const POSTS = 990;
const AUTHORS = 12;
const WORDS =
  "edge cache content origin schema query stage locale publish draft author post page token latency throughput model field relation fragment variable document header worker isolate runtime bundle request response gateway invalidate webhook entry".split(
    " ",
  );

function words(seed, count) {
  const out = [];
  let x = (seed * 2654435761) >>> 0;
  for (let k = 0; k < count; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]);
  }
  return out;
}

const EPOCH = Date.UTC(2025, 0, 1);
const posts = Array.from({ length: POSTS }, (_, i) => ({
  id: `clsitepost${String(i).padStart(15, "0")}`,
  slug: `post-${i}`,
  title: words(i, 6).join(" "),
  excerpt: `${words(i + 7, 30).join(" ")}.`,
  body: `${words(i + 13, 160).join(" ")}.`,
  tags: [`tag-${i % 10}`, words(i + 3, 1)[0]],
  author: i % AUTHORS,
  publishedAt: new Date(EPOCH + i * 3_600_000).toISOString(),
  revision: 0,
}));
const bySlug = new Map(posts.map((p) => [p.slug, p]));
const byId = new Map(posts.map((p) => [p.id, p]));
const authors = Array.from({ length: AUTHORS }, (_, i) => ({
  __typename: "Author",
  id: `clsiteauthor${String(i).padStart(13, "0")}`,
  stage: "PUBLISHED",
  name: `Author ${i}`,
}));

const view = (p, stage) => ({ __typename: "Post", ...p, stage, author: () => authors[p.author] });

const rootValue = {
  node: ({ id, stage }) => {
    const p = byId.get(id);
    if (p) return view(p, stage);
    return authors.find((a) => a.id === id) ?? null;
  },
  post: ({ where, stage }) => {
    const p = where.id !== undefined && where.id !== null ? byId.get(where.id) : bySlug.get(where.slug);
    return p ? view(p, stage) : null;
  },
  posts: ({ where, first, skip, stage }) => {
    let list = [...posts].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1));
    const tags = where?.tags_contains_some;
    if (tags?.length) list = list.filter((p) => p.tags.some((t) => tags.includes(t)));
    return list.slice(skip ?? 0, (skip ?? 0) + Math.min(first ?? 20, 100)).map((p) => view(p, stage));
  },
};

const schema = buildSchema(sdl);
const documents = new Map();
let served = 0;

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/__stats") return json({ served });
    if (url.pathname === "/__publish" && request.method === "POST") {
      const p = posts[Number(url.searchParams.get("post")) % POSTS];
      p.revision++;
      p.title = `${words(p.revision * 7919 + Number(p.id.slice(-6)), 6).join(" ")} (revision ${p.revision})`;
      p.publishedAt = new Date().toISOString();
      return json({ id: p.id, stage: "PUBLISHED", __typename: "Post" });
    }
    let params;
    try {
      params = request.method === "POST" ? await request.json() : { query: url.searchParams.get("query") };
    } catch {
      return json({ errors: [{ message: "request body is not valid JSON" }] }, 400);
    }
    served++;
    const delay = Number(env.ORIGIN_DELAY_MS ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    let entry = documents.get(params.query);
    if (!entry) {
      try {
        const document = parse(params.query);
        const errors = validate(schema, document, specifiedRules);
        entry = errors.length ? { errors } : { document };
      } catch (error) {
        entry = { errors: [error] };
      }
      if (documents.size > 5_000) documents.clear();
      documents.set(params.query, entry);
    }
    if (entry.errors) return json({ errors: entry.errors.map((e) => ({ message: e.message })) }, 400);
    return json(
      await execute({
        schema,
        document: entry.document,
        rootValue,
        variableValues: params.variables ?? undefined,
        operationName: params.operationName ?? undefined,
      }),
    );
  },
};
