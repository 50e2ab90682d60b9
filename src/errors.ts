import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { OriginFailureReason } from "./origin/failure";

/**
 * The gateway's error tree. Every failure a client can see is one of these: a stable `code`
 * (sent as GraphQL `errors[].extensions.code`), an HTTP status, and optional extra extensions.
 * Codes are the contract; messages are for humans and may change. Modelled on panva/jose's
 * `JOSEError` tree: branch on `code`, never on wording. They are Hono `HTTPException`s, so a
 * middleware can throw them and the app's one `onError` renders them as GraphQL error bodies.
 */
export class GatewayError extends HTTPException {
  /** Stable machine-readable code, e.g. `BAD_REQUEST`. */
  readonly code: string = "INTERNAL_SERVER_ERROR";
  /** HTTP status the error is answered with. */
  override readonly status: ContentfulStatusCode = 500;
  /** Extra `extensions` members, e.g. `{ limit: "depth", max: 12, found: 13 }`. */
  readonly extensions: Record<string, unknown>;
  /** Extra response headers, e.g. `Allow` or `WWW-Authenticate`. */
  readonly headers: Record<string, string>;

  constructor(message: string, extensions: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(500, { message });
    this.name = new.target.name;
    this.extensions = extensions;
    this.headers = headers;
  }
}

/** The request is not a well-formed GraphQL-over-HTTP request (broken JSON, missing query, …). */
export class BadRequestError extends GatewayError {
  override readonly code: string = "BAD_REQUEST";
  override readonly status: ContentfulStatusCode = 400;
}

/** The GraphQL document does not parse (syntax error). */
export class GraphQLParseError extends BadRequestError {
  override readonly code = "GRAPHQL_PARSE_FAILED";
}

/** The document parses but is not valid for the request (unknown operation name, …). */
export class GraphQLValidationError extends BadRequestError {
  override readonly code = "GRAPHQL_VALIDATION_FAILED";
}

/** Where a stage or locale value came from, named in the error (`extensions.header`, …). */
export type ScopeValueSource =
  { header: "gcms-stage" | "gcms-locales" } | { argument: string } | { variable: string } | { setting: string } | { field: string };

/**
 * A stage or locale value that is not a member of the origin's `Stage` / `Locale` enum (SPEC §3a):
 * `INVALID_STAGE` or `INVALID_LOCALE`, with the header, argument, variable or setting it came from.
 * Names are case-sensitive, as GraphQL enum values are.
 */
export class InvalidScopeValueError extends BadRequestError {
  override readonly code: "INVALID_STAGE" | "INVALID_LOCALE";
  constructor(kind: "stage" | "locale", source: ScopeValueSource, value: unknown, allowed: readonly string[]) {
    const [[where, name]] = Object.entries(source) as [[string, string]];
    const shown = JSON.stringify(value) ?? String(value);
    super(
      `${where === "header" ? name : `${where} ${name}`}: ${shown.length > 80 ? `${shown.slice(0, 77)}…` : shown} is not a ${kind} of this project (${allowed.join(", ") || "none"}).`,
      { ...source, allowed: [...allowed] },
    );
    this.code = kind === "stage" ? "INVALID_STAGE" : "INVALID_LOCALE";
  }
}

/** A configured limit (depth, aliases, tokens, directives, batch size) was exceeded. */
export class LimitExceededError extends BadRequestError {
  override readonly code = "LIMIT_EXCEEDED";
  constructor(limit: string, max: number, found: number, message?: string) {
    super(message ?? `The ${limit} limit is ${max}; this request has ${found}.`, { limit, max, found });
  }
}

/** A mutation or subscription sent to the read-only `/content` endpoint. */
export class ReadOnlyEndpointError extends GatewayError {
  override readonly code = "READ_ONLY_ENDPOINT";
  override readonly status: ContentfulStatusCode = 400;
}

/** RFC 9110 §15.5.6: the method is not allowed for this request (e.g. a mutation over GET). */
export class MethodNotAllowedError extends GatewayError {
  override readonly code = "METHOD_NOT_ALLOWED";
  override readonly status = 405;
  constructor(message: string, allow: string) {
    super(message, {}, { allow });
  }
}

/** RFC 9110 §15.5.14: request body larger than the configured limit. */
export class PayloadTooLargeError extends GatewayError {
  override readonly code = "PAYLOAD_TOO_LARGE";
  override readonly status = 413;
  constructor(max: number, found?: number) {
    super(`Request bodies are limited to ${max} bytes.`, { limit: "bodySize", max, ...(found === undefined ? {} : { found }) });
  }
}

/** RFC 9110 §15.5.15: request URL longer than the configured limit. */
export class UriTooLongError extends GatewayError {
  override readonly code = "URI_TOO_LONG";
  override readonly status = 414;
  constructor(max: number, found: number) {
    super(`Request URLs are limited to ${max} bytes; this one has ${found}.`, { limit: "urlLength", max, found });
  }
}

/** RFC 9110 §15.5.16: the request body's media type is not one GraphQL-over-HTTP accepts. */
export class UnsupportedMediaTypeError extends GatewayError {
  override readonly code = "UNSUPPORTED_MEDIA_TYPE";
  override readonly status = 415;
}

