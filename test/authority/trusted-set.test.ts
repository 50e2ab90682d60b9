import { describe, expect, it } from "vitest";
import { DOCUMENTS_MEMBER } from "../../src/authority/changes";
import { TrustedDocuments, type TrustedSetAuthority } from "../../src/authority/trusted-set";

/**
 * A location's copy of the trusted set (`authority/trusted-set.ts`): no I/O for a project that
 * never had a document, one fetch per change the view names, texts fetched once by hash.
 */

const REF = { projectId: "demo", environment: "master" };
const A = "a".repeat(64);
const B = "b".repeat(64);

/** An authority whose view and documents the test moves; it counts the calls a location makes. */
function authority() {
  const state = { version: 0, docs: new Map<string, string>(), hashCalls: 0, textCalls: 0 };
  const members = () => new Map(state.version ? [[DOCUMENTS_MEMBER, state.version]] : []);
  const fake: TrustedSetAuthority = {
    current: () => ({ members: members() }),
    view: async () => ({ members: members() }),
    documentHashes: async () => {
      state.hashCalls++;
      return { version: state.version, hashes: [...state.docs.keys()] };
    },
    getDocument: async (_ref, sha) => {
      state.textCalls++;
      return state.docs.get(sha) ?? null;
    },
  };
  return { state, fake };
}

const noWait = () => undefined;

describe("TrustedDocuments", () => {
  it("a project that never had a document: an empty set, without asking the authority", async () => {
    const { state, fake } = authority();
    const trusted = new TrustedDocuments(fake);
    expect((await trusted.hashes(REF, noWait)).size).toBe(0);
    expect(await trusted.text(REF, A, noWait)).toBeUndefined();
    expect(state.hashCalls + state.textCalls).toBe(0);
  });

  it("fetches the set once per change the view names, and each text once", async () => {
    const { state, fake } = authority();
    const trusted = new TrustedDocuments(fake);
    state.docs.set(A, "{ a }");
    state.version = 1;
    expect([...(await trusted.hashes(REF, noWait))]).toEqual([A]);
    expect(await trusted.text(REF, A, noWait)).toBe("{ a }");
    expect(await trusted.text(REF, A, noWait)).toBe("{ a }");
    expect([state.hashCalls, state.textCalls]).toEqual([1, 1]);

    // A change elsewhere: the view names a later number; the set is fetched again.
    state.docs.delete(A);
    state.docs.set(B, "{ b }");
    state.version = 2;
    expect(await trusted.text(REF, A, noWait)).toBeUndefined();
    expect(await trusted.text(REF, B, noWait)).toBe("{ b }");
    expect(state.hashCalls).toBe(2);
  });

  it("concurrent requests share one fetch of the set", async () => {
    const { state, fake } = authority();
    const trusted = new TrustedDocuments(fake);
    state.docs.set(A, "{ a }");
    state.version = 1;
    await Promise.all([trusted.hashes(REF, noWait), trusted.hashes(REF, noWait), trusted.hashes(REF, noWait)]);
    expect(state.hashCalls).toBe(1);
  });
});
