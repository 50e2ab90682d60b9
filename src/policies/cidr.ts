/**
 * IPv4 and IPv6 addresses and CIDR blocks (RFC 4632 for IPv4, RFC 4291 §2.2–2.3 for IPv6 text
 * and prefixes), parsed strictly into bytes so that matching is a byte comparison.
 *
 * The address text is parsed by Hono's `hono/utils/ipaddr` (the parser behind
 * `hono/ip-restriction`), which is already strict: dotted-quad IPv4 with four decimal parts 0–255
 * and no leading zeros (`010` is octal to some parsers and decimal to others), IPv6 in the RFC
 * 4291 text forms (`::` once and for at least one group, up to eight 16-bit groups, an optional
 * trailing dotted quad). The thin layer kept here is stricter still: no zone identifiers at all
 * (Hono accepts them on link-local addresses; they name a local interface, not an address), a
 * prefix length written without leading zeros, and a block's host bits must be zero
 * (`203.0.113.5/24` is refused: did the operator mean the address or the network? Hono masks them
 * away). An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2) is the IPv4 address
 * it maps, so IPv4 rules cover it. Containment stays a byte comparison here: Hono's matcher is
 * private to its middleware, which does not fit a per-project firewall (see ip-rules.ts).
 */
import { convertIPv4ToBinary, convertIPv6ToBinary } from "hono/utils/ipaddr";

/** An address as its bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  version: 4 | 6;
  bytes: Uint8Array;
}

/** A CIDR block: the network's bytes and the prefix length in bits. */
export interface CidrBlock {
  version: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

/**
 * Parses an IPv4 or IPv6 address, or returns `null`. IPv4-mapped IPv6 addresses come back as IPv4.
 *
 * @example
 * parseIp("203.0.113.7"); // { version: 4, bytes: [203, 0, 113, 7] }
 * parseIp("::ffff:203.0.113.7"); // { version: 4, bytes: [203, 0, 113, 7] }
 * parseIp("2001:db8::1"); // { version: 6, bytes: [0x20, 0x01, 0x0d, 0xb8, 0, …, 1] }
 * parseIp("010.0.0.1"); // null
 */
export function parseIp(text: string): IpAddress | null {
  const trimmed = text.trim();
  if (trimmed.includes(":")) {
    const bytes = parseIpv6(trimmed);
    if (!bytes) return null;
    return isIpv4Mapped(bytes) ? { version: 4, bytes: bytes.slice(12) } : { version: 6, bytes };
  }
  const bytes = parseIpv4(trimmed);
  return bytes ? { version: 4, bytes } : null;
}

/**
 * Parses a CIDR block (`203.0.113.0/24`, `2001:db8::/32`) or a bare address (a /32 or /128),
 * or throws `RangeError` saying what is wrong (the admin API turns it into `400 INVALID_CONFIG`).
 *
 * @example
 * parseCidr("203.0.113.0/24"); // { version: 4, bytes: [203, 0, 113, 0], prefix: 24 }
 * parseCidr("203.0.113.5/24"); // throws RangeError (host bits set)
 */
export function parseCidr(text: string): CidrBlock {
  const slash = text.indexOf("/");
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  // A block keeps the family it was written in: ::ffff:0:0/96 is an IPv6 block.
  const bytes = addressText.includes(":") ? parseIpv6(addressText) : parseIpv4(addressText);
  if (!bytes) throw new RangeError(`"${text}" is not an IPv4 or IPv6 address or CIDR block`);
  const bits = bytes.length * 8;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
      throw new RangeError(`"${text}": the prefix length must be a whole number from 0 to ${bits}`);
    }
    prefix = Number(prefixText);
  }
  if (!hostBitsZero(bytes, prefix)) {
    throw new RangeError(`"${text}" has host bits set; write the network address (e.g. ${formatNetwork(bytes, prefix)})`);
  }
  return { version: bytes.length === 4 ? 4 : 6, bytes, prefix };
}

/**
 * Whether `address` lies in `block` (same family, first `prefix` bits equal).
 *
 * @example
 * cidrContains(parseCidr("2001:db8::/32"), parseIp("2001:db8:1::5")!); // true
 */
export function cidrContains(block: CidrBlock, address: IpAddress): boolean {
  if (block.version !== address.version) return false;
  const whole = block.prefix >> 3;
  for (let i = 0; i < whole; i++) if (block.bytes[i] !== address.bytes[i]) return false;
  const rest = block.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((block.bytes[whole]! ^ address.bytes[whole]!) & mask) === 0;
}

function parseIpv4(text: string): Uint8Array | null {
  try {
    return bytesOf(convertIPv4ToBinary(text), 4);
  } catch {
    return null;
  }
}

function parseIpv6(text: string): Uint8Array | null {
  if (text.includes("%")) return null; // zone identifiers name a local interface, not an address
  try {
    return bytesOf(convertIPv6ToBinary(text), 16);
  } catch {
    return null;
  }
}

/** The `length` big-endian bytes of an address Hono parsed into a bigint. */
function bytesOf(value: bigint, length: 4 | 16): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, value >>= 8n) bytes[i] = Number(value & 0xffn);
  return bytes;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

function hostBitsZero(bytes: Uint8Array, prefix: number): boolean {
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}

/** The block's network address in text, for the error message. */
function formatNetwork(bytes: Uint8Array, prefix: number): string {
  const network = bytes.slice();
  for (let bit = prefix; bit < network.length * 8; bit++) network[bit >> 3]! &= ~(1 << (7 - (bit & 7)));
  if (network.length === 4) return `${network.join(".")}/${prefix}`;
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((network[i]! << 8) | network[i + 1]!).toString(16));
  return `${words.join(":").replace(/(^|:)0(:0)+(:|$)/, "::")}/${prefix}`;
}
