/**
 * Media types of the GraphQL-over-HTTP specification (graphql.github.io/graphql-over-http,
 * §"Media Types", §"Accept", §"POST"): content negotiation of the response with the `Accept`
 * request header (RFC 9110 §12.5.1) and checking the request body's `Content-Type`
 * (RFC 9110 §8.3).
 *
 * Hand-written rather than `hono/accepts`: its parser is lenient where this one must be strict
 * (a `q` outside 0–1 is clamped, not a reason to skip the range; a malformed parameter is dropped
 * and its range kept; types are neither validated as tokens nor lower-cased; parameters after `q`
 * count), and its matching knows neither GraphQL-over-HTTP's rules (on equal quality
 * `application/graphql-response+json` only when named, `application/json` for `*\/*`, `406` when
 * neither is acceptable) nor the `charset` a range may name. Request `Content-Type`s have no Hono
 * helper at all.
 */
import { NotAcceptableError, UnsupportedMediaTypeError } from "../errors";

/** The two response media types a GraphQL-over-HTTP server can produce. */
export type GraphQLMediaType = "application/graphql-response+json" | "application/json";

export const GRAPHQL_RESPONSE_JSON = "application/graphql-response+json";
export const APPLICATION_JSON = "application/json";

/** One parsed element of an `Accept` header. Type, subtype and parameter names are lower-cased. */
export interface MediaRange {
  type: string;
  subtype: string;
  /** Media-type parameters before `q` (e.g. `charset`); names lower-cased, values unquoted. */
  params: Record<string, string>;
  /** Quality value 0..1 (RFC 9110 §12.4.2); 1 when absent. */
  q: number;
}

/** A parsed `Content-Type`. */
export interface ContentType {
  /** `type/subtype`, lower-cased. */
  mediaType: string;
  /** The `charset` parameter lower-cased, or `null` when absent. */
  charset: string | null;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Splits on `sep` outside quoted strings (RFC 9110 §5.6.4). */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted && ch === "\\" && i + 1 < text.length) {
      current += ch + (text[i + 1] as string);
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Parses `type/subtype *( OWS ";" OWS parameter )`, or `null` when malformed. */
function parseMediaTypeWithParams(text: string): { type: string; subtype: string; params: [string, string][] } | null {
  const [essence = "", ...rawParams] = splitOutsideQuotes(text, ";");
  const slash = essence.indexOf("/");
  if (slash < 0) return null;
  const type = essence.slice(0, slash).trim().toLowerCase();
  const subtype = essence
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  const params: [string, string][] = [];
  for (const raw of rawParams) {
    if (raw.trim() === "") continue; // tolerate "a/b;" and "a/b;;c=d"
    const eq = raw.indexOf("=");
    if (eq < 0) return null;
    const name = raw.slice(0, eq).trim().toLowerCase();
    let value = raw.slice(eq + 1).trim();
    if (!TOKEN.test(name)) return null;
    if (value.startsWith('"')) {
      if (value.length < 2 || !value.endsWith('"')) return null;
      value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    } else if (!TOKEN.test(value)) return null;
    params.push([name, value]);
  }
  return { type, subtype, params };
}

/**
 * Parses an `Accept` header (RFC 9110 §12.5.1) into media ranges in header order. Malformed
 * elements (and those with an invalid `q`) are skipped, not fatal; parameters after `q`
 * (accept-extensions) are ignored. `*` alone (sent by some old clients) is read as `*\/*`.
 *
 * @example
 * parseAccept("application/graphql-response+json, application/json;q=0.9");
 * // [{ type: "application", subtype: "graphql-response+json", params: {}, q: 1 },
 * //  { type: "application", subtype: "json", params: {}, q: 0.9 }]
 */
export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (let element of splitOutsideQuotes(header, ",")) {
    element = element.trim();
    if (element === "") continue;
    if (element === "*" || element.startsWith("*;")) element = "*/*" + element.slice(1);
    const parsed = parseMediaTypeWithParams(element);
    if (!parsed || (parsed.type === "*" && parsed.subtype !== "*")) continue;
    const params: Record<string, string> = {};
    let q = 1;
    let valid = true;
    for (const [name, value] of parsed.params) {
      if (name === "q") {
        if (!QVALUE.test(value)) valid = false;
        q = Number(value);
        break; // everything after q is an accept-extension
      }
      params[name] = value;
    }
    if (valid) ranges.push({ type: parsed.type, subtype: parsed.subtype, params, q });
  }
  return ranges;
}

