/** Base64 (RFC 4648 §4) over bytes, as `btoa`/`atob` need binary strings. */

/** Standard padded base64 (RFC 4648 §4) of bytes. @example toBase64(new Uint8Array([104, 105])) // "aGk=" */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Decodes standard base64 (RFC 4648 §4, padding optional); `undefined` when it is not base64.
 *
 * @example
 * fromBase64("aGk="); // Uint8Array [104, 105]
 * fromBase64("*");    // undefined
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, "").length % 4 === 1) return undefined;
  try {
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}
