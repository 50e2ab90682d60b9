/**
 * Tokens an attacker forges by hand (jose refuses to make them): what the JWT and Cloudflare
 * Access tests present to show they are refused.
 */

/** Unpadded base64url (RFC 4648 §5) of text (UTF-8) or bytes. */
export function b64url(data: string | Uint8Array): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A token with `alg: none` and an empty signature. */
export function unsecured(claims: Record<string, unknown>): string {
  return `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.`;
}

/** HS256 over the token with `secret` as the HMAC key: the classic RS/HS key-confusion attack (a public key used as the secret). */
export async function hs256(claims: Record<string, unknown>, secret: Uint8Array, kid?: string): Promise<string> {
  const input = `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT", ...(kid ? { kid } : {}) }))}.${b64url(JSON.stringify(claims))}`;
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input)));
  return `${input}.${b64url(mac)}`;
}