const JSON_TYPES = new Set([GRAPHQL_RESPONSE_JSON, APPLICATION_JSON]);

/**
 * Whether an `Accept` header asks for a page: it names `text/html` at least as highly as any JSON
 * type. A browser's navigation sends `text/html,…,*\/*;q=0.8`; GraphQL and JSON clients send JSON
 * types or `*\/*` (which names no type, so no page).
 *
 * @example
 * prefersHtml("text/html,application/xhtml+xml,*\/*;q=0.8"); // true
 * prefersHtml("application/json, text/html"); // true (equal: the page)
 * prefersHtml("*\/*"); // false
 */
export function prefersHtml(accept: string | null | undefined): boolean {
  if (!accept || !accept.includes("html")) return false;
  let html = 0;
  let json = 0;
  for (const range of parseAccept(accept)) {
    const type = `${range.type}/${range.subtype}`;
    if (type === "text/html") html = Math.max(html, range.q);
    else if (JSON_TYPES.has(type)) json = Math.max(json, range.q);
  }
  return html > 0 && html >= json;
}

/** UTF-8 is the only encoding we produce; "utf8" is a WHATWG Encoding label for it too. */
function isUtf8(charset: string): boolean {
  const c = charset.toLowerCase();
  return c === "utf-8" || c === "utf8";
}

/**
 * How well `range` matches `mediaType` (RFC 9110 §12.5.1 "most specific reference has
 * precedence"): 3 exact, 2 `type/*`, 1 `*\/*`, 0 no match. A `charset` other than UTF-8 makes the
 * range not match (we only produce UTF-8); other parameters are ignored, since our media types
 * define none.
 */
function specificity(range: MediaRange, mediaType: GraphQLMediaType): number {
  const charset = range.params["charset"];
  if (charset !== undefined && !isUtf8(charset)) return 0;
  const [type, subtype] = mediaType.split("/") as [string, string];
  if (range.type === type && range.subtype === subtype) return 3;
  if (range.type === type && range.subtype === "*") return 2;
  if (range.type === "*" && range.subtype === "*") return 1;
  return 0;
}

/** The quality a candidate gets from its most specific matching range, and that specificity. */
function quality(ranges: readonly MediaRange[], mediaType: GraphQLMediaType): { q: number; specificity: number } {
  let best = { q: 0, specificity: 0 };
  for (const range of ranges) {
    const s = specificity(range, mediaType);
    if (s > best.specificity || (s === best.specificity && s > 0 && range.q > best.q)) best = { q: range.q, specificity: s };
  }
  return best;
}

/**
 * Chooses the response media type from an `Accept` header, per GraphQL-over-HTTP §"Accept" and
 * §"Legacy watershed":
 * - no `Accept` (or a blank one) → `application/json` (the spec: "SHOULD treat the request as if
 *   it had `Accept: application/json`" for legacy clients);
 * - otherwise the candidate with the highest q wins (each candidate takes the q of its most
 *   specific matching range, so `application/json;q=0, *\/*` still yields graphql-response+json);
 * - on equal q, `application/graphql-response+json` wins only when the client named it
 *   explicitly; a match through `*\/*` or `application/*` alone gives `application/json`;
 * - when neither can be served (q=0, other types, non-UTF-8 charset) → {@link NotAcceptableError}
 *   (`406`, RFC 9110 §15.5.7).
 *
 * @example
 * negotiateMediaType(null); // "application/json"
 * negotiateMediaType("*\/*"); // "application/json"
 * negotiateMediaType("application/graphql-response+json, application/json"); // "application/graphql-response+json"
 * negotiateMediaType("application/graphql-response+json;q=0.9, application/json"); // "application/json"
 * negotiateMediaType("text/html"); // throws NotAcceptableError
 */
