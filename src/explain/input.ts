/**
 * The body of `POST /admin/projects/{p}/{e}/explain`: a `/content` request as a client would send
 * it (query, variables, operation name, the headers that change a decision or a cache outcome)
 * and the principal it would come from. Validated strictly: an unknown member is refused, as in
 * every admin body, so a typo never explains a different request than the one meant.
 */
import { BadRequestError } from "../errors";

/** Request headers an explanation takes: the ones the pipeline reads for decisions and freshness. */
export const EXPLAIN_HEADERS = ["gcms-stage", "gcms-locales", "hyg-stale-while-revalidate", "hyg-stale-if-error"] as const;

/** Who the request would come from. A JWT payload is taken as if its signature were valid. */
export type HypotheticalPrincipal = { type: "public" } | { type: "token"; id: string } | { type: "jwt"; payload: Record<string, unknown> };

export interface ExplainInput {
  query: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
  headers: Headers;
  principal: HypotheticalPrincipal;
}

const MEMBERS = new Set(["query", "variables", "operationName", "headers", "principal"]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function bad(field: string, message: string): BadRequestError {
  return new BadRequestError(`${field}: ${message}`, { field });
}

/**
 * Validates an explain body.
 *
 * @throws {BadRequestError} (400) naming the offending member in `extensions.field`.
 * @example
 * parseExplainInput({ query: "{ posts { id } }", headers: { "gcms-stage": "DRAFT" }, principal: { type: "token", id } });
 */
export function parseExplainInput(raw: unknown): ExplainInput {
  if (!isObject(raw)) throw bad("body", 'must be a JSON object: { "query", "variables"?, "operationName"?, "headers"?, "principal"? }');
  for (const key of Object.keys(raw)) if (!MEMBERS.has(key)) throw bad(key, "is not a member of an explain request");
  const { query, variables, operationName } = raw;
  if (typeof query !== "string" || query.trim() === "") throw bad("query", "must be a non-empty GraphQL document");
  if (variables !== undefined && variables !== null && !isObject(variables)) throw bad("variables", "must be an object or null");
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string")
    throw bad("operationName", "must be a string or null");
  return {
    query,
    variables: (variables as Record<string, unknown> | undefined) ?? null,
    operationName: (operationName as string | undefined) || null,
    headers: parseHeaders(raw["headers"]),
    principal: parsePrincipal(raw["principal"]),
  };
}

function parseHeaders(raw: unknown): Headers {
  const headers = new Headers();
  if (raw === undefined || raw === null) return headers;
  if (!isObject(raw)) throw bad("headers", "must be an object of header names to values");
  for (const [name, value] of Object.entries(raw)) {
    const lower = name.toLowerCase();
    if (!(EXPLAIN_HEADERS as readonly string[]).includes(lower))
      throw bad(`headers.${name}`, `is not one of ${EXPLAIN_HEADERS.join(", ")}`);
    // Header values are visible ASCII and spaces (RFC 9110 §5.5); anything else could not be sent.
    if (typeof value !== "string" || !/^[\x20-\x7e]*$/.test(value)) throw bad(`headers.${name}`, "must be a string of printable ASCII");
    if (value.trim() !== "") headers.set(lower, value);
  }
  return headers;
}

function parsePrincipal(raw: unknown): HypotheticalPrincipal {
  if (raw === undefined || raw === null || raw === "public") return { type: "public" };
  if (!isObject(raw)) throw bad("principal", 'must be "public", { "type": "token", "id" } or { "type": "jwt", "payload" }');
  const allowed = raw["type"] === "token" ? ["type", "id"] : raw["type"] === "jwt" ? ["type", "payload"] : ["type"];
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) throw bad(`principal.${key}`, "is not a member of this principal");
  switch (raw["type"]) {
    case "public":
      return { type: "public" };
    case "token": {
      const id = raw["id"];
      if (typeof id !== "string" || id.trim() === "" || id.length > 200)
        throw bad("principal.id", "must be a token id (from GET …/tokens)");
      return { type: "token", id: id.trim() };
    }
    case "jwt": {
      const payload = raw["payload"];
      if (!isObject(payload)) throw bad("principal.payload", "must be the JWT's payload (its claims) as an object");
      return { type: "jwt", payload };
    }
    default:
      throw bad("principal.type", 'must be "public", "token" or "jwt"');
  }
}
