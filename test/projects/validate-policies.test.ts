import { describe, expect, it } from "vitest";
import { InvalidConfigError } from "../../src/errors";
import { MAX_POLICY_ENTRIES, validateAllowedOrigins, validateIpRules } from "../../src/projects/validate-policies";

/**
 * A project's API policies (`allowedOrigins`, `ipRules`): what is accepted and stored, and what
 * is refused with `INVALID_CONFIG` naming the entry. The matching itself is tested in
 * test/policies/.
 */
function fieldOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    expect(error).toMatchObject({ status: 400, code: "INVALID_CONFIG" });
    return error.extensions["field"];
  }
  throw new Error("accepted");
}

describe("validateAllowedOrigins", () => {
  it.each<[string, unknown, string[]]>([
    ["absent: every origin", undefined, ["*"]],
    ["null: every origin", null, ["*"]],
    ['"*" alone', ["*"], ["*"]],
    ["an https origin", ["https://www.example.com"], ["https://www.example.com"]],
    ["an http origin with a port", ["http://localhost:3000"], ["http://localhost:3000"]],
    ["an IPv4 origin", ["http://127.0.0.1:8080"], ["http://127.0.0.1:8080"]],
    ["an IPv6 origin", ["http://[::1]:8080"], ["http://[::1]:8080"]],
    ["upper case and the default port are canonicalized", ["HTTPS://WWW.Example.COM:443"], ["https://www.example.com"]],
    ["a subdomain wildcard", ["https://*.preview.example.com"], ["https://*.preview.example.com"]],
    ["a wildcard with a port", ["http://*.example.test:8080"], ["http://*.example.test:8080"]],
    [
      "duplicates after canonicalization are kept once, in order",
      ["https://b.example", "https://a.example", "https://B.example:443"],
      ["https://b.example", "https://a.example"],
    ],
    ["a list repeating * is *", ["*", "*"], ["*"]],
    [
      `${MAX_POLICY_ENTRIES} entries`,
      Array.from({ length: MAX_POLICY_ENTRIES }, (_, i) => `https://s${i}.example`),
      Array.from({ length: MAX_POLICY_ENTRIES }, (_, i) => `https://s${i}.example`),
    ],
  ])("accepts %s", (_name, raw, expected) => {
    expect(validateAllowedOrigins(raw)).toEqual(expected);
  });

  it.each<[string, unknown, string]>([
    ["a string instead of a list", "https://www.example.com", "allowedOrigins"],
    ["an object", { origin: "https://www.example.com" }, "allowedOrigins"],
    ["an empty list (use * or list origins)", [], "allowedOrigins"],
    [
      `more than ${MAX_POLICY_ENTRIES} entries`,
      Array.from({ length: MAX_POLICY_ENTRIES + 1 }, (_, i) => `https://s${i}.example`),
      "allowedOrigins",
    ],
    ["* beside an origin", ["https://www.example.com", "*"], "allowedOrigins"],
    ["an entry that is not a string", ["https://a.example", 42], "allowedOrigins[1]"],
    ["a host without a scheme", ["www.example.com"], "allowedOrigins[0]"],
    ["a path", ["https://www.example.com/app"], "allowedOrigins[0]"],
    ["a trailing slash", ["https://www.example.com/"], "allowedOrigins[0]"],
    ["a query", ["https://www.example.com?x=1"], "allowedOrigins[0]"],
    ["a fragment", ["https://www.example.com#top"], "allowedOrigins[0]"],
    ["credentials", ["https://user@www.example.com"], "allowedOrigins[0]"],
    ["another scheme", ["ftp://www.example.com"], "allowedOrigins[0]"],
    ["a null origin", ["null"], "allowedOrigins[0]"],
    ["a wildcard in the middle", ["https://www.*.example.com"], "allowedOrigins[0]"],
    ["a bare wildcard domain", ["https://*.com"], "allowedOrigins[0]"],
    ["a wildcard on an IP address", ["https://*.127.0.0.1"], "allowedOrigins[0]"],
    ["a host with an underscore", ["https://my_site.example"], "allowedOrigins[0]"],
    ["the third entry, named", ["https://a.example", "https://b.example", "https://c.example/"], "allowedOrigins[2]"],
  ])("refuses %s", (_name, raw, field) => {
    expect(fieldOf(() => validateAllowedOrigins(raw))).toBe(field);
  });
});