export function negotiateMediaType(accept: string | null | undefined): GraphQLMediaType {
  if (accept === null || accept === undefined || accept.trim() === "") return APPLICATION_JSON;
  // Clients send the same few Accept values over and over: remember the outcome (refusals are not kept).
  const known = negotiated.get(accept);
  if (known !== undefined) return known;
  const chosen = negotiate(accept);
  if (accept.length <= 512) {
    if (negotiated.size >= NEGOTIATED_MAX) negotiated.clear();
    negotiated.set(accept, chosen);
  }
  return chosen;
}

/** Outcomes by `Accept` value (up to 512 characters); cleared when full, so it never holds more than this many. */
const negotiated = new Map<string, GraphQLMediaType>();
const NEGOTIATED_MAX = 256;

function negotiate(accept: string): GraphQLMediaType {
  const ranges = parseAccept(accept);
  const gql = quality(ranges, GRAPHQL_RESPONSE_JSON);
  const json = quality(ranges, APPLICATION_JSON);
  if (gql.q <= 0 && json.q <= 0) {
    throw new NotAcceptableError(
      `None of the accepted media types can be served; accept ${GRAPHQL_RESPONSE_JSON} or ${APPLICATION_JSON} (UTF-8).`,
      { accepted: [GRAPHQL_RESPONSE_JSON, APPLICATION_JSON] },
    );
  }
  if (gql.q > json.q) return GRAPHQL_RESPONSE_JSON;
  if (json.q > gql.q) return APPLICATION_JSON;
  return gql.specificity === 3 ? GRAPHQL_RESPONSE_JSON : APPLICATION_JSON;
}

/**
 * The `Content-Type` response header value for a negotiated media type (always UTF-8, as
 * GraphQL-over-HTTP requires).
 *
 * @example
 * contentTypeHeader("application/json"); // "application/json; charset=utf-8"
 */
export function contentTypeHeader(mediaType: GraphQLMediaType): string {
  return `${mediaType}; charset=utf-8`;
}

/**
 * Parses a `Content-Type` header (RFC 9110 §8.3.1), or returns `null` when it is absent or
 * malformed.
 *
 * @example
 * parseContentType("Application/JSON; charset=UTF-8");
 * // { mediaType: "application/json", charset: "utf-8", params: { charset: "UTF-8" } }
 */
export function parseContentType(header: string | null | undefined): ContentType | null {
  if (header === null || header === undefined) return null;
  const parsed = parseMediaTypeWithParams(header.trim());
  if (!parsed || parsed.type === "*" || parsed.subtype === "*") return null;
  const params = Object.fromEntries(parsed.params);
  const charset = params["charset"];
  return { mediaType: `${parsed.type}/${parsed.subtype}`, charset: charset === undefined ? null : charset.toLowerCase(), params };
}

/**
 * Checks a POST body's `Content-Type`: GraphQL-over-HTTP §"POST" requires `application/json`,
 * and the body is UTF-8 (a `charset` other than UTF-8 is refused; absent means UTF-8). Anything
 * else — missing, malformed, `application/graphql`, form encodings — is
 * {@link UnsupportedMediaTypeError} (`415`, RFC 9110 §15.5.16).
 *
 * @example
 * assertJsonContentType("application/json; charset=utf-8"); // ok
 * assertJsonContentType("text/plain"); // throws UnsupportedMediaTypeError
 */
export function assertJsonContentType(header: string | null | undefined): void {
  const contentType = parseContentType(header);
  if (contentType === null) {
    throw new UnsupportedMediaTypeError("POST requests must have Content-Type: application/json.", { expected: APPLICATION_JSON });
  }
  if (contentType.mediaType !== APPLICATION_JSON) {
    throw new UnsupportedMediaTypeError(`Unsupported Content-Type ${contentType.mediaType}; send application/json.`, {
      expected: APPLICATION_JSON,
      found: contentType.mediaType,
    });
  }
  if (contentType.charset !== null && !isUtf8(contentType.charset)) {
    throw new UnsupportedMediaTypeError(`Unsupported charset ${contentType.charset}; request bodies must be UTF-8.`, {
      expected: APPLICATION_JSON,
      found: `${contentType.mediaType}; charset=${contentType.charset}`,
    });
  }
}