/** RFC 9110 §15.5.7: none of the media types in `Accept` can be produced. */
export class NotAcceptableError extends GatewayError {
  override readonly code = "NOT_ACCEPTABLE";
  override readonly status = 406;
}

/** No project is configured for this project id and environment. */
export class ProjectNotFoundError extends GatewayError {
  override readonly code = "PROJECT_NOT_FOUND";
  override readonly status = 404;
}

/**
 * An admin API path names a project id or environment outside `[A-Za-z0-9_-]{1,64}` (SPEC §3a);
 * `parameter` says which. (The endpoints answer such a path like an unknown project, `404`.)
 */
export class InvalidProjectIdError extends BadRequestError {
  override readonly code = "INVALID_PROJECT_ID";
  constructor(parameter: "projectId" | "environment") {
    super(`The ${parameter} in the path must be 1 to 64 letters, digits, "_" or "-".`, { parameter });
  }
}

/** Missing, malformed, unknown, revoked or expired credentials (RFC 6750 §3). */
export class UnauthenticatedError extends GatewayError {
  override readonly code = "UNAUTHENTICATED";
  override readonly status = 401;
  constructor(message: string, extensions: Record<string, unknown> = {}, error = "invalid_token") {
    super(message, extensions, { "www-authenticate": `Bearer realm="content-edge", error="${error}"` });
  }
}

/** Authenticated (or public) but not permitted; `failedActions` lists what was refused. */
export class ForbiddenError extends GatewayError {
  override readonly code = "FORBIDDEN";
  override readonly status = 403;
}

/**
 * An operator whose role may not do this (SPEC §5a): `extensions.required` names the role that
 * may, `extensions.role` the caller's.
 */
export class ForbiddenRoleError extends GatewayError {
  override readonly code = "FORBIDDEN_ROLE";
  override readonly status = 403;
  constructor(required: string, role: string | null) {
    super(
      role === null
        ? `No operator role is granted to this identity; this needs the ${required} role.`
        : `This needs the ${required} role; the ${role} role may not do it.`,
      { required, role },
    );
  }
}

/** The admin API received an invalid configuration or rule; `field` names what is wrong. */
export class InvalidConfigError extends BadRequestError {
  override readonly code = "INVALID_CONFIG";
  constructor(field: string, message: string) {
    super(`${field}: ${message}`, { field });
  }
}

/** A route or resource that does not exist. */
export class NotFoundError extends GatewayError {
  override readonly code = "NOT_FOUND";
  override readonly status = 404;
}

/**
 * The forward guard found that the document or headers about to be sent to the origin touch more
 * than was authorised: a bug in the gateway's own rewriting, never the client's fault. Nothing is
 * sent, nothing is cached.
 */
export class ForwardGuardError extends GatewayError {
  override readonly code = "INTERNAL_GUARD_REJECTED";
  override readonly status = 500;
}

/**
 * A `/v2` mutation reached the origin and was answered, so its write was applied (in part, if the
 * answer had errors), but a step after it failed: an entry check of its answer was refused by the
 * forward guard, could not be fetched, or failed otherwise. The answer is withheld, since it could
 * not be checked against the caller's permissions; the caches the mutation may have changed are
 * invalidated anyway. Unlike `INTERNAL_GUARD_REJECTED` or `ORIGIN_TIMEOUT`, this says the write
 * happened: a client must not simply retry it, or it writes twice. `extensions.cause` is the code
 * of the step that failed.
 */
export class WriteAppliedAnswerUncheckedError extends GatewayError {
  override readonly code = "WRITE_APPLIED_ANSWER_UNCHECKED";
  override readonly status = 500;
  constructor(cause: string) {
    super(
      "The origin applied this mutation, but the gateway could not check its answer, so the answer is withheld. " +
        "Do not retry it blindly: it would write again. Read the entries it changed to see their state.",
      { cause },
    );
  }
}

/**
 * The origin could not be reached, answered with a failure or with an unreadable body.
 * `extensions.reason` names the cause ({@link OriginFailureReason}); given only the origin's
 * status, it is `http-status` for a non-2xx status and `not-graphql` for a 2xx one, so every
 * `ORIGIN_ERROR` a client sees says why.
 */
export class OriginError extends GatewayError {
  override readonly code = "ORIGIN_ERROR";
  override readonly status = 502;
  constructor(message: string, extensions: { reason?: OriginFailureReason; originStatus?: number; [member: string]: unknown } = {}) {
    const { originStatus } = extensions;
    const fallback: OriginFailureReason | undefined =
      originStatus === undefined ? undefined : originStatus >= 200 && originStatus < 300 ? "not-graphql" : "http-status";
    const reason = extensions.reason ?? fallback;
    super(message, reason === undefined ? extensions : { ...extensions, reason });
  }
}

/** The origin did not answer within the configured timeout (`reason: timeout`, `timeoutMs`). */
export class OriginTimeoutError extends GatewayError {
  override readonly code = "ORIGIN_TIMEOUT";
  override readonly status = 504;
}

