/**
 * The body of `PUT /admin/projects/{p}/{e}/documents` (SPEC §3c), checked before anything is
 * stored: `{"documents": [{"sha256": "<64 hex>", "query": "<GraphQL>"}]}`, each hash the SHA-256
 * (hex) of its query's exact text — the hash Apollo persisted queries, graphql-codegen's
 * persisted documents and Relay's persisted queries use — and each query a GraphQL document the
 * gateway would parse from a client (the deployment's token and depth limits). Any failure is
 * `400 INVALID_CONFIG` naming the item (`documents[3].sha256`); nothing of the request is stored.
 */
import { GatewayError, InvalidConfigError, LimitExceededError } from "../errors";
import { parseDocument } from "../graphql/document";
import type { RequestLimits } from "../graphql/limits";
import { sha256Hex } from "../platform/hash";
import type { TrustedDocument } from "../authority/documents-table";

/** Documents one request may upload; a larger set is pushed in several requests (the CLI does). */
export const MAX_DOCUMENTS_PER_REQUEST = 1_000;
/**
 * The route's body limit, larger than the admin API's usual one (`limits.maxBodyBytes`, 64 KiB):
 * a thousand code-generated documents of a few KiB each.
 */
export const MAX_DOCUMENTS_BODY_BYTES = 8 * 1024 * 1024;

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * Whether `value` is a SHA-256 in hex (either case).
 *
 * @example isSha256Hex("ab".repeat(32)); // true
 */
export function isSha256Hex(value: unknown): value is string {
  return typeof value === "string" && SHA256_HEX.test(value);
}

/**
 * Validates an upload: at most {@link MAX_DOCUMENTS_PER_REQUEST} items, each `{ sha256, query }`
 * (no other member), each query at most `limits.maxBodyBytes` characters (what a client could send
 * as text at all) and parseable within the limits, each hash the SHA-256 of its query. Hashes are
 * answered in lower case.
 *
 * @throws {InvalidConfigError} naming the first bad field; {@link LimitExceededError} past the count.
 * @example
 * await validateDocumentUpload({ documents: [{ sha256: await sha256Hex("{ posts { id } }"), query: "{ posts { id } }" }] }, limits);
 */
export async function validateDocumentUpload(
  raw: unknown,
  limits: Pick<RequestLimits, "maxTokens" | "maxDepth" | "maxJsonDepth" | "maxBodyBytes">,
): Promise<TrustedDocument[]> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new InvalidConfigError("(body)", "must be a JSON object");
  for (const key of Object.keys(raw)) if (key !== "documents") throw new InvalidConfigError(key, "is not a known field");
  const items = (raw as { documents?: unknown }).documents;
  if (!Array.isArray(items) || items.length === 0) throw new InvalidConfigError("documents", "must be a non-empty array");
  if (items.length > MAX_DOCUMENTS_PER_REQUEST) throw new LimitExceededError("documents", MAX_DOCUMENTS_PER_REQUEST, items.length);
  const out: TrustedDocument[] = [];
  for (const [i, item] of items.entries()) {
    const at = `documents[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) throw new InvalidConfigError(at, "must be an object");
    for (const key of Object.keys(item))
      if (key !== "sha256" && key !== "query") throw new InvalidConfigError(`${at}.${key}`, "is not a known field");
    const { sha256, query } = item as { sha256?: unknown; query?: unknown };
    if (!isSha256Hex(sha256)) throw new InvalidConfigError(`${at}.sha256`, "must be 64 hexadecimal characters");
    if (typeof query !== "string" || query.length === 0) throw new InvalidConfigError(`${at}.query`, "must be a non-empty string");
    if (query.length > limits.maxBodyBytes)
      throw new InvalidConfigError(`${at}.query`, `must be at most ${limits.maxBodyBytes} characters (the request body limit)`);
    try {
      parseDocument(query, limits);
    } catch (error) {
      if (error instanceof GatewayError)
        throw new InvalidConfigError(`${at}.query`, `is not a GraphQL document the gateway accepts: ${error.message}`);
      throw error;
    }
    // The exact text, as a client sends it: a hash of anything else (trimmed, normalized) would never match.
    const hash = await sha256Hex(query);
    if (hash !== sha256.toLowerCase())
      throw new InvalidConfigError(`${at}.sha256`, `is not the SHA-256 of the query's exact text (that is ${hash})`);
    out.push({ sha256: hash, query });
  }
  return out;
}
