/**
 * Base64 (RFC 4648 §4) over bytes, with workerd's native `Uint8Array.prototype.toBase64` and
 * `Uint8Array.fromBase64` (TC39's base64 proposal, shipped by V8) instead of `btoa`/`atob` over
 * binary strings. What stays hand-written is the stricter layer on top: `fromBase64` accepts
 * only the standard alphabet with optional padding — the native decoder also skips ASCII
 * whitespace, which a signature header must not carry.
 */

// TypeScript 5.9's libraries do not declare the proposal yet; workerd implements it.
declare global {
  interface Uint8Array {
    toBase64(options?: { alphabet?: "base64" | "base64url"; omitPadding?: boolean }): string;
  }
  interface Uint8ArrayConstructor {
    fromBase64(
      text: string,
      options?: { alphabet?: "base64" | "base64url"; lastChunkHandling?: "loose" | "strict" | "stop-before-partial" },
    ): Uint8Array;
  }
}

/** Standard padded base64 (RFC 4648 §4) of bytes. @example toBase64(new Uint8Array([104, 105])) // "aGk=" */
export function toBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}

/** The standard alphabet with at most two `=`: no whitespace, no URL-safe characters. */
const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes standard base64 (RFC 4648 §4, padding optional; unused low bits of the last character
 * ignored, as `atob` does); `undefined` when it is not base64.
 *
 * @example
 * fromBase64("aGk="); // Uint8Array [104, 105]
 * fromBase64("*");    // undefined
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!STANDARD.test(text)) return undefined;
  try {
    return Uint8Array.fromBase64(text, { lastChunkHandling: "loose" });
  } catch {
    return undefined;
  }
}
