/**
 * Webhook replay protection (SPEC §3: "a replay inside the window purges nothing a second time").
 *
 * A signed delivery stays acceptable for its window (`t` up to 5 minutes old, see signature.ts),
 * so anyone who captured one could resend it for those 5 minutes and force a purge each time. The
 * project's authority therefore remembers each accepted delivery's HMAC until its window
 * closes and applies a delivery's changes only if it has not seen it (`authority/deliveries-table.ts`):
 * exact across isolates and locations, because the authority is the project's one strongly
 * consistent place, and atomic, because it decides and applies in one event.
 *
 * A delivery is identified by its HMAC's bytes, not by the header's text: base64 decoders accept
 * the signature without its `=` padding and ignore the unused low bits of its last character, so
 * one captured delivery could be resent under 8 signature texts that all verify, and each used to
 * purge again. The bytes are a function of exactly what was signed (body, environment, `t`) under
 * the project's secret. Not the body's digest either: the signed message escapes `&`, `<`, `>`,
 * so `"&"` and `"\u0026"` in a body sign alike and would be two deliveries by digest.
 *
 * A replay is answered `202` with nothing invalidated and `duplicate: true`, not `409`: a webhook
 * sender delivers at least once and resends the same signed request when it missed our answer; a
 * `409` would be logged as a failed delivery and retried, although the change was invalidated the
 * first time. An attacker gains nothing either way.
 */
import { MAX_WEBHOOK_AGE_MS, type ParsedSignature } from "./signature";

/** How long after its signing time a delivery is remembered: until a copy of it would be refused as expired. */
const REMEMBERED_AFTER_SIGNING_MS = MAX_WEBHOOK_AGE_MS + 1_000;

/**
 * The delivery a verified signature identifies, as the authority remembers it: its HMAC in
 * canonical base64 (the parser's `sign`, see `ParsedSignature`), however the header encoded it.
 *
 * @example deliveryOf(parseSignatureHeader("sign=c2lu, env=master, t=1700000000000")); // { sign: "c2lu", expiresAt: 1_700_000_301_000 }
 */
export function deliveryOf(signature: ParsedSignature): { sign: string; expiresAt: number } {
  return { sign: signature.sign, expiresAt: signature.timestamp + REMEMBERED_AFTER_SIGNING_MS };
}
