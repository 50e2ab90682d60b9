import { describe, expect, it } from "vitest";
import { AuthorityState, ENTRY_RETENTION_MS, MAX_ENTRY_MEMBERS, RECENT_TOKEN_MS, REVOCATION_RETENTION_MS } from "../../src/authority/state";
import { emptyView, isCurrent, mergeSync } from "../../src/authority/view";
import { checksOf } from "../../src/cache/entry";

/** The authority's state machine, with a frozen clock. */
function machine(start = 1_700_000_000_000) {
  let now = start;
  const state = new AuthorityState(() => now);
  return { state, advance: (ms: number) => (now += ms), now: () => now };
}

const entry = (id: string, stages: string[] = ["PUBLISHED"]) => ({
  kind: "entries" as const,
  stages,
  model: "Post",
  ids: [id],
  relations: false,
});

describe("AuthorityState: sequence numbers", () => {
  it("every event gets a larger number, also when the clock stands still or goes back", () => {
    const m = machine();
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      m.state.apply([entry(`p${i}`)]);
      seen.push(m.state.seq);
      if (i === 2) m.advance(-60_000);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(new Set(seen).size).toBe(5);
  });

  it("a recreated object starts above every number issued before (numbers follow the clock)", () => {
    const m = machine();
    for (let i = 0; i < 3; i++) m.state.apply([entry(`p${i}`)]);
    const before = m.state.seq;
    m.advance(1);
    const fresh = new AuthorityState(m.now);
    fresh.apply([entry("x")]);
    expect(fresh.seq).toBeGreaterThan(before);
  });

  it("a change that bumps nothing is no event", () => {
    const m = machine();
    m.state.apply([{ kind: "model", stages: [], models: ["Post"] }]);
    expect(m.state.seq).toBe(0);
  });
});

describe("AuthorityState: sync", () => {
  it("a location that knows nothing gets everything; one that is current gets only what is new", () => {
    const m = machine();
    m.state.apply([entry("p1")]);
    const full = m.state.sync(null);
    expect(full.full).toBe(true);
    expect(full.members.map(([name]) => name).sort()).toEqual(["E|PUBLISHED|Post|p1", "L|PUBLISHED|Post"]);
    m.advance(5);
    m.state.apply([entry("p2")]);
    const delta = m.state.sync(full.seq);
    expect(delta.full).toBe(false);
    expect(delta.members.map(([name]) => name).sort()).toEqual(["E|PUBLISHED|Post|p2", "L|PUBLISHED|Post"]);
    expect(m.state.sync(m.state.seq).members).toEqual([]);
  });

  it("a re-bumped member is sent once, with its newest number", () => {
    const m = machine();
    m.state.apply([entry("p1")]);
    const since = m.state.seq;
    m.state.apply([entry("p1")]);
    m.state.apply([entry("p1")]);
    const delta = m.state.sync(since);
    expect(delta.members.filter(([name]) => name === "E|PUBLISHED|Post|p1")).toEqual([["E|PUBLISHED|Post|p1", m.state.seq]]);
  });

  it("a location knowing more than was issued (a recreated object) gets everything", () => {
    const m = machine();
    m.state.apply([entry("p1")]);
    expect(m.state.sync(m.state.seq + 1_000).full).toBe(true);
  });
});

