/**
 * The fixed benchmark origin: a real graphql-js executor over a Hygraph-style SDL with
 * deterministic data (origin/data.mjs). It answers introspection like the real thing, so the
 * gateway and the Yoga peer learn the same schema. Bundled by esbuild (bench/build.mjs) and run in
 * workerd by Miniflare; the SDL is inlined through esbuild's text loader.
 */
import { buildSchema, execute, parse, validate, specifiedRules } from "graphql";
import sdl from "./schema.graphql";
import { rootValue } from "./data.mjs";

const schema = buildSchema(sdl);

// Parsed and validated documents, keyed by source text; bounded so unique documents cannot grow it.
const documents = new Map();
const MAX_DOCUMENTS = 500;

function prepare(source) {
  let entry = documents.get(source);
  if (entry) return entry;
  try {
    const document = parse(source);
    const errors = validate(schema, document, specifiedRules);
    entry = errors.length ? { errors } : { document };
  } catch (error) {
    entry = { errors: [error] };
  }
  if (documents.size >= MAX_DOCUMENTS) documents.delete(documents.keys().next().value);
  documents.set(source, entry);
  return entry;
}

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

async function readParams(request) {
  if (request.method === "GET") {
    const url = new URL(request.url);
    const variables = url.searchParams.get("variables");
    return {
      query: url.searchParams.get("query"),
      variables: variables ? JSON.parse(variables) : undefined,
      operationName: url.searchParams.get("operationName") ?? undefined,
    };
  }
  if (request.method === "POST") return request.json();
  return null;
}

export default {
  async fetch(request) {
    let params;
    try {
      params = await readParams(request);
    } catch {
      return json({ errors: [{ message: "request body is not valid JSON" }] }, 400);
    }
    if (!params) return new Response("method not allowed", { status: 405, headers: { allow: "GET, POST" } });
    if (typeof params.query !== "string") return json({ errors: [{ message: "missing query" }] }, 400);
    const { document, errors } = prepare(params.query);
    if (errors) return json({ errors: errors.map((e) => ({ message: e.message })) }, 400);
    const result = await execute({
      schema,
      document,
      rootValue,
      variableValues: params.variables ?? undefined,
      operationName: params.operationName ?? undefined,
    });
    return json(result);
  },
};
