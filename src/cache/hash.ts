/**
 * Hashing and encoding helpers over Web Crypto (available in Workers, browsers and Node ≥ 20).
 */

const encoder = new TextEncoder();

/**
 * Lower-case hex SHA-256 of a string (UTF-8) or bytes.
 *
 * @example
 * await sha256Hex("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return toHex(new Uint8Array(digest));
}

/**
 * Unpadded base64url (RFC 4648 §5) SHA-256 of bytes: 43 characters, safe inside an ETag.
 *
 * @example
 * await sha256Base64Url(new TextEncoder().encode("{}")); // "RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o"
 */
export async function sha256Base64Url(input: string | Uint8Array): Promise<string> {
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return toBase64(digest).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Lower-case hex of bytes. @example toHex(new Uint8Array([1, 255])) // "01ff" */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

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