describe("AuthorityState: entry members are bounded", () => {
  it(`forgets entries older than ${ENTRY_RETENTION_MS / 60_000} minutes and raises the floor past them; older answers depending on entries are no longer current`, () => {
    const m = machine();
    m.state.apply([entry("old")]);
    const oldSeq = m.state.seq;
    const view = mergeSync(emptyView(), m.state.sync(null));
    m.advance(ENTRY_RETENTION_MS + 1);
    m.state.apply([entry("new")]);
    expect([...m.state.members.keys()]).not.toContain("E|PUBLISHED|Post|old");
    expect(m.state.floor).toBe(oldSeq);
    mergeSync(view, m.state.sync(view.seq));
    // An answer fetched before the forgotten change cannot be judged any more …
    expect(isCurrent(view, oldSeq - 1, checksOf(["E|PUBLISHED|Post|other"]), true)).toBe(false);
    // … one that depends only on models still can.
    expect(isCurrent(view, oldSeq - 1, checksOf(["L|PUBLISHED|Page"]), false)).toBe(true);
  });

  it(`keeps at most ${MAX_ENTRY_MEMBERS} entry members`, () => {
    const m = machine();
    for (let i = 0; i < MAX_ENTRY_MEMBERS + 50; i++) m.state.apply([entry(`p${i}`)]);
    const entries = [...m.state.members.keys()].filter((k) => k.startsWith("E|"));
    expect(entries).toHaveLength(MAX_ENTRY_MEMBERS);
    expect(entries).toContain(`E|PUBLISHED|Post|p${MAX_ENTRY_MEMBERS + 49}`);
    expect(entries).not.toContain("E|PUBLISHED|Post|p0");
    // A location that fell behind the floor gets a full sync.
    expect(m.state.sync(1).full).toBe(true);
  });
});

describe("AuthorityState: configuration and tokens", () => {
  it("a configuration change is a new epoch and invalidates everything", () => {
    const m = machine();
    const delta = m.state.putConfig({ origin: "https://o.example/graphql" } as never);
    expect(m.state.configEpoch).toBe(m.state.seq);
    expect(m.state.members.has("A|*|*")).toBe(true);
    expect(delta.put["config"]).toEqual({ epoch: m.state.configEpoch, config: { origin: "https://o.example/graphql" } });
  });

  it("a new token is sent to locations for a few minutes; a revoked one for a week; a revocation is final", () => {
    const m = machine();
    const record = { id: "t1", name: "ci", permissions: [], createdAt: new Date(m.now()).toISOString() };
    m.state.addToken({ id: "t1", digest: "d1", record, createdAt: m.now() });
    expect(m.state.sync(null).tokens?.recent).toEqual([["d1", record]]);
    m.advance(RECENT_TOKEN_MS);
    expect(m.state.sync(null).tokens?.recent).toEqual([]);
    const since = m.state.seq;
    expect(m.state.revokeToken("t1", null)).toMatchObject({ found: true, digest: "d1" });
    expect(m.state.sync(since).tokens?.revoked).toEqual([["t1", m.now()]]);
    expect(m.state.revokeToken("t1", null).found).toBe(false);
    expect(m.state.listTokens()).toEqual([]);
    m.advance(REVOCATION_RETENTION_MS);
    expect(m.state.sync(null).tokens?.revoked).toEqual([]);
  });

  it("a token it never issued is revoked only with its digest (found in KV)", () => {
    const m = machine();
    expect(m.state.revokeToken("legacy", null).found).toBe(false);
    expect(m.state.revokeToken("legacy", "dL")).toMatchObject({ found: true, digest: "dL" });
    expect(m.state.revokedIds()).toEqual(["legacy"]);
  });

  it("tokens are sent only when they changed since the location's number", () => {
    const m = machine();
    m.state.apply([entry("p1")]);
    expect(m.state.sync(m.state.seq).tokens).toBeUndefined();
  });
});

describe("AuthorityState: pending writes", () => {
  it("a write never reported is invalidated at its deadline with its fallback", () => {
    const m = machine();
    m.state.begin("w1", [{ kind: "model", stages: "*", models: ["Post"] }], m.now() + 1_000);
    expect(m.state.nextDeadline()).toBe(m.now() + 1_000);
    m.state.expire();
    expect(m.state.members.has("A|*|Post")).toBe(false);
    m.advance(1_000);
    m.state.expire();
    expect(m.state.members.has("A|*|Post")).toBe(true);
    expect(m.state.nextDeadline()).toBeNull();
  });

  it("a reported write applies its precise changes instead", () => {
    const m = machine();
    m.state.begin("w1", [{ kind: "model", stages: "*", models: ["Post"] }], m.now() + 1_000);
    m.state.commit("w1", [entry("p1", ["DRAFT"])]);
    m.advance(5_000);
    m.state.expire();
    expect([...m.state.members.keys()].sort()).toEqual(["E|DRAFT|Post|p1", "L|DRAFT|Post"]);
  });
});
