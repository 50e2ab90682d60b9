/**
 * Bounded reading of request bodies and URLs (SPEC §1: body 64 KiB → `413`, URL 16 KiB → `414`).
 *
 * The body is never buffered beyond the limit: a declared `Content-Length` above it is refused
 * without keeping a byte (RFC 9110 §8.6, §15.5.14), and otherwise the stream is consumed chunk by
 * chunk and refused as soon as the running total passes the limit — so a lying or absent
 * `Content-Length` (chunked transfer coding, RFC 9112 §7.1) cannot make us hold more than
 * `maxBytes` plus one chunk. GraphQL-over-HTTP requires UTF-8 request bodies, so bytes that are
 * not valid UTF-8 are a `400`.
 *
 * A refused body is read to its end and thrown away (up to {@link DRAIN_BOUNDS}) before the `413`
 * is answered, never cancelled: workerd cannot reuse a connection whose request body was left
 * unread, so it closes it — without telling the client, which reuses it and fails — and under
 * `wrangler dev` that broken connection is the proxy's pooled one, so other clients got `503`s.
 * The same holds for every answer that never reads the body; {@link drainUnreadBody} covers those.
 * Evidence and the layers involved: docs/http-edges.md.
 */
import { BadRequestError, PayloadTooLargeError, UriTooLongError } from "../errors";

/**
 * Number of bytes `text` takes in UTF-8, without allocating an encoded copy.
 *
 * @example
 * utf8ByteLength("abc"); // 3
 * utf8ByteLength("é"); // 2
 * utf8ByteLength("🏃"); // 4
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4; // a surrogate pair is one 4-byte code point
        i++;
      } else bytes += 3; // lone surrogate, encoded as U+FFFD
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Refuses a URL longer than `maxBytes` with {@link UriTooLongError} (`414`, RFC 9110 §15.5.15).
 * The whole absolute URL (`request.url`: scheme, host, path and query) is measured in UTF-8 bytes,
 * which is what Cloudflare's own edge URL limit counts as well.
 *
 * @example
 * assertUrlWithinLimit("https://edge.example/content/p/master?query=%7B%7D", 16_384); // ok
 * assertUrlWithinLimit("https://edge.example/" + "a".repeat(20_000), 16_384); // throws UriTooLongError
 */
export function assertUrlWithinLimit(url: string, maxBytes: number): void {
  // Fast path: a URL cannot take more than 3 bytes per UTF-16 unit.
  if (url.length * 3 <= maxBytes) return;
  const found = utf8ByteLength(url);
  if (found > maxBytes) throw new UriTooLongError(maxBytes, found);
}

/** The usual header: one plain decimal value. */
const SINGLE_LENGTH = /^\d{1,15}$/;

/**
 * The declared `Content-Length`, or `null` when it is absent or not a single decimal integer
 * (RFC 9110 §8.6: `Content-Length = 1*DIGIT`; a list of identical values is tolerated).
 *
 * @example
 * declaredContentLength(new Headers({ "content-length": "42" })); // 42
 * declaredContentLength(new Headers()); // null
 */
export function declaredContentLength(headers: Headers): number | null {
  const raw = headers.get("content-length");
  if (raw === null) return null;
  if (SINGLE_LENGTH.test(raw)) return Number(raw);
  const values = new Set(raw.split(",").map((part) => part.trim()));
  if (values.size !== 1) return null;
  const [value] = [...values];
  if (value === undefined || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

/**
 * How much of a body the gateway reads and throws away instead of leaving it unread: at most
 * `maxBytes` (beyond the route's own limit, for a refused body) and for at most `maxMs`. Past
 * either bound the body is cancelled — workerd then drops the connection, the cost of not reading
 * an upload of unbounded size or speed. Node's http server drains the same way (`req._dump()`);
 * nginx bounds its lingering close by time.
 */
export interface DrainBounds {
  maxBytes: number;
  maxMs: number;
}

/** 8 MiB and 5 s: any body a GraphQL client or Hygraph webhook plausibly sends, at any sane speed. */
export const DRAIN_BOUNDS: Readonly<DrainBounds> = { maxBytes: 8 * 1024 * 1024, maxMs: 5_000 };

/**
 * Reads and discards the rest of a body through `reader`, within `bounds`. Nothing is kept. Resolves
 * `true` when the body ended (its connection can carry the next request), `false` when a bound
 * was reached and the body was cancelled instead.
 *
 * @example await discardRest(request.body.getReader(), DRAIN_BOUNDS); // true
 */
export async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, bounds: DrainBounds): Promise<boolean> {
  let left = bounds.maxBytes;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<"expired">((resolve) => (timer = setTimeout(() => resolve("expired"), bounds.maxMs)));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), expired]);
      if (next === "expired") break;
      if (next.done) return true;
      left -= next.value.byteLength;
      if (left < 0) break;
    }
    await reader.cancel().catch(() => undefined);
    return false;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * Discards a request body nobody read (an answer given before or instead of reading it: `415`,
 * `401`, `404`, …), within `bounds`, so that the connection it came on stays usable. A body that
 * was read, is being read, or is absent is left alone.
 *
 * @example
 * const response = await app.fetch(request, env, ctx);
 * await drainUnreadBody(request); // then answer
 */
export async function drainUnreadBody(request: Request, bounds: DrainBounds = DRAIN_BOUNDS): Promise<void> {
  const body = request.body;
  if (body === null || body.locked || request.bodyUsed) return;
  await discardRest(body.getReader(), bounds);
}

/**
 * Reads `request`'s body as UTF-8 text, refusing more than `maxBytes` bytes with
 * {@link PayloadTooLargeError} (`413`) without ever buffering more than the limit (plus the
 * chunk that crossed it). A refused body is discarded to its end within `maxBytes` +
 * `drain.maxBytes` and `drain.maxMs` before the error is thrown (see the module comment). A
 * missing body reads as `""`. Invalid UTF-8 is a {@link BadRequestError}. A leading byte-order
 * mark is dropped (WHATWG Encoding "UTF-8 decode").
 *
 * @example
 * const text = await readBodyText(request, 65_536);
 * // request with Content-Length: 70000 → throws PayloadTooLargeError { extensions: { limit: "bodySize", max: 65536, found: 70000 } }
 */
export async function readBodyText(request: Request, maxBytes: number, drain: DrainBounds = DRAIN_BOUNDS): Promise<string> {
  const declared = declaredContentLength(request.headers);
  if (declared !== null && declared > maxBytes) {
    // Refused before a byte is kept (RFC 9110 §15.5.14); read to the end only if that is within bounds.
    const reader = request.body?.getReader();
    if (reader && declared - maxBytes <= drain.maxBytes) await discardRest(reader, { maxBytes: declared, maxMs: drain.maxMs });
    else await reader?.cancel().catch(() => undefined);
    throw new PayloadTooLargeError(maxBytes, declared);
  }
  if (request.body === null) return "";

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      chunks.length = 0;
      await discardRest(reader, { maxBytes: maxBytes + drain.maxBytes - total, maxMs: drain.maxMs });
      // The real size is not reported: past the drain bound it is unknown.
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
    // Content-Length frames the body (RFC 9112 §6.3): once that many bytes are in, it is complete,
    // so the end-of-stream read (another round trip through the runtime) is skipped. Every byte
    // has been read, so the connection stays reusable.
    if (total === declared) {
      void reader.cancel().catch(() => undefined);
      break;
    }
  }

  return decodeUtf8(concat(chunks, total));
}

/** One fatal decoder for the isolate: a non-streaming `decode` keeps no state between calls. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BadRequestError("The request body is not valid UTF-8.");
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
