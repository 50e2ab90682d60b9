import { describe, expect, it } from "vitest";
import { bumpedMembers, checkedMembers, documentDependency, EVERY_DOCUMENT, normalizeChange } from "../../src/authority/changes";
import { AuthorityState, MAX_DOCUMENT_MEMBERS } from "../../src/authority/state";
import { emptyView, isCurrent, mergeSync } from "../../src/authority/view";
import { checksOf } from "../../src/cache/entry";

/** Purges by document hash (`Q|stage|hash` members) and their bound, through the state machine and a location's view. */
const hash = (n: number) => n.toString(16).padStart(64, "0");
const documents = (hashes: string[], stages: string[] | "*" = "*") => ({ kind: "documents" as const, stages, hashes });

function machine(start = 1_700_000_000_000) {
  let now = start;
  return { state: new AuthorityState(() => now), advance: (ms: number) => (now += ms) };
}

describe("document members", () => {
  it.each<[string, string[]]>([
    [documentDependency("PUBLISHED", hash(1)), [`Q|PUBLISHED|${hash(1)}`, `Q|*|${hash(1)}`, EVERY_DOCUMENT, "A|PUBLISHED|*", "A|*|*"]],
    [documentDependency("*", hash(1)), [`Q|*|${hash(1)}`, EVERY_DOCUMENT, "A|*|*"]],
  ])("an answer depending on %s is checked against %j", (dependency, members) => {
    expect(checkedMembers(dependency)).toEqual(members);
  });

  it("a purge bumps the documents in its stages; an empty one bumps nothing", () => {
    expect(bumpedMembers(documents([hash(1), hash(2), hash(1)], ["DRAFT"]))).toEqual([`Q|DRAFT|${hash(1)}`, `Q|DRAFT|${hash(2)}`]);
    expect(normalizeChange(documents([]))).toBeNull();
    expect(normalizeChange(documents([hash(1)], ["PUBLISHED", "*"]))).toEqual(documents([hash(1)], "*"));
  });

  it("invalidates exactly the answers of the purged document, whatever else they depend on", () => {
    const m = machine();
    const view = mergeSync(emptyView(), m.state.sync(null));
    const snapshot = view.seq;
    const answerOf = (n: number) => checksOf(["L|PUBLISHED|Post", documentDependency("PUBLISHED", hash(n))]);
    m.advance(1);
    m.state.apply([documents([hash(1)])]);
    mergeSync(view, m.state.sync(snapshot));
    expect(isCurrent(view, snapshot, answerOf(1), false)).toBe(false);
    expect(isCurrent(view, snapshot, answerOf(2), false)).toBe(true);
    // An answer fetched after the purge is current again.
    expect(isCurrent(view, view.seq, answerOf(1), false)).toBe(true);
  });

  it(`keeps at most ${MAX_DOCUMENT_MEMBERS} document members: one more forgets them all and bumps ${EVERY_DOCUMENT}, so no purged answer comes back`, () => {
    const m = machine();
    const view = mergeSync(emptyView(), m.state.sync(null));
    const old = view.seq;
    for (let n = 0; n < MAX_DOCUMENT_MEMBERS; n++) {
      m.advance(1);
      m.state.apply([documents([hash(n)])]);
    }
    mergeSync(view, m.state.sync(old));
    const documentMembers = () => [...m.state.members.keys()].filter((member) => member.startsWith("Q|"));
    expect(documentMembers()).toHaveLength(MAX_DOCUMENT_MEMBERS);
    expect(view.members.has(`Q|*|${hash(0)}`)).toBe(true);
    const before = view.seq;
    m.advance(1);
    const delta = m.state.apply([documents([hash(MAX_DOCUMENT_MEMBERS)])]);
    expect(documentMembers()).toEqual([EVERY_DOCUMENT]);
    expect(delta.delete).toContain(`m:Q|*|${hash(0)}`);
    // The location learns the new member and drops the document members it supersedes.
    mergeSync(view, m.state.sync(before));
    expect([...view.members.keys()].filter((member) => member.startsWith("Q|"))).toEqual([EVERY_DOCUMENT]);
    // A purged document's old answer stays invalid; so, once, does every older answer of a document.
    const answer = (n: number) => checksOf([documentDependency("PUBLISHED", hash(n))]);
    expect(isCurrent(view, old, answer(0), false)).toBe(false);
    expect(isCurrent(view, old, answer(MAX_DOCUMENT_MEMBERS + 7), false)).toBe(false);
    expect(isCurrent(view, view.seq, answer(0), false)).toBe(true);
  });

  it("a restored authority counts the document members it finds: the bound holds across restarts", () => {
    const m = machine();
    for (let n = 0; n < MAX_DOCUMENT_MEMBERS; n++) m.state.apply([documents([hash(n)])]);
    const restored = new AuthorityState(() => 1_800_000_000_000);
    restored.restore({ members: [...m.state.members], tokens: [], pending: [] });
    restored.apply([documents([hash(MAX_DOCUMENT_MEMBERS)])]);
    expect([...restored.members.keys()].filter((member) => member.startsWith("Q|"))).toEqual([EVERY_DOCUMENT]);
  });
});
