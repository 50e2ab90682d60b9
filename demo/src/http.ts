/**
 * GraphQL over HTTP for the demo origin: GET (query, variables, operationName, extensions in the
 * URL) and POST (application/json or application/graphql), answered as application/json.
 */
import { GraphQLError, OperationTypeNode, execute, getOperationAST, parse, validate, type DocumentNode } from "graphql";
import { headerScope, type Context } from "./resolvers";
import { getSchema } from "./schema";
import { Loader } from "./store";

interface Params {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });

const failure = (message: string, status = 400, headers: Record<string, string> = {}) => json({ errors: [{ message }] }, status, headers);

function readParams(req: Request, url: URL, body: string | null): Params | Response {
  if (req.method === "GET") {
    const p = url.searchParams;
    try {
      const variables = p.get("variables");
      return {
        query: p.get("query") ?? undefined,
        operationName: p.get("operationName") ?? undefined,
        variables: variables ? JSON.parse(variables) : undefined,
      };
    } catch {
      return failure("variables is not valid JSON");
    }
  }
  if (req.method !== "POST") return failure(`Method ${req.method} not allowed`, 405, { allow: "GET, POST" });
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/graphql") return { query: body ?? "" };
  if (type !== "application/json" && type !== "") return failure(`Unsupported content type ${type}`, 415);
  try {
    const parsed: unknown = JSON.parse(body ?? "");
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      return failure("Body must be a JSON object (batching is not supported)");
    return parsed as Params;
  } catch {
    return failure("Body is not valid JSON");
  }
}

/** Parses, validates and executes one GraphQL request against the database. */
export async function handleGraphQL(req: Request, url: URL, body: string | null, db: D1Database): Promise<Response> {
  const params = readParams(req, url, body);
  if (params instanceof Response) return params;
  if (typeof params.query !== "string" || !params.query.trim()) return failure("Missing query");
  if (params.variables != null && (typeof params.variables !== "object" || Array.isArray(params.variables)))
    return failure("variables must be an object");
  const operationName = typeof params.operationName === "string" ? params.operationName : undefined;
  const schema = getSchema();
  let document: DocumentNode;
  try {
    document = parse(params.query);
  } catch (e) {
    return json({ errors: [(e as GraphQLError).toJSON()] }, 400);
  }
  const errors = validate(schema, document);
  if (errors.length) return json({ errors: errors.map((e) => e.toJSON()) }, 400);
  const op = getOperationAST(document, operationName);
  if (!op) return failure(operationName ? `Unknown operation ${operationName}` : "Operation name required");
  if (op.operation !== OperationTypeNode.QUERY && req.method === "GET") return failure("Mutations must use POST", 405, { allow: "POST" });
  const context: Context = { db, loader: new Loader(db), ...headerScope(req.headers) };
  const result = await execute({
    schema,
    document,
    operationName,
    contextValue: context,
    variableValues: (params.variables as Record<string, unknown> | undefined) ?? undefined,
  });
  return json(result);
}
