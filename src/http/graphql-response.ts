/**
 * Rendering gateway errors as GraphQL-over-HTTP responses (graphql.github.io/graphql-over-http,
 * §"Response"; GraphQL spec §7.1.2 "Errors").
 *
 * Status codes: our errors are request errors (no `data` entry), so
 * - with `application/graphql-response+json` the status MUST be 4xx/5xx: the error's own status is
 *   used, and a non-error status (Apollo's `PersistedQueryNotFound`, 200 for legacy clients) is
 *   raised to `400`;
 * - with legacy `application/json` the spec only says SHOULD use 200; we keep the error's status so
 *   caches, CDNs and monitoring see failures as failures (the body is the same GraphQL response).
 * Bodies are always UTF-8, and error responses are `Cache-Control: no-store`: no error is cached
 * (SPEC §3), and a CDN in front must not cache one either.
 */
import { GatewayError } from "../errors";
import { contentTypeHeader, GRAPHQL_RESPONSE_JSON, type GraphQLMediaType } from "./media-type";

/** One entry of a GraphQL response's `errors` list. */
export interface GraphQLErrorEntry {
  message: string;
  locations?: { line: number; column: number }[];
  extensions: { code: string; [key: string]: unknown };
}

/** A GraphQL response carrying only request errors (no `data` entry). */
export interface GraphQLErrorBody {
  errors: GraphQLErrorEntry[];
}

/**
 * Any thrown value as a {@link GatewayError}: gateway errors as they are, anything else as a
 * generic `500 INTERNAL_SERVER_ERROR` whose message reveals nothing (never a stack or a cause).
 *
 * @example
 * toGatewayError(new TypeError("x is undefined")).code; // "INTERNAL_SERVER_ERROR"
 */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError("Internal server error.");
}

/**
 * The GraphQL response body for an error: `{ errors: [{ message, extensions: { code, ... } }] }`.
 * `extensions.locations` (set by `parseDocument` on syntax errors) is moved to the standard
 * top-level `locations` member; `code` always comes from the error class.
 *
 * @example
 * graphQLErrorBody(new LimitExceededError("depth", 15, 16));
 * // { errors: [{ message: "The depth limit is 15; this request has 16.",
 * //              extensions: { code: "LIMIT_EXCEEDED", limit: "depth", max: 15, found: 16 } }] }
 */
export function graphQLErrorBody(error: GatewayError): GraphQLErrorBody {
  const { locations, ...extensions } = error.extensions;
  const entry: GraphQLErrorEntry = { message: error.message, extensions: { ...extensions, code: error.code } };
  if (Array.isArray(locations) && locations.length > 0) entry.locations = locations as GraphQLErrorEntry["locations"];
  return { errors: [entry] };
}

/**
 * The HTTP status to answer `error` with for `mediaType` (see the module comment).
 *
 * @example
 * errorStatus(new PersistedQueryNotFoundError(), "application/json"); // 200
 * errorStatus(new PersistedQueryNotFoundError(), "application/graphql-response+json"); // 400
 */
export function errorStatus(error: GatewayError, mediaType: GraphQLMediaType): number {
  if (mediaType === GRAPHQL_RESPONSE_JSON && error.status < 400) return 400;
  return error.status;
}

/**
 * A complete error `Response`: the status from {@link errorStatus}, the error's own headers
 * (`Allow`, `WWW-Authenticate`, …), `Content-Type` of the negotiated media type with
 * `charset=utf-8`, `Cache-Control: no-store`, and the {@link graphQLErrorBody} as JSON.
 * Non-gateway errors become a generic 500 (see {@link toGatewayError}). If the `Accept`
 * negotiation itself failed, pass `"application/json"`.
 *
 * @example
 * app.onError((err, c) => errorResponse(err, c.get("mediaType") ?? "application/json"));
 */
export function errorResponse(error: unknown, mediaType: GraphQLMediaType): Response {
  const gatewayError = toGatewayError(error);
  const headers = new Headers(gatewayError.headers);
  headers.set("content-type", contentTypeHeader(mediaType));
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(graphQLErrorBody(gatewayError)), { status: errorStatus(gatewayError, mediaType), headers });
}
