import { describe, expect, it } from "vitest";
import { revocationOf } from "../../src/auth/jwt-revocations";
import { MAX_JWT_REVOCATIONS } from "../../src/authority/revocations";
import { AuthorityState, KEYS } from "../../src/authority/state";
import { emptyView, mergeSync, viewPayload } from "../../src/authority/view";

/**
 * JWT revocations in the authority's state machine and a location's view (SPEC §5a): each change
 * is an event that moves the sequence, reaches a location in its next sync, and survives a restart.
 */

function machine(start = 1_900_000_000_000) {
  let now = start;
  const state = new AuthorityState(() => now);
  return { state, advance: (ms: number) => (now += ms), now: () => now };
}

const token = { azp: "mobile", sub: "user-1", iat: 1_800_000_000 };

describe("AuthorityState: JWT revocations", () => {
  it("a revocation is an event: the sequence moves and a current location's next sync carries the whole list", () => {
    const m = machine();
    const view = mergeSync(emptyView(), m.state.sync(null));
    const before = m.state.seq;
    const added = m.state.addRevocation("r1", "app", "mobile");
    expect(added.status).toBe("created");
    expect(added.delta.put[KEYS.revocation("r1")]).toEqual({ id: "r1", kind: "app", value: "mobile", createdAt: m.now() });
    expect(m.state.seq).toBeGreaterThan(before);
    const delta = m.state.sync(view.seq);
    expect(delta.full).toBe(false);
    expect(delta.revocations?.list.map((r) => r.id)).toEqual(["r1"]);
    mergeSync(view, delta);
    expect(revocationOf(token, view.revocations.index, m.now())).toEqual({ reason: "APP_REVOKED" });
    // Nothing new: no list in the next sync.
    expect(m.state.sync(view.seq).revocations).toBeUndefined();
  });

  it("a lift is an event too, and the location's view drops the revocation", () => {
    const m = machine();
    m.state.addRevocation("r1", "subject", "user-1");
    const view = mergeSync(emptyView(), m.state.sync(null));
    expect(revocationOf(token, view.revocations.index, m.now())).toEqual({ reason: "USER_REVOKED" });
    m.advance(1);
    const lifted = m.state.liftRevocation("r1");
    expect(lifted.delta.delete).toContain(KEYS.revocation("r1"));
    mergeSync(view, m.state.sync(view.seq));
    expect(view.revocations.list).toEqual([]);
    expect(revocationOf(token, view.revocations.index, m.now())).toBeNull();
    expect(m.state.liftRevocation("r1").revocation).toBeNull();
  });

  it("a repeated revocation changes nothing; the bound refuses the next one", () => {
    const m = machine();
    m.state.addRevocation("r1", "app", "web");
    const seq = m.state.seq;
    const again = m.state.addRevocation("r2", "app", "web");
    expect([again.status, again.revocation?.id, m.state.seq, Object.keys(again.delta.put)]).toEqual(["exists", "r1", seq, []]);
    for (let i = 1; i < MAX_JWT_REVOCATIONS; i++) m.state.addRevocation(`s${i}`, "subject", `u${i}`);
    const over = m.state.addRevocation("x", "app", "one-more");
    expect([over.status, m.state.revocations.size]).toEqual(["limit", MAX_JWT_REVOCATIONS]);
  });

  it("an older answer never undoes a newer list in a view (numbers merge by maximum)", () => {
    const m = machine();
    m.state.addRevocation("r1", "app", "a");
    const older = m.state.sync(null);
    m.advance(1);
    m.state.addRevocation("r2", "app", "b");
    const view = mergeSync(emptyView(), m.state.sync(null));
    mergeSync(view, older);
    expect(view.revocations.list.map((r) => r.id)).toEqual(["r1", "r2"]);
  });

  it("the location's stored copy of its view keeps the revocations", () => {
    const m = machine();
    m.state.addRevocation("r1", "issuedBefore", new Date(m.now()).toISOString());
    const view = mergeSync(emptyView(), m.state.sync(null));
    const copy = mergeSync(emptyView(), JSON.parse(JSON.stringify(viewPayload(view))));
    expect(copy.revocations.list).toEqual(view.revocations.list);
    expect(revocationOf(token, copy.revocations.index, m.now())).toEqual({ reason: "TOKEN_REVOKED" });
  });

  it("restored from storage, the object holds the same revocations and sequence", () => {
    const m = machine();
    const stored: Record<string, unknown> = {};
    for (const delta of [m.state.addRevocation("r1", "app", "a").delta, m.state.addRevocation("r2", "subject", "u").delta])
      Object.assign(stored, delta.put);
    const fresh = new AuthorityState(m.now);
    fresh.restore({
      meta: stored[KEYS.meta] as never,
      members: [],
      tokens: [],
      pending: [],
      revocations: Object.entries(stored)
        .filter(([key]) => key.startsWith("r:"))
        .map(([, value]) => value as never),
    });
    expect(fresh.revocations.list()).toEqual(m.state.revocations.list());
    expect(fresh.sync(null).revocations?.seq).toBe(m.state.revocationsSeq);
  });
});