/**
 * The origin's schema has not been learned for this project yet, and the request asked not to
 * contact the origin (the admin explain). `POST …/schema/refresh` learns it.
 */
export class SchemaNotLearnedError extends GatewayError {
  override readonly code = "SCHEMA_NOT_LEARNED";
  override readonly status = 409;
}

/**
 * The project's `limits.originConcurrency` origin requests are in flight in this isolate and the
 * request could not get a slot within `limits.originQueueMs` (or the queue was full): nothing was
 * sent. `Retry-After: 1` (RFC 9110 §10.2.3): the busy spell is expected to be short.
 */
export class OriginBusyError extends GatewayError {
  override readonly code = "ORIGIN_BUSY";
  override readonly status = 503;
  constructor(limit: number) {
    super(`The origin already has ${limit} requests in flight from here; try again shortly.`, { limit }, { "retry-after": "1" });
  }
}

/**
 * The client caused more origin requests than the project's `rateLimits.missesPerMinute` in the
 * current minute: nothing was sent. `Retry-After` (RFC 9110 §10.2.3, RFC 6585 §4) is the number of
 * seconds until the window frees; answers from the cache are still served.
 */
export class RateLimitedError extends GatewayError {
  override readonly code = "RATE_LIMITED";
  override readonly status = 429;
  constructor(limit: number, by: "ip" | "token", retryAfterSeconds: number) {
    super(
      `More than ${limit} requests reached the origin for this client in a minute; cached answers are still served.`,
      { limit, by, retryAfter: retryAfterSeconds },
      { "retry-after": String(retryAfterSeconds) },
    );
  }
}

/** A store the gateway depends on (KV) could not be read: fail closed. */
export class StoreUnavailableError extends GatewayError {
  override readonly code = "SERVICE_UNAVAILABLE";
  override readonly status = 503;
}

/** Apollo APQ: the hash is unknown and no query was sent with it. Not an HTTP failure (200). */
export class PersistedQueryNotFoundError extends GatewayError {
  override readonly code = "PERSISTED_QUERY_NOT_FOUND";
  override readonly status = 200;
  /** The hash asked for (not sent back: Apollo's answer carries only the message). */
  constructor(readonly sha256Hash?: string) {
    super("PersistedQueryNotFound");
  }
}

/** Apollo APQ: the query sent does not hash to the given `sha256Hash`. */
export class PersistedQueryHashMismatchError extends BadRequestError {
  override readonly code = "PERSISTED_QUERY_SHA_MISMATCH";
  constructor() {
    super("The provided sha256Hash does not match the query.");
  }
}

/**
 * Trusted documents (SPEC §3c): the project accepts only uploaded documents from this principal,
 * and this one is not among them. `extensions.sha256Hash` is the document's hash (what an operator
 * would upload); refused before the origin is asked anything.
 */
export class DocumentNotTrustedError extends GatewayError {
  override readonly code = "DOCUMENT_NOT_TRUSTED";
  override readonly status = 403;
  constructor(sha256Hash: string) {
    super("This project accepts only its trusted documents, and this document is not one of them.", { sha256Hash });
  }
}

/**
 * A webhook whose `gcms-signature` is missing, malformed, wrong, too old, from the future or for
 * another environment (SPEC §3). `extensions.reason` says which; nothing is purged.
 */
export class WebhookSignatureError extends GatewayError {
  override readonly code = "INVALID_WEBHOOK_SIGNATURE";
  override readonly status = 401;
  constructor(
    readonly reason: "missing" | "malformed" | "mismatch" | "expired" | "future" | "environment" | "no-secret",
    message?: string,
  ) {
    super(message ?? `Webhook signature rejected: ${reason}.`, { reason });
  }
}

/**
 * The project's IP firewall (`ipRules`) refuses the client address (`CF-Connecting-IP`);
 * `extensions.reason` is `denied`, `not-allowed` or `no-client-address`. Checked before anything else.
 */
export class IpNotAllowedError extends GatewayError {
  override readonly code = "IP_NOT_ALLOWED";
  override readonly status = 403;
  constructor(reason: "denied" | "not-allowed" | "no-client-address") {
    super("This project does not accept requests from your address.", { reason });
  }
}

/**
 * The request's `Origin` is not in the project's `allowedOrigins` (its custom origin policy).
 * Answers carry `Vary: Origin` and no CORS allow headers, so no browser page of that origin can read them.
 */
export class OriginNotAllowedError extends GatewayError {
  override readonly code = "ORIGIN_NOT_ALLOWED";
  override readonly status = 403;
  constructor(origin: string) {
    super(
      `Pages from ${JSON.stringify(origin)} may not call this project's API; an operator can add the origin to allowedOrigins.`,
      { origin },
      { vary: "origin" },
    );
  }
}

/**
 * Why a request was refused, in one word: the error's `extensions.reason` when it has one, else its
 * code. What the audit log records for a refused mutation or webhook delivery.
 *
 * @example reasonOf(new WebhookSignatureError("expired")); // "expired"
 */
export function reasonOf(error: GatewayError): string {
  const reason = error.extensions["reason"];
  return typeof reason === "string" ? reason : error.code;
}
