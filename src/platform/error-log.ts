/**
 * Logging an unexpected failure (anything that is not a `GatewayError`) for the operator: the
 * error's name, message, stack frames and cause, the request's method, path and request id —
 * what is needed to find the bug — and nothing a client or operator would not want in a log:
 *
 * - no request body, query string or headers (only `cf-ray` / `x-request-id`, to correlate);
 * - no credentials: the caller's `Authorization` credential and the given secrets (the admin
 *   token) are cut out wherever they appear, and so is anything shaped like a bearer credential,
 *   a JWT or a PAT (`cep_…`) — an origin token or a user's JWT can end up in an error message;
 * - no echoed input: V8 quotes the input it fails on (`Unexpected token … "…" is not valid
 *   JSON`), so double-quoted text in a message is replaced by `"…"`.
 * Messages are capped at 500 characters and stacks at 20 frames.
 */

const MAX_MESSAGE = 500;
const MAX_FRAMES = 20;
const CREDENTIAL_SHAPES: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, "$1 [redacted]"],
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, "[redacted-jwt]"],
  [/\bcep_[\w-]+/g, "cep_[redacted]"],
  [/\bsign=[^\s,]+/g, "sign=[redacted]"],
];

/** The record logged for one unexpected failure. */
export interface UnhandledErrorRecord {
  name: string;
  message: string;
  stack: string[];
  cause?: { name: string; message: string };
  method: string;
  path: string;
  requestId?: string;
}

/**
 * `text` with every secret in `secrets`, every credential-shaped token and every double-quoted
 * span cut out, at most 500 characters.
 *
 * @example redact('bad "hunter2" Bearer abc', []) // 'bad "…" Bearer [redacted]'
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  for (const [shape, replacement] of CREDENTIAL_SHAPES) out = out.replace(shape, replacement);
  out = out.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}

function describeError(error: unknown, secrets: readonly string[]): { name: string; message: string; stack: string[] } {
  if (!(error instanceof Error)) return { name: typeof error, message: redact(String(error), secrets), stack: [] };
  const frames = (error.stack ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at "))
    .slice(0, MAX_FRAMES)
    .map((line) => redact(line, secrets));
  return { name: error.name, message: redact(error.message, secrets), stack: frames };
}

/**
 * The log record for `error` raised while serving `request` (see the module comment).
 *
 * @example unhandledErrorRecord(new TypeError("x is null"), request, [env.ADMIN_TOKEN]).message // "x is null"
 */
export function unhandledErrorRecord(error: unknown, request: Request, secrets: readonly string[] = []): UnhandledErrorRecord {
  const credential = /^\s*\S+\s+(\S+)/.exec(request.headers.get("authorization") ?? "")?.[1];
  const all = credential ? [...secrets, credential] : secrets;
  const { name, message, stack } = describeError(error, all);
  const record: UnhandledErrorRecord = { name, message, stack, method: request.method, path: redact(new URL(request.url).pathname, all) };
  if (error instanceof Error && error.cause !== undefined) {
    const cause = describeError(error.cause, all);
    record.cause = { name: cause.name, message: cause.message };
  }
  const requestId = request.headers.get("cf-ray") ?? request.headers.get("x-request-id");
  if (requestId) record.requestId = redact(requestId.slice(0, 100), all);
  return record;
}

/**
 * Logs an unexpected failure with `console.error` (Workers Logs keeps the record's fields).
 *
 * @example app.onError((error, c) => { logUnhandledError(error, c.req.raw, [c.env.ADMIN_TOKEN]); … });
 */
export function logUnhandledError(error: unknown, request: Request, secrets: readonly (string | undefined)[] = []): void {
  const known = secrets.filter((secret): secret is string => typeof secret === "string" && secret.length > 0);
  console.error("content-edge: unhandled error", unhandledErrorRecord(error, request, known));
}