describe("validateIpRules", () => {
  it.each<[string, unknown, unknown]>([
    ["absent: no firewall", undefined, undefined],
    ["null: no firewall", null, undefined],
    ["an empty object: no rules", {}, {}],
    ["allow only", { allow: ["203.0.113.0/24"] }, { allow: ["203.0.113.0/24"] }],
    ["deny only", { deny: ["2001:db8::/32"] }, { deny: ["2001:db8::/32"] }],
    [
      "both, kept as written",
      { allow: ["10.0.0.0/8", "2001:db8:abcd::/48"], deny: ["10.1.0.0/16"] },
      { allow: ["10.0.0.0/8", "2001:db8:abcd::/48"], deny: ["10.1.0.0/16"] },
    ],
    ["single addresses", { allow: ["203.0.113.9", "::1"] }, { allow: ["203.0.113.9", "::1"] }],
    ["/0 blocks", { deny: ["0.0.0.0/0", "::/0"] }, { deny: ["0.0.0.0/0", "::/0"] }],
    ["null lists are left out", { allow: null, deny: ["192.0.2.0/24"] }, { deny: ["192.0.2.0/24"] }],
    ["empty lists are kept", { allow: [], deny: [] }, { allow: [], deny: [] }],
    [
      `${MAX_POLICY_ENTRIES} entries`,
      { deny: Array.from({ length: MAX_POLICY_ENTRIES }, (_, i) => `10.0.${i >> 8}.${i & 255}`) },
      { deny: Array.from({ length: MAX_POLICY_ENTRIES }, (_, i) => `10.0.${i >> 8}.${i & 255}`) },
    ],
  ])("accepts %s", (_name, raw, expected) => {
    expect(validateIpRules(raw)).toEqual(expected);
  });

  it.each<[string, unknown, string]>([
    ["a list instead of an object", ["203.0.113.0/24"], "ipRules"],
    ["a string", "203.0.113.0/24", "ipRules"],
    ["an unknown field", { block: ["203.0.113.0/24"] }, "ipRules.block"],
    ["allow as a string", { allow: "203.0.113.0/24" }, "ipRules.allow"],
    [`more than ${MAX_POLICY_ENTRIES} entries`, { deny: Array.from({ length: MAX_POLICY_ENTRIES + 1 }, () => "10.0.0.1") }, "ipRules.deny"],
    ["an entry that is not a string", { allow: ["10.0.0.0/8", 10] }, "ipRules.allow[1]"],
    ["host bits set", { deny: ["203.0.113.5/24"] }, "ipRules.deny[0]"],
    ["a prefix beyond 32 for IPv4", { deny: ["10.0.0.0/33"] }, "ipRules.deny[0]"],
    ["a prefix beyond 128 for IPv6", { deny: ["2001:db8::/129"] }, "ipRules.deny[0]"],
    ["a prefix with a leading zero", { deny: ["10.0.0.0/08"] }, "ipRules.deny[0]"],
    ["an octet beyond 255", { allow: ["256.0.0.0/8"] }, "ipRules.allow[0]"],
    ["a hostname", { allow: ["example.com"] }, "ipRules.allow[0]"],
    ["a malformed IPv6 address", { deny: ["2001:db8::/32", "2001:db8:::1/64"] }, "ipRules.deny[1]"],
    ["an empty entry", { allow: [""] }, "ipRules.allow[0]"],
  ])("refuses %s", (_name, raw, field) => {
    expect(fieldOf(() => validateIpRules(raw))).toBe(field);
  });
});
