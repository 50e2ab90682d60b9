/**
 * A project's IP firewall (`ipRules: { allow?, deny? }`, SPEC §3b): which client addresses may use
 * its `/content` and `/v2` endpoints. The client address is Cloudflare's `CF-Connecting-IP`, which
 * the edge sets on every request and overwrites when a client sends its own.
 *
 * Decision, in order:
 * 1. no rules (or both lists empty) → allowed;
 * 2. no readable client address → refused (`no-client-address`): with rules in place, an address
 *    that cannot be read cannot be shown to pass them, so the firewall fails closed;
 * 3. in a `deny` block → refused (`denied`); deny wins over allow;
 * 4. `allow` non-empty and the address in none of its blocks → refused (`not-allowed`);
 * 5. otherwise allowed.
 *
 * Hand-written rather than `hono/ip-restriction`: that middleware takes its lists once, when the
 * app is built, and answers a refusal with a bare `403 Forbidden` text; these lists are each
 * project's, read per request from its configuration, and a refusal is `403 IP_NOT_ALLOWED` with
 * the reason above. Its address parser is used (cidr.ts); the decision is these few lines.
 */
import type { IpRules } from "../projects/types";
import { cidrContains, parseCidr, parseIp, type CidrBlock } from "./cidr";

export type IpVerdict = { allowed: true } | { allowed: false; reason: "no-client-address" | "denied" | "not-allowed" };

/** A project's rules, parsed once. */
export interface IpFirewall {
  /** False when the project has no rules: every request passes without reading an address. */
  readonly active: boolean;
  check(clientAddress: string | null | undefined): IpVerdict;
}

const ALLOWED: IpVerdict = { allowed: true };

/**
 * Parses `rules` once into a firewall. Rules come from a validated configuration; a block that
 * does not parse (only possible for a hand-edited KV value) makes every request refused rather
 * than silently dropping the rule.
 *
 * @example
 * const firewall = ipFirewall({ deny: ["2001:db8::/32"] });
 * firewall.check("2001:db8::7"); // { allowed: false, reason: "denied" }
 * firewall.check("203.0.113.9"); // { allowed: true }
 */
export function ipFirewall(rules: IpRules | undefined): IpFirewall {
  const allow = blocks(rules?.allow);
  const deny = blocks(rules?.deny);
  if (allow === "broken" || deny === "broken") return { active: true, check: () => ({ allowed: false, reason: "denied" }) };
  if (allow.length === 0 && deny.length === 0) return { active: false, check: () => ALLOWED };
  return {
    active: true,
    check(clientAddress) {
      const address = clientAddress ? parseIp(clientAddress) : null;
      if (!address) return { allowed: false, reason: "no-client-address" };
      if (deny.some((block) => cidrContains(block, address))) return { allowed: false, reason: "denied" };
      if (allow.length > 0 && !allow.some((block) => cidrContains(block, address))) return { allowed: false, reason: "not-allowed" };
      return ALLOWED;
    },
  };
}

function blocks(list: string[] | undefined): CidrBlock[] | "broken" {
  if (!list) return [];
  try {
    return list.map((text) => parseCidr(text));
  } catch {
    return "broken";
  }
}
