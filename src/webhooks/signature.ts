/**
 * Hygraph's webhook signature scheme (SPEC §3), as implemented by Hygraph's own verifier
 * `@hygraph/utils` (github.com/hygraph/hygraph-utils, `index.js`) and described in Hygraph's
 * "Introducing Signed Webhooks" post:
 *
 *   gcms-signature: sign=<base64 HMAC-SHA256>, env=<environment>, t=<unix ms>
 *
 * The HMAC key is the webhook secret (UTF-8). The signed message is
 * `JSON.stringify({ Body: <raw request body as a string>, EnvironmentName: <env>, TimeStamp: <t as a number> })`
 * — keys in that order, no whitespace — after which every `&`, `<`, `>` is replaced by the
 * seven characters `\\u0026`, `\\u003c`, `\\u003e`. That last step reproduces the HTML-safe
 * escaping of Go's `encoding/json` on Hygraph's side: Hygraph's raw bodies already carry those
 * characters as `\u0026` (etc.), which the outer serialization escapes to `\\u0026`, so for real
 * Hygraph bodies the step is a no-op and for parsed-and-restringified bodies it restores them.
 *
 * Verification is constant-time (`crypto.subtle.verify` with HMAC compares in constant time),
 * and also rejects a missing or malformed header, a timestamp older than 5 minutes (replays) or
 * more than 60 s in the future (clock skew), and an `env` other than the URL's environment.
 */
import { WebhookSignatureError } from "../errors";
import { fromBase64, toBase64 } from "../platform/base64";

export const SIGNATURE_HEADER = "gcms-signature";
/** Oldest accepted signature: 5 minutes (SPEC §3). */
export const MAX_WEBHOOK_AGE_MS = 5 * 60_000;
/** Largest accepted clock skew for a signature from the future: 60 s. */
export const MAX_WEBHOOK_SKEW_MS = 60_000;

const encoder = new TextEncoder();

/** A parsed `gcms-signature` header. */
export interface ParsedSignature {
  /**
   * The signature's bytes (the HMAC) in canonical base64: padded, unused low bits zero (RFC 4648
   * §3.5), whatever encoding the header used. Decoders accept a signature without its `=` padding
   * or with other low bits in its last character, so up to 8 texts carry one HMAC; the header's
   * text is not kept, so that nothing (the replay check above all) can tell them apart.
   */
  sign: string;
  /** The environment name the signature covers. */
  env: string;
  /** Signing time, ms since the epoch. */
  timestamp: number;
}

/**
 * Parses `sign=…, env=…, t=…` (members in any order, each exactly once; whitespace around
 * commas optional). `sign` is base64, padded or not (a sender that strips the padding still
 * signed the same bytes), and comes back canonical.
 *
 * @throws {WebhookSignatureError} `missing` for an absent/empty header, `malformed` otherwise.
 * @example parseSignatureHeader("sign=abd, env=master, t=1631270481036"); // { sign: "abc=", env: "master", timestamp: 1631270481036 }
 */
export function parseSignatureHeader(header: string | null | undefined): ParsedSignature {
  if (!header || !header.trim()) throw new WebhookSignatureError("missing");
  const fields = new Map<string, string>();
  for (const part of header.split(",")) {
    const item = part.trim();
    const eq = item.indexOf("=");
    if (eq <= 0) throw new WebhookSignatureError("malformed");
    const name = item.slice(0, eq);
    if (fields.has(name) || !["sign", "env", "t"].includes(name)) throw new WebhookSignatureError("malformed");
    fields.set(name, item.slice(eq + 1));
  }
  const sign = fields.get("sign");
  const env = fields.get("env");
  const t = fields.get("t");
  const mac = sign ? fromBase64(sign) : undefined;
  if (!mac || mac.length === 0 || !env || !t || !/^\d{1,16}$/.test(t)) throw new WebhookSignatureError("malformed");
  return { sign: toBase64(mac), env, timestamp: Number(t) };
}

/**
 * The exact message Hygraph signs (see the module comment).
 *
 * @example signedMessage('{"a":"&"}', "master", 1) // '{"Body":"{\\"a\\":\\"\\\\u0026\\"}","EnvironmentName":"master","TimeStamp":1}'
 */
export function signedMessage(rawBody: string, environment: string, timestamp: number): string {
  return JSON.stringify({ Body: rawBody, EnvironmentName: environment, TimeStamp: timestamp }).replace(/[&<>]/g, (c) =>
    c === "&" ? "\\\\u0026" : c === "<" ? "\\\\u003c" : "\\\\u003e",
  );
}

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/**
 * Produces a `gcms-signature` header value exactly as Hygraph does — for tests, the demo origin
 * and anyone scripting webhooks.
 *
 * @example
 * const header = await signWebhook({ secret: "s3cret", rawBody: body, environment: "master", timestamp: Date.now() });
 * await fetch(url, { method: "POST", body, headers: { "gcms-signature": header, "content-type": "application/json" } });
 */
export async function signWebhook(input: { secret: string; rawBody: string; environment: string; timestamp: number }): Promise<string> {
  const key = await hmacKey(input.secret, "sign");
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(signedMessage(input.rawBody, input.environment, input.timestamp)));
  return `sign=${toBase64(new Uint8Array(mac))}, env=${input.environment}, t=${input.timestamp}`;
}

/**
 * Verifies a webhook request's `gcms-signature` against the raw body (the exact text received —
 * never a re-serialization), the project's secret and the URL's environment. During a webhook
 * secret rotation's grace period `previous` (the replaced secret) verifies too: both HMACs are
 * always checked, each in constant time, and combined without branching on which matched, so
 * neither the answer nor its timing says which secret signed.
 *
 * @throws {WebhookSignatureError} (401 `INVALID_WEBHOOK_SIGNATURE`) with `reason`:
 *   `no-secret` (the project has no `webhookSecret`), `missing`, `malformed`, `environment`,
 *   `expired` (older than 5 min), `future` (more than 60 s ahead) or `mismatch`.
 * @example
 * await verifyWebhook({ secret: config.webhookSecret, rawBody: await request.text(),
 *   header: request.headers.get("gcms-signature"), environment: "master", now: () => Date.now() });
 */
export async function verifyWebhook(input: {
  secret: string | undefined;
  /** The replaced secret while its grace period runs (`projects/webhook-rotation.ts`). */
  previous?: string | undefined;
  rawBody: string;
  header: string | null | undefined;
  environment: string;
  now: () => number;
}): Promise<ParsedSignature> {
  if (!input.secret) throw new WebhookSignatureError("no-secret");
  const parsed = parseSignatureHeader(input.header);
  if (parsed.env !== input.environment) throw new WebhookSignatureError("environment");
  const now = input.now();
  if (now - parsed.timestamp > MAX_WEBHOOK_AGE_MS) throw new WebhookSignatureError("expired");
  if (parsed.timestamp - now > MAX_WEBHOOK_SKEW_MS) throw new WebhookSignatureError("future");
  const mac = fromBase64(parsed.sign)!;
  const message = encoder.encode(signedMessage(input.rawBody, parsed.env, parsed.timestamp));
  const verify = async (secret: string) => crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), mac, message);
  const secrets = input.previous ? [input.secret, input.previous] : [input.secret];
  const results = await Promise.all(secrets.map(verify));
  // Bitwise, not `some`: every result is looked at, whichever matched.
  if (results.reduce((ok, one) => ok | Number(one), 0) !== 1) throw new WebhookSignatureError("mismatch");
  return parsed;
}
