import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { gatewayConfig } from "../../src/config/gateway-config";
import { parseAccessSettings, type AccessVariables } from "../../src/operators/access-settings";

const TEAM = "example.cloudflareaccess.com";
const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
const ROLES = "*@example.com=viewer";
const all: AccessVariables = { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ACCESS_ROLES: ROLES };

describe("parseAccessSettings", () => {
  it.each<[string, AccessVariables]>([
    ["none set", {}],
    ["all empty", { ACCESS_TEAM_DOMAIN: "", ACCESS_AUD: " ", ACCESS_ROLES: "" }],
  ])("is off (null) with %s", (_name, vars) => {
    expect(parseAccessSettings(vars)).toBeNull();
  });

  it("parses all three: the team domain lower-cased, the AUD tag as given, the rules", () => {
    const settings = parseAccessSettings({ ...all, ACCESS_TEAM_DOMAIN: " Example.CloudflareAccess.com " });
    expect(settings?.teamDomain).toBe(TEAM);
    expect(settings?.audience).toBe(AUD);
    expect(settings?.roles.domains.get("example.com")).toBe("viewer");
  });

  it.each<[string, AccessVariables, RegExp]>([
    ["only the team domain", { ACCESS_TEAM_DOMAIN: TEAM }, /ACCESS_TEAM_DOMAIN is set but ACCESS_AUD, ACCESS_ROLES are not/],
    ["only the AUD tag", { ACCESS_AUD: AUD }, /ACCESS_AUD is set but ACCESS_TEAM_DOMAIN, ACCESS_ROLES are not/],
    ["no roles", { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD }, /ACCESS_ROLES is not/],
    ["only roles", { ACCESS_ROLES: ROLES }, /ACCESS_ROLES is set but ACCESS_TEAM_DOMAIN, ACCESS_AUD are not/],
    ["a team domain with a scheme", { ...all, ACCESS_TEAM_DOMAIN: `https://${TEAM}` }, /ACCESS_TEAM_DOMAIN must be a bare host name/],
    ["a team domain with a path", { ...all, ACCESS_TEAM_DOMAIN: `${TEAM}/cdn-cgi/access/certs` }, /bare host name/],
    ["a team domain with a port", { ...all, ACCESS_TEAM_DOMAIN: `${TEAM}:443` }, /bare host name/],
    ["a team name without its domain", { ...all, ACCESS_TEAM_DOMAIN: "example" }, /bare host name/],
    ["an AUD tag of two words", { ...all, ACCESS_AUD: "aud one" }, /ACCESS_AUD must be/],
    ["a bad role pair", { ...all, ACCESS_ROLES: "*@example.com=viewer, bob=owner" }, /ACCESS_ROLES entry "bob=owner"/],
    ["roles of empty pairs only", { ...all, ACCESS_ROLES: " , ," }, /ACCESS_ROLES names no rule/],
  ])("throws for %s", (_name, vars, message) => {
    expect(() => parseAccessSettings(vars)).toThrow(message);
  });
});

describe("the gateway's configuration", () => {
  /** The test Worker's bindings without any Access variable, whatever the test environment sets. */
  const withoutAccess = () => ({ ...env, ACCESS_TEAM_DOMAIN: undefined, ACCESS_AUD: undefined, ACCESS_ROLES: undefined });

  it("carries the Access settings, and null without them", async () => {
    expect((await gatewayConfig({ ...withoutAccess(), ...all })).access?.teamDomain).toBe(TEAM);
    expect((await gatewayConfig(withoutAccess())).access).toBeNull();
  });

  it("fails to load with half an Access configuration, naming the variables", async () => {
    await expect(gatewayConfig({ ...withoutAccess(), ACCESS_AUD: AUD })).rejects.toThrow(/^content-edge: Cloudflare Access needs/);
  });
});
