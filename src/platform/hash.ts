/**
 * SHA-256 digests (FIPS 180-4). Web Crypto (Workers, browsers, Node ≥ 20) where the caller can
 * wait; `@noble/hashes` (audited, no dependencies) where it cannot.
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { toBase64 } from "./base64";

const encoder = new TextEncoder();

/**
 * SHA-256 digest of a UTF-8 string.
 *
 * @example
 * (await sha256("abc")).length; // 32
 */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

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
 * Lower-case hex SHA-256 of a string (UTF-8), computed synchronously: for values derived inside
 * synchronous code, such as the hash that identifies a schema version (`src/schema/knowledge.ts`).
 *
 * @example
 * sha256HexSync("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 */
export function sha256HexSync(text: string): string {
  return toHex(nobleSha256(encoder.encode(text)));
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
function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
