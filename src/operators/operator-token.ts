/**
 * Operator tokens (SPEC §5a): `ceo_` and 43 base64url characters (256 random bits). The prefix
 * tells a leaked operator token from a content token (`cep_`) at a glance and in secret scanners,
 * and lets the admin API skip the directory lookup for anything else. Stored as SHA-256 hex only.
 */
import { toBase64 } from "../platform/base64";
import { sha256Hex } from "../platform/hash";

const PREFIX = "ceo_";
const SHAPE = /^ceo_[A-Za-z0-9_-]{43}$/;

/** A new operator token. */
export function generateOperatorToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return PREFIX + toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Whether a bearer credential has an operator token's shape. */
export function looksLikeOperatorToken(token: string): boolean {
  return SHAPE.test(token);
}

/** What the directory stores and looks a token up by. */
export function operatorTokenDigest(token: string): Promise<string> {
  return sha256Hex(token);
}
