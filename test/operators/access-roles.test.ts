import { describe, expect, it } from "vitest";
import { parseAccessRoles, roleFor, type AccessSubject } from "../../src/operators/access-roles";
import type { Role } from "../../src/operators/roles";

/** A parsed table as plain entries, for comparison. */
const entries = (text: string) =>
  Object.fromEntries(Object.entries(parseAccessRoles(text)).map(([table, rules]) => [table, Object.fromEntries(rules)]));

describe("parseAccessRoles", () => {
  it.each<[string, string, Record<string, Record<string, Role>>]>([
    ["nothing", "", { emails: {}, domains: {}, groups: {}, services: {} }],
    [
      "an e-mail, lower-cased",
      "Alice@Example.COM=owner",
      { emails: { "alice@example.com": "owner" }, domains: {}, groups: {}, services: {} },
    ],
    [
      "a domain wildcard, lower-cased",
      "*@Example.com=viewer",
      { emails: {}, domains: { "example.com": "viewer" }, groups: {}, services: {} },
    ],
    [
      "a group, exact, spaces inside kept",
      "group:CMS Editors=editor",
      { emails: {}, domains: {}, groups: { "CMS Editors": "editor" }, services: {} },
    ],
    ["a group whose name has =", "group:cn=admins=owner", { emails: {}, domains: {}, groups: { "cn=admins": "owner" }, services: {} }],
    [
      "a service token",
      "service:88bf3b6d.access=editor",
      { emails: {}, domains: {}, groups: {}, services: { "88bf3b6d.access": "editor" } },
    ],
    [
      "several, with spaces and empty pairs",
      " a@x.io = owner ,, *@x.io=viewer, group:g=editor ,",
      { emails: { "a@x.io": "owner" }, domains: { "x.io": "viewer" }, groups: { g: "editor" }, services: {} },
    ],
    [
      "the same name as an e-mail and a group (different keys)",
      "a@x.io=viewer, group:a@x.io=owner",
      { emails: { "a@x.io": "viewer" }, domains: {}, groups: { "a@x.io": "owner" }, services: {} },
    ],
  ])("parses %s", (_name, text, expected) => {
    expect(entries(text)).toEqual(expected);
  });

  it.each([
    ["no =", "alice@example.com"],
    ["an unknown role", "alice@example.com=admin"],
    ["a role in the wrong case", "alice@example.com=Owner"],
    ["an empty role", "alice@example.com="],
    ["an empty key", "=owner"],
    ["a bare name", "alice=owner"],
    ["an address without a domain", "alice@=owner"],
    ["a domain of one label", "alice@localhost=owner"],
    ["a domain with a bad character", "alice@exa_mple.com=owner"],
    ["a wildcard inside the local part", "a*@example.com=owner"],
    ["a wildcard domain", "*@*.example.com=owner"],
    ["a bare wildcard", "*=owner"],
    ["two @", "a@b@example.com=owner"],
    ["a space in the address", "al ice@example.com=owner"],
    ["an empty group", "group:=owner"],
    ["a group with a control character", "group:a\u0007b=owner"],
    ["an empty service", "service:=owner"],
    ["a service name with a space", "service:ci token=owner"],
    ["a repeated e-mail (in another case)", "a@x.io=viewer, A@X.io=owner"],
    ["a repeated domain", "*@x.io=viewer, *@x.io=viewer"],
    ["a repeated group", "group:g=viewer, group:g=editor"],
  ])("refuses %s, naming the pair", (_name, text) => {
    const bad = text.split(",").at(-1)!.trim();
    expect(() => parseAccessRoles(text)).toThrow(`ACCESS_ROLES entry "${bad}"`);
  });
});

describe("roleFor", () => {
  const rules = parseAccessRoles(
    "alice@example.com=viewer, *@example.com=editor, boss@example.com=owner, group:cms-owners=owner, group:readers=viewer, service:ci.access=editor",
  );
  it.each<[string, AccessSubject, Role | null]>([
    ["an exact e-mail", { email: "boss@example.com", groups: [] }, "owner"],
    ["an e-mail in another case", { email: "BOSS@Example.Com", groups: [] }, "owner"],
    ["the stronger of an e-mail and its domain (domain wins)", { email: "alice@example.com", groups: [] }, "editor"],
    ["a domain wildcard", { email: "someone@example.com", groups: [] }, "editor"],
    ["a domain in another case", { email: "someone@EXAMPLE.COM", groups: [] }, "editor"],
    ["not a subdomain", { email: "someone@eu.example.com", groups: [] }, null],
    ["not a look-alike domain", { email: "someone@example.com.evil.test", groups: [] }, null],
    ["a group", { email: "x@agency.test", groups: ["readers"] }, "viewer"],
    ["the strongest of several groups", { email: "x@agency.test", groups: ["readers", "cms-owners"] }, "owner"],
    ["a group stronger than the domain", { email: "someone@example.com", groups: ["cms-owners"] }, "owner"],
    ["a group name in another case (no match)", { email: "x@agency.test", groups: ["Readers"] }, null],
    ["a service token", { commonName: "ci.access", groups: [] }, "editor"],
    ["an unknown service token", { commonName: "other.access", groups: [] }, null],
    ["a service token named like an address matches no e-mail rule", { commonName: "boss@example.com", groups: [] }, null],
    ["nobody", { groups: [] }, null],
  ])("%s", (_name, subject, role) => {
    expect(roleFor(subject, rules)).toBe(role);
  });
});
