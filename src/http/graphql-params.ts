/**
 * GraphQL-over-HTTP request parameters (graphql.github.io/graphql-over-http, §"Request
 * Parameters", §"GET", §"POST"). Turns an HTTP request into `{ query, variables, operationName,
 * extensions }` — or a list of them for a JSON-array batch when batching is enabled — validating
 * every member's type exactly, and enforcing the URL and body byte limits on the way in.
 *
 * What is left for later stages: parsing the document (`src/graphql/document.ts`), selecting the
 * operation (`src/graphql/operation.ts`) and resolving Apollo persisted queries (a request
 * without `query` is let through here only when it carries `extensions.persistedQuery`).
 */
import { BadRequestError, LimitExceededError, MethodNotAllowedError } from "../errors";
import type { RequestLimits } from "../graphql/limits";
import { assertUrlWithinLimit, readBodyText } from "./body";
import { assertJsonDepth } from "./json-body";
import { assertJsonContentType } from "./media-type";

/** The parameters of one GraphQL request. `query` is absent only for an APQ hash-only request. */
export interface GraphQLParams {
  query?: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
  extensions: Record<string, unknown> | null;
}

/** Methods the GraphQL endpoints serve (RFC 9110 §10.2.1 `Allow`). */
export const GRAPHQL_ALLOW = "GET, POST";

const PARAM_NAMES = ["query", "variables", "operationName", "extensions"] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function invalid(message: string, param: string, batchIndex: number | undefined): BadRequestError {
  return new BadRequestError(message, batchIndex === undefined ? { param } : { param, batchIndex });
}

/**
 * Validates one decoded parameter object (from the URL or a JSON body) against GraphQL-over-HTTP
 * §"Request Parameters": `query` a string, `operationName` a string or null, `variables` and
 * `extensions` JSON objects or null. `query` may be missing (or null) only when
 * `extensions.persistedQuery` is an object (Apollo APQ). Unknown members are ignored.
 *
 * @example
 * validateParams({ query: "{ posts { id } }" });
 * // { query: "{ posts { id } }", variables: null, operationName: null, extensions: null }
 * validateParams({ query: 1 }); // throws BadRequestError { extensions: { param: "query" } }
 */
export function validateParams(body: unknown, batchIndex?: number): GraphQLParams {
  const where = batchIndex === undefined ? "" : ` (batch item ${batchIndex})`;
  if (!isPlainObject(body)) {
    throw invalid(`The GraphQL request must be a JSON object, not ${describe(body)}${where}.`, "body", batchIndex);
  }
  const { query, variables, operationName, extensions } = body;
  if (query !== undefined && query !== null && typeof query !== "string") {
    throw invalid(`"query" must be a string, not ${describe(query)}${where}.`, "query", batchIndex);
  }
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) {
    throw invalid(`"variables" must be an object or null, not ${describe(variables)}${where}.`, "variables", batchIndex);
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    throw invalid(`"operationName" must be a string or null, not ${describe(operationName)}${where}.`, "operationName", batchIndex);
  }
  if (extensions !== undefined && extensions !== null && !isPlainObject(extensions)) {
    throw invalid(`"extensions" must be an object or null, not ${describe(extensions)}${where}.`, "extensions", batchIndex);
  }
  const params: GraphQLParams = {
    variables: variables ?? null,
    operationName: operationName ?? null,
    extensions: extensions ?? null,
  };
  if (typeof query === "string") params.query = query;
  else if (!isPlainObject(params.extensions?.["persistedQuery"])) {
    throw invalid(`The GraphQL request is missing "query"${where}.`, "query", batchIndex);
  }
  return params;
}

/**
 * Decodes a JSON-encoded URL parameter (GraphQL-over-HTTP §"GET": variables and extensions), at
 * most `maxDepth` levels deep.
 */
function jsonParam(name: string, raw: string, maxDepth: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch {
    throw new BadRequestError(`The "${name}" URL parameter is not valid JSON.`, { param: name });
  }
  assertJsonDepth(value, maxDepth);
  return value;
}

