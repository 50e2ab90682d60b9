/**
 * Bounded reading of request bodies and URLs (SPEC §1: body 64 KiB → `413`, URL 16 KiB → `414`).
 *
 * The body is never buffered beyond the limit: a declared `Content-Length` above it is refused
 * before a byte is read (RFC 9110 §8.6, §15.5.14), and otherwise the stream is consumed chunk by
 * chunk and cancelled as soon as the running total passes the limit — so a lying or absent
 * `Content-Length` (chunked transfer coding, RFC 9112 §7.1) cannot make us hold more than
 * `maxBytes` plus one chunk. GraphQL-over-HTTP requires UTF-8 request bodies, so bytes that are
 * not valid UTF-8 are a `400`.
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
 * Reads `request`'s body as UTF-8 text, refusing more than `maxBytes` bytes with
 * {@link PayloadTooLargeError} (`413`) without ever buffering more than the limit (plus the
 * chunk that crossed it). A missing body reads as `""`. Invalid UTF-8 is a {@link BadRequestError}.
 * A leading byte-order mark is dropped (WHATWG Encoding "UTF-8 decode").
 *
 * @example
 * const text = await readBodyText(request, 65_536);
 * // request with Content-Length: 70000 → throws PayloadTooLargeError { extensions: { limit: "bodySize", max: 65536, found: 70000 } }
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = declaredContentLength(request.headers);
  if (declared !== null && declared > maxBytes) {
    // Refuse before reading; cancel so the runtime can drop the upload (RFC 9110 §15.5.14).
    await request.body?.cancel().catch(() => undefined);
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
      await reader.cancel().catch(() => undefined);
      // The real size is unknown (we stopped reading), so only the limit is reported.
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
    // Content-Length frames the body (RFC 9112 §6.3): once that many bytes are in, it is complete,
    // so the end-of-stream read (another round trip through the runtime) is skipped.
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
