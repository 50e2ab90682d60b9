import { describe, expect, it } from "vitest";
import { legacyRoute, parseProjectName, parseRoute, routeHash, type Route } from "../../console/route";

describe("the console's hash routes", () => {
  it.each<[string, Route]>([
    ["", { view: "projects", search: "" }],
    ["#", { view: "projects", search: "" }],
    ["#/", { view: "projects", search: "" }],
    ["#/?search=shop", { view: "projects", search: "shop" }],
    ["#/?search=a%2Fb", { view: "projects", search: "a/b" }],
    ["#/p/demo/master", { view: "project", projectId: "demo", environment: "master", tab: null }],
    ["#/p/demo/master/", { view: "project", projectId: "demo", environment: "master", tab: null }],
    ["#/p/demo/master/config", { view: "project", projectId: "demo", environment: "master", tab: "config" }],
    ["#/p/shop_2/staging-eu/traffic", { view: "project", projectId: "shop_2", environment: "staging-eu", tab: "traffic" }],
    // A tab that is no tab id opens the project on its first tab.
    ["#/p/demo/master/NOT%20A%20TAB", { view: "project", projectId: "demo", environment: "master", tab: null }],
    // What cannot be a project is the list, never an error: bad characters, too long, too many parts, broken escapes.
    ["#/p/de mo/master/traffic", { view: "projects", search: "" }],
    ["#/p/demo%2Fx/master", { view: "projects", search: "" }],
    [`#/p/${"a".repeat(65)}/master`, { view: "projects", search: "" }],
    ["#/p/demo/master/traffic/extra", { view: "projects", search: "" }],
    ["#/p/%E0%A4%A/master", { view: "projects", search: "" }],
    ["#/p/demo", { view: "projects", search: "" }],
    ["#tokens", { view: "projects", search: "" }],
    ["#/elsewhere", { view: "projects", search: "" }],
  ])("%s is %j", (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it("cuts a search longer than the list route takes", () => {
    expect(parseRoute(`#/?search=${"x".repeat(500)}`)).toEqual({ view: "projects", search: "x".repeat(129) });
  });

  it.each<Route>([
    { view: "projects", search: "" },
    { view: "projects", search: "shop & co/eu" },
    { view: "project", projectId: "demo", environment: "master", tab: null },
    { view: "project", projectId: "demo", environment: "master", tab: "config" },
  ])("reads back what it writes: %j", (route) => {
    expect(parseRoute(routeHash(route))).toEqual(route);
  });

  it.each([
    [{ view: "projects", search: "" }, "#/"],
    [{ view: "projects", search: "shop" }, "#/?search=shop"],
    [{ view: "project", projectId: "demo", environment: "master", tab: "tokens" }, "#/p/demo/master/tokens"],
  ] as Array<[Route, string]>)("%j is written %s", (route, hash) => {
    expect(routeHash(route)).toBe(hash);
  });
});

describe("the earlier console's links (?project=&environment=#tab)", () => {
  it.each<[string, string, Route | null]>([
    ["", "", null],
    ["?other=1", "#/p/demo/master", null],
    ["?project=shop", "", { view: "project", projectId: "shop", environment: "master", tab: null }],
    ["?project=shop&environment=", "", { view: "project", projectId: "shop", environment: "master", tab: null }],
    ["?project=shop&environment=staging", "#purge", { view: "project", projectId: "shop", environment: "staging", tab: "purge" }],
    ["?project=shop&environment=staging", "#/p/x/y", { view: "project", projectId: "shop", environment: "staging", tab: null }],
    ["?project=bad%20id", "", { view: "projects", search: "" }],
  ])("%s%s → %j", (search, hash, route) => {
    expect(legacyRoute(search, hash)).toEqual(route);
  });
});

describe("a project typed into the switcher", () => {
  it.each([
    ["demo/master", { projectId: "demo", environment: "master" }],
    ["  shop/staging ", { projectId: "shop", environment: "staging" }],
    ["demo", null],
    ["demo/", null],
    ["demo/master/traffic", null],
    ["de mo/master", null],
    ["", null],
  ])("%j is %j", (text, project) => {
    expect(parseProjectName(text)).toEqual(project);
  });
});
