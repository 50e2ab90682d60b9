// `npm run documents -- push <dir-or-manifest> --url <gateway> --project <id> --environment <env>`:
// uploads a site's trusted documents (SPEC §3c, docs/trusted-documents.md) to
// `PUT /admin/projects/{p}/{e}/documents`, in requests of at most 1,000 documents.
//
// What it reads:
// - a directory: every `.graphql` / `.gql` file below it is one document, sent verbatim — the hash
//   is the SHA-256 of the file's exact text, so a client must send exactly that text (or only its
//   hash);
// - a JSON manifest `{ "<sha256>": "<query>" }`: graphql-codegen's client preset
//   (`persisted-documents.json`) and Relay (`persisted_queries.json`, with the `sha256` hash)
//   write this;
// - Apollo's persisted query manifest (`{ "format": "apollo-persisted-query-manifest",
//   "operations": [{ "id", "body" }] }`).
// Every hash is checked here before anything is sent (the gateway checks again).
//
// The token is CONTENT_EDGE_ADMIN_TOKEN (the break-glass admin token or an operator token with the
// editor role); it is sent as a header, never printed. No dependencies beyond Node.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

/** Documents per request: the gateway's `MAX_DOCUMENTS_PER_REQUEST`. */
export const CHUNK = 1_000;

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** SHA-256 (hex) of a text's UTF-8 bytes: what Apollo APQ, graphql-codegen and Relay hash. */
export function sha256Hex(text) {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Every `.graphql` / `.gql` file below `dir`, in name order (stable output, stable requests). */
function graphqlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...graphqlFiles(path));
    else if (/\.(graphql|gql)$/.test(name)) out.push(path);
  }
  return out;
}

/** `{ hash: query }` or Apollo's manifest as `[hash, query]` pairs; throws on any other shape. */
function manifestEntries(json, file) {
  if (json && json.format === "apollo-persisted-query-manifest" && Array.isArray(json.operations))
    return json.operations.map((op, i) => {
      if (typeof op?.id !== "string" || typeof op?.body !== "string") throw new Error(`${file}: operations[${i}] needs an id and a body`);
      return [op.id, op.body];
    });
  if (!json || typeof json !== "object" || Array.isArray(json))
    throw new Error(`${file}: expected { "<sha256>": "<query>" } (graphql-codegen, Relay) or an Apollo persisted query manifest`);
  return Object.entries(json).map(([hash, query]) => {
    if (typeof query !== "string") throw new Error(`${file}: the value of ${hash} is not a query string`);
    return [hash, query];
  });
}

/**
 * Reads the documents of a directory or a manifest: `[{ sha256, query, source }]` with lower-case
 * hashes, duplicates dropped. Throws, naming the entry, when a manifest's hash is not its query's.
 */
export function readDocuments(path) {
  const docs = new Map();
  if (statSync(path).isDirectory()) {
    for (const file of graphqlFiles(path)) {
      const query = readFileSync(file, "utf8");
      if (query.trim() === "") continue;
      const sha256 = sha256Hex(query);
      if (!docs.has(sha256)) docs.set(sha256, { sha256, query, source: relative(path, file) });
    }
  } else {
    const json = JSON.parse(readFileSync(path, "utf8"));
    for (const [hash, query] of manifestEntries(json, path)) {
      if (!HEX64.test(hash)) throw new Error(`${path}: ${hash} is not a SHA-256 hash (64 hex); the gateway trusts SHA-256 only`);
      const actual = sha256Hex(query);
      if (actual !== hash.toLowerCase()) throw new Error(`${path}: ${hash} is not the SHA-256 of its query (that is ${actual})`);
      docs.set(actual, { sha256: actual, query, source: hash });
    }
  }
  return [...docs.values()];
}

/** The `PUT …/documents` requests for `documents`, in chunks of {@link CHUNK}. */
export function pushRequests(documents, { url, project, environment, token }) {
  const target = new URL(`/admin/projects/${encodeURIComponent(project)}/${encodeURIComponent(environment)}/documents`, url).toString();
  const requests = [];
  for (let i = 0; i < documents.length; i += CHUNK) {
    const chunk = documents.slice(i, i + CHUNK).map(({ sha256, query }) => ({ sha256, query }));
    requests.push({
      url: target,
      init: {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ documents: chunk }),
      },
    });
  }
  return requests;
}

/** `--name value` and `--name=value` options, and the positional arguments. */
export function parseArgs(argv) {
  const options = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) positional.push(arg);
    else if (match[2] !== undefined) options[match[1]] = match[2];
    else if (match[1] === "dry-run") options["dry-run"] = "true";
    else options[match[1]] = argv[++i];
  }
  return { options, positional };
}

const USAGE =
  "usage: npm run documents -- push <dir-or-manifest> --url <gateway URL> --project <id> --environment <env> [--dry-run]\n" +
  "       the token is read from CONTENT_EDGE_ADMIN_TOKEN (an editor's operator token or the admin token)";

/**
 * Runs the CLI; resolves to the exit code. `log` and `error` print, `fetchImpl` sends (tests pass
 * their own).
 */
export async function main(argv, env = process.env, io = { log: console.log, error: console.error, fetchImpl: fetch }) {
  const { options, positional } = parseArgs(argv);
  const [command, path] = positional;
  if (command !== "push" || !path || !options.url || !options.project || !options.environment) {
    io.error(USAGE);
    return 2;
  }
  const token = env.CONTENT_EDGE_ADMIN_TOKEN;
  if (!token && !options["dry-run"]) {
    io.error("CONTENT_EDGE_ADMIN_TOKEN is not set.");
    return 2;
  }
  let documents;
  try {
    documents = readDocuments(path);
  } catch (error) {
    io.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  for (const doc of documents) io.log(`${doc.sha256}  ${doc.source}`);
  if (options["dry-run"]) {
    io.log(`${documents.length} documents (dry run: nothing sent)`);
    return 0;
  }
  let added = 0;
  let total = 0;
  for (const request of pushRequests(documents, { url: options.url, project: options.project, environment: options.environment, token })) {
    const response = await io.fetchImpl(request.url, request.init);
    const text = await response.text();
    if (response.status !== 200) {
      io.error(`PUT ${request.url}: ${response.status} ${text}`);
      return 1;
    }
    const answer = JSON.parse(text);
    added += answer.added;
    total = answer.total;
  }
  io.log(`${documents.length} documents pushed to ${options.project}/${options.environment}: ${added} new, ${total} trusted in all`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
