/**
 * Compares two secrets without leaking where they differ: both sides are hashed to fixed-length
 * SHA-256 digests first, so neither the content nor the length of the expected secret shows in
 * the comparison's timing.
 *
 * @example
 * await digestEquals(await sha256(presented), storedDigest); // true or false
 */
export function digestEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}
