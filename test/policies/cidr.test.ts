import { describe, expect, it } from "vitest";
import { cidrContains, parseCidr, parseIp } from "../../src/policies/cidr";

const hex = (bytes: Uint8Array | undefined) => (bytes ? [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("") : null);

describe("parseIp", () => {
  it.each<[string, 4 | 6 | null, string | null]>([
    ["203.0.113.7", 4, "cb007107"],
    ["0.0.0.0", 4, "00000000"],
    ["255.255.255.255", 4, "ffffffff"],
    [" 198.51.100.1 ", 4, "c6336401"],
    ["2001:db8::1", 6, "20010db8000000000000000000000001"],
    ["2001:DB8:0:0:0:0:0:1", 6, "20010db8000000000000000000000001"],
    ["::", 6, "00000000000000000000000000000000"],
    ["::1", 6, "00000000000000000000000000000001"],
    ["fe80::", 6, "fe800000000000000000000000000000"],
    ["64:ff9b::192.0.2.33", 6, "0064ff9b0000000000000000c0000221"],
    // IPv4-mapped IPv6 is the IPv4 address it maps (RFC 4291 §2.5.5.2)
    ["::ffff:203.0.113.7", 4, "cb007107"],
    ["::ffff:cb00:7107", 4, "cb007107"],
    // refused
    ["010.0.0.1", null, null],
    ["256.0.0.1", null, null],
    ["1.2.3", null, null],
    ["1.2.3.4.5", null, null],
    ["1.2.3.-4", null, null],
    ["", null, null],
    ["localhost", null, null],
    ["1::2::3", null, null],
    [":1:2:3:4:5:6:7", null, null],
    ["1:2:3:4:5:6:7:8:9", null, null],
    ["1:2:3:4:5:6:7::8", null, null],
    ["12345::1", null, null],
    ["fe80::1%eth0", null, null],
    ["1.2.3.4::", null, null],
  ])("%s → IPv%s", (text, version, bytes) => {
    const parsed = parseIp(text);
    expect(parsed?.version ?? null).toBe(version);
    expect(hex(parsed?.bytes)).toBe(bytes);
  });
});

describe("parseCidr", () => {
  it.each<[string, number]>([
    ["203.0.113.0/24", 24],
    ["203.0.113.7", 32],
    ["0.0.0.0/0", 0],
    ["2001:db8::/32", 32],
    ["::/0", 0],
    ["2001:db8::1", 128],
    ["10.128.0.0/9", 9],
  ])("accepts %s (prefix %i)", (text, prefix) => {
    expect(parseCidr(text).prefix).toBe(prefix);
  });

  it.each<[string, RegExp]>([
    ["203.0.113.5/24", /host bits set.*203\.0\.113\.0\/24/],
    ["2001:db8::1/32", /host bits set.*2001:db8::\/32/],
    ["203.0.113.0/33", /prefix length/],
    ["2001:db8::/129", /prefix length/],
    ["203.0.113.0/024", /prefix length/],
    ["203.0.113.0/", /prefix length/],
    ["example.com/24", /not an IPv4 or IPv6/],
    ["/24", /not an IPv4 or IPv6/],
  ])("refuses %s", (text, message) => {
    expect(() => parseCidr(text)).toThrow(message);
  });
});

describe("cidrContains", () => {
  it.each<[string, string, boolean]>([
    ["203.0.113.0/24", "203.0.113.0", true],
    ["203.0.113.0/24", "203.0.113.255", true],
    ["203.0.113.0/24", "203.0.114.0", false],
    ["10.128.0.0/9", "10.255.1.1", true],
    ["10.128.0.0/9", "10.127.255.255", false],
    ["0.0.0.0/0", "198.51.100.1", true],
    ["0.0.0.0/0", "2001:db8::1", false],
    ["203.0.113.7", "203.0.113.7", true],
    ["203.0.113.7", "203.0.113.8", false],
    ["203.0.113.0/24", "::ffff:203.0.113.9", true],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/32", "2001:db9::1", false],
    ["2001:db8::/33", "2001:db8:7fff::1", true],
    ["2001:db8::/33", "2001:db8:8000::1", false],
    ["::/0", "::1", true],
    ["::/0", "127.0.0.1", false],
  ])("%s contains %s: %s", (block, address, expected) => {
    expect(cidrContains(parseCidr(block), parseIp(address)!)).toBe(expected);
  });
});
