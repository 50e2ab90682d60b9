import { describe, expect, it } from "vitest";
import { canonicalOriginEntry, originPolicy } from "../../src/policies/origin-policy";

describe("allowedOrigins entries", () => {
  it.each<[string, string]>([
    ["*", "*"],
    ["https://www.example.com", "https://www.example.com"],
    ["https://WWW.Example.com", "https://www.example.com"],
    ["https://example.com:443", "https://example.com"],
    ["http://127.0.0.1:3000", "http://127.0.0.1:3000"],
    ["http://[::1]:8080", "http://[::1]:8080"],
    ["https://*.preview.example.com", "https://*.preview.example.com"],
    ["https://*.example.com:8443", "https://*.example.com:8443"],
  ])("%s → %s", (entry, canonical) => {
    expect(canonicalOriginEntry(entry)).toBe(canonical);
  });

  it.each([
    "example.com",
    "https://example.com/",
    "https://example.com/app",
    "https://example.com?x=1",
    "https://user:pw@example.com",
    "ftp://example.com",
    "null",
    "https://*.com",
    "https://*.10.0.0.1",
    "https://a.*.example.com",
    "",
  ])("refuses %j", (entry) => {
    expect(() => canonicalOriginEntry(entry)).toThrow(RangeError);
  });
});

describe("originPolicy", () => {
  const policy = originPolicy(["https://www.example.com", "https://*.preview.example.com", "http://127.0.0.1:3000"]);

  it.each<[string, boolean]>([
    ["https://www.example.com", true],
    ["http://www.example.com", false],
    ["https://www.example.com:8443", false],
    ["https://example.com", false],
    ["https://pr-7.preview.example.com", true],
    ["https://a.b.preview.example.com", true],
    ["https://preview.example.com", false],
    ["https://evilpreview.example.com", false],
    ["http://pr-7.preview.example.com", false],
    ["https://pr-7.preview.example.com:444", false],
    ["http://127.0.0.1:3000", true],
    ["http://localhost:3000", false],
    ["null", false],
    ["", false],
  ])("%s allowed: %s", (origin, allowed) => {
    expect(policy.allows(origin)).toBe(allowed);
    expect(policy.any).toBe(false);
  });

  it("allows every origin by default and with *", () => {
    for (const p of [originPolicy(undefined), originPolicy(["*"])]) {
      expect(p.any).toBe(true);
      expect(p.allows("https://anything.example")).toBe(true);
    }
  });
});
