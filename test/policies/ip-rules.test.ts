import { describe, expect, it } from "vitest";
import { ipFirewall } from "../../src/policies/ip-rules";
import type { IpRules } from "../../src/projects/types";

describe("ipFirewall", () => {
  it.each<[string, IpRules | undefined, string | null, ReturnType<ReturnType<typeof ipFirewall>["check"]>]>([
    ["no rules: anyone, even without an address", undefined, null, { allowed: true }],
    ["empty lists: anyone", { allow: [], deny: [] }, null, { allowed: true }],
    ["deny-listed IPv4", { deny: ["203.0.113.0/24"] }, "203.0.113.9", { allowed: false, reason: "denied" }],
    ["not deny-listed", { deny: ["203.0.113.0/24"] }, "198.51.100.9", { allowed: true }],
    ["deny-listed IPv6", { deny: ["2001:db8::/32"] }, "2001:db8:1::2", { allowed: false, reason: "denied" }],
    ["IPv4-mapped IPv6 meets the IPv4 deny rule", { deny: ["203.0.113.0/24"] }, "::ffff:203.0.113.9", { allowed: false, reason: "denied" }],
    ["allow-listed", { allow: ["198.51.100.0/24"] }, "198.51.100.77", { allowed: true }],
    ["outside the allow list", { allow: ["198.51.100.0/24"] }, "198.51.101.1", { allowed: false, reason: "not-allowed" }],
    ["IPv6 client, IPv4-only allow list", { allow: ["198.51.100.0/24"] }, "2001:db8::1", { allowed: false, reason: "not-allowed" }],
    [
      "deny wins over allow",
      { allow: ["198.51.100.0/24"], deny: ["198.51.100.64/26"] },
      "198.51.100.65",
      { allowed: false, reason: "denied" },
    ],
    ["allowed around a denied hole", { allow: ["198.51.100.0/24"], deny: ["198.51.100.64/26"] }, "198.51.100.1", { allowed: true }],
    ["rules but no address: closed", { deny: ["203.0.113.0/24"] }, null, { allowed: false, reason: "no-client-address" }],
    ["rules and an unreadable address: closed", { allow: ["0.0.0.0/0"] }, "not-an-ip", { allowed: false, reason: "no-client-address" }],
    ["a broken stored rule refuses rather than being dropped", { deny: ["bogus"] }, "198.51.100.1", { allowed: false, reason: "denied" }],
  ])("%s", (_name, rules, address, verdict) => {
    expect(ipFirewall(rules).check(address)).toEqual(verdict);
  });

  it("is inactive without rules, so no address needs reading", () => {
    expect(ipFirewall(undefined).active).toBe(false);
    expect(ipFirewall({ allow: ["::/0"] }).active).toBe(true);
  });
});
