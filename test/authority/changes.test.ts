import { describe, expect, it } from "vitest";
import { bumpedMembers, checkedMembers, normalizeChange, type Change } from "../../src/authority/changes";
import { AuthorityState } from "../../src/authority/state";
import { emptyView, isCurrent, mergeSync } from "../../src/authority/view";
import { checksOf } from "../../src/cache/entry";

/**
 * The invalidation vocabulary as a table: for each change, which dependencies it reaches. A
 * dependency is reached exactly when one of its checked members is among the bumped members.
 */
const reaches = (change: Change, dependency: string) => {
  const bumped = new Set(bumpedMembers(normalizeChange(change)!));
  return checkedMembers(dependency).some((m) => bumped.has(m));
};

const publishP1: Change = { kind: "entries", stages: ["PUBLISHED"], model: "Post", ids: ["p1"], relations: true };
const updateP1: Change = { kind: "entries", stages: ["DRAFT"], model: "Post", ids: ["p1"], relations: false };
const deleteP1: Change = { kind: "entries", stages: "*", model: "Post", ids: ["p1"], relations: true };

describe("changes reach exactly the dependencies they can alter", () => {
  it.each<[string, Change, string, boolean]>([
    ["publishing p1 reaches answers containing p1", publishP1, "E|PUBLISHED|Post|p1", true],
    ["… not answers containing p2", publishP1, "E|PUBLISHED|Post|p2", false],
    ["… reaches published Post lists", publishP1, "L|PUBLISHED|Post", true],
    ["… not DRAFT answers", publishP1, "E|DRAFT|Post|p1", false],
    ["… reaches references into Post", publishP1, "R|PUBLISHED|Post", true],
    ["… not references into Author", publishP1, "R|PUBLISHED|Author", false],
    ["a draft update without relation inputs leaves references alone", updateP1, "R|DRAFT|Post", false],
    ["deleting p1 reaches it in every stage", deleteP1, "E|PUBLISHED|Post|p1", true],
    ["… and every stage's lists", deleteP1, "L|DRAFT|Post", true],
    [
      "purging Post in PUBLISHED reaches every Post entry there",
      { kind: "model", stages: ["PUBLISHED"], models: ["Post"] },
      "E|PUBLISHED|Post|p2",
      true,
    ],
    ["… and lists", { kind: "model", stages: ["PUBLISHED"], models: ["Post"] }, "L|PUBLISHED|Post", true],
    ["… not Author", { kind: "model", stages: ["PUBLISHED"], models: ["Post"] }, "E|PUBLISHED|Author|a1", false],
    ["purging everything reaches everything", { kind: "model", stages: "*", models: "*" }, "R|DRAFT|Page", true],
    ["purging a stage reaches every model there", { kind: "model", stages: ["DRAFT"], models: "*" }, "E|DRAFT|Page|g1", true],
    [
      "an entries change without ids is its model",
      { kind: "entries", stages: ["PUBLISHED"], model: "Post", ids: [], relations: false },
      "E|PUBLISHED|Post|p7",
      true,
    ],
  ])("%s", (_name, change, dependency, expected) => {
    expect(reaches(change, dependency)).toBe(expected);
  });

  it("every answer depends on everything of its project, even one with no dependency", () => {
    expect(checksOf([])).toEqual(["A|*|*"]);
  });

  it("normalizes scopes and drops changes that bump nothing", () => {
    expect(normalizeChange({ kind: "model", stages: ["DRAFT", "*"], models: ["Post", "Post"] })).toEqual({
      kind: "model",
      stages: "*",
      models: ["Post"],
    });
    expect(normalizeChange({ kind: "model", stages: [], models: ["Post"] })).toBeNull();
  });
});

describe("an answer is current until a dependency moves past its snapshot", () => {
  it("judges through the authority's state machine and a location's merged view", () => {
    let now = 1_700_000_000_000;
    const state = new AuthorityState(() => now);
    const view = mergeSync(emptyView(), state.sync(null));
    const snapshot = view.seq;
    const detail = checksOf(["E|PUBLISHED|Post|p1"]);
    const list = checksOf(["L|PUBLISHED|Post"]);
    state.apply([{ kind: "entries", stages: ["PUBLISHED"], model: "Post", ids: ["p2"], relations: true }]);
    mergeSync(view, state.sync(view.seq));
    expect(isCurrent(view, snapshot, detail, true)).toBe(true);
    expect(isCurrent(view, snapshot, list, false)).toBe(false);
    now += 10;
    state.apply([publishP1]);
    mergeSync(view, state.sync(view.seq));
    expect(isCurrent(view, snapshot, detail, true)).toBe(false);
    // Fetched after the change: current again.
    expect(isCurrent(view, view.seq, detail, true)).toBe(true);
  });
});