/**
 * GET (and HEAD): parameters come from the URL query (`application/x-www-form-urlencoded`,
 * GraphQL-over-HTTP §"GET"). `variables` and `extensions` are JSON-encoded; an empty value counts
 * as absent, as does an empty `operationName`. A parameter given twice is ambiguous → `400`.
 */
function paramsFromUrl(url: URL, limits: RequestLimits): GraphQLParams {
  const decoded: Record<string, unknown> = {};
  for (const name of PARAM_NAMES) {
    const values = url.searchParams.getAll(name);
    if (values.length > 1) throw new BadRequestError(`The "${name}" URL parameter is given more than once.`, { param: name });
    const [raw] = values;
    if (raw === undefined) continue;
    if (name === "variables" || name === "extensions") {
      if (raw !== "") decoded[name] = jsonParam(name, raw, limits.maxJsonDepth);
    } else if (name === "operationName") {
      if (raw !== "") decoded[name] = raw;
    } else decoded[name] = raw;
  }
  return validateParams(decoded);
}

/**
 * POST: the body is `application/json` (GraphQL-over-HTTP §"POST"), a JSON object — or, only when
 * `limits.maxBatch > 0`, a non-empty array of at most `maxBatch` such objects.
 */
async function paramsFromBody(request: Request, limits: RequestLimits): Promise<GraphQLParams | GraphQLParams[]> {
  assertJsonContentType(request.headers.get("content-type"));
  const text = await readBodyText(request, limits.maxBodyBytes);
  if (text.trim() === "") throw new BadRequestError("The request body is missing; POST a JSON object.", { param: "body" });
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestError("The request body is not valid JSON.", { param: "body" });
  }
  // Before anything walks it: a value nested thousands deep overflows every recursive walk.
  assertJsonDepth(body, limits.maxJsonDepth);
  if (!Array.isArray(body)) return validateParams(body);
  if (limits.maxBatch === 0) {
    throw new LimitExceededError("batch", 0, body.length, "Batched requests (a JSON array body) are not enabled on this endpoint.");
  }
  if (body.length === 0) throw new BadRequestError("A batched request must contain at least one operation.", { param: "body" });
  if (body.length > limits.maxBatch) throw new LimitExceededError("batch", limits.maxBatch, body.length);
  return body.map((item: unknown, index) => validateParams(item, index));
}

/**
 * Reads the GraphQL-over-HTTP parameters of `request`:
 * 1. URL longer than `limits.maxUrlBytes` → `UriTooLongError` (414), for every method;
 * 2. GET/HEAD → parameters from the URL; POST → JSON body (`415` unless `application/json`,
 *    `413` past `limits.maxBodyBytes`, `400` on broken JSON), an array only as an enabled batch
 *    (`LimitExceededError` "batch" when refused or too large); other methods →
 *    `MethodNotAllowedError` with `Allow: GET, POST` (405);
 *    A body, or a GET's `variables`/`extensions`, nested past `limits.maxJsonDepth` is a
 *    `LimitExceededError` "jsonDepth" (400), before anything walks it;
 * 3. every member type-checked (see {@link validateParams}) → `BadRequestError` (400) with
 *    `extensions.param` naming the bad member (and `batchIndex` inside a batch).
 *
 * @example
 * const params = await parseGraphQLParams(c.req.raw, limits);
 * if (Array.isArray(params)) { ...batch... } else { params.query; params.variables; }
 */
export async function parseGraphQLParams(request: Request, limits: RequestLimits): Promise<GraphQLParams | GraphQLParams[]> {
  assertUrlWithinLimit(request.url, limits.maxUrlBytes);
  const method = request.method.toUpperCase();
  if (method === "GET" || method === "HEAD") return paramsFromUrl(new URL(request.url), limits);
  if (method === "POST") return paramsFromBody(request, limits);
  throw new MethodNotAllowedError(`The ${method} method is not supported; use GET or POST.`, GRAPHQL_ALLOW);
}
