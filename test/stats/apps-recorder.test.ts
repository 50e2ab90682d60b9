import { describe, expect, it } from "vitest";
import { DAY_MS, MAX_APP_NAME_LENGTH, MAX_APPS_PER_DAY, OTHER_APPS, parseAppsDay, type AppsDay } from "../../src/stats/apps-day";
import { AppsRecorder, type AppsAuthority } from "../../src/stats/apps-recorder";
import type { ProjectRef } from "../../src/projects/types";
import { frozenClock } from "../support/cache";

/**
 * The isolate's app counters (SPEC §5a): memory only per request, flushed as per-day totals at
 * most every interval, bounded in names. The authority is a recording double here; the real one is
 * exercised in test/authority/apps-table.test.ts and through the routes in test/admin/apps.test.ts.
 */

/** 2030-01-01T12:00:00Z. */
const NOON = Date.UTC(2030, 0, 1, 12);
const REF: ProjectRef = { projectId: "p", environment: "master" };
const OTHER_REF: ProjectRef = { projectId: "q", environment: "master" };

function authority(options: { fail?: boolean } = {}) {
  const calls: Array<{ ref: ProjectRef; isolateId: string; day: AppsDay }> = [];
  const state = { fail: options.fail ?? false };
  const rpc: AppsAuthority = {
    putApps: async (ref, isolateId, day) => {
      if (state.fail) throw new Error("authority unreachable");
      calls.push({ ref, isolateId, day: structuredClone(day) });
      return true;
    },
  };
  return { rpc, calls, state };
}

function recorder(flushIntervalMs = 5_000) {
  const clock = frozenClock(NOON);
  const store = authority();
  const apps = new AppsRecorder(store.rpc, { now: clock.now, flushIntervalMs, isolateId: "iso-1" });
  return { apps, clock, store };
}

describe("AppsRecorder", () => {
  it("counts in memory and writes nothing per request; one flush sends each project's totals of the day", async () => {
    const { apps, clock, store } = recorder();
    apps.count(REF, "web");
    clock.advance(10);
    apps.count(REF, "web");
    apps.count(REF, "mobile");
    apps.count(OTHER_REF, "web");
    expect(store.calls).toEqual([]);
    await apps.flush();
    const byProject = Object.fromEntries(store.calls.map((c) => [c.ref.projectId, c.day]));
    expect(byProject["p"]).toEqual({
      day: Date.UTC(2030, 0, 1),
      apps: [
        { app: "web", firstSeen: NOON, lastSeen: NOON + 10_000, requests: 2 },
        { app: "mobile", firstSeen: NOON + 10_000, lastSeen: NOON + 10_000, requests: 1 },
      ],
    });
    expect(byProject["q"]?.apps).toEqual([{ app: "web", firstSeen: NOON + 10_000, lastSeen: NOON + 10_000, requests: 1 }]);
    // What was sent passes the authority's own check.
    for (const call of store.calls) expect(parseAppsDay(call.day)).toEqual(call.day);
  });

  it("sends totals, not increments, and nothing when nothing changed", async () => {
    const { apps, store } = recorder();
    apps.count(REF, "web");
    await apps.flush();
    await apps.flush();
    apps.count(REF, "web");
    await apps.flush();
    expect(store.calls.map((c) => c.day.apps[0]!.requests)).toEqual([1, 2]);
  });

  it("hands a flush to waitUntil at most once per interval", async () => {
    const { apps, clock, store } = recorder(5_000);
    const handed: Promise<unknown>[] = [];
    const waitUntil = (p: Promise<unknown>) => void handed.push(p);
    apps.count(REF, "web", waitUntil);
    expect(handed).toHaveLength(0);
    clock.advance(5);
    apps.count(REF, "web", waitUntil);
    apps.count(REF, "web", waitUntil);
    expect(handed).toHaveLength(1);
    await Promise.all(handed);
    expect(store.calls).toHaveLength(1);
  });

  it("cuts long names and counts apps beyond the bound as (other)", async () => {
    const { apps, store } = recorder();
    const long = "x".repeat(MAX_APP_NAME_LENGTH + 50);
    apps.count(REF, long);
    for (let i = 1; i < MAX_APPS_PER_DAY; i++) apps.count(REF, `app-${i}`);
    apps.count(REF, "one-too-many");
    apps.count(REF, "two-too-many");
    apps.count(REF, "app-1"); // known: still its own line
    await apps.flush();
    const sent = store.calls[0]!.day.apps;
    expect(sent).toHaveLength(MAX_APPS_PER_DAY + 1);
    expect(sent[0]!.app).toBe(`${"x".repeat(MAX_APP_NAME_LENGTH - 1)}…`);
    expect(sent.find((t) => t.app === OTHER_APPS)?.requests).toBe(2);
    expect(sent.find((t) => t.app === "app-1")?.requests).toBe(2);
    expect(parseAppsDay(store.calls[0]!.day)).not.toBeNull();
  });

  it("a failed flush keeps the totals for the next one", async () => {
    const { apps, store } = recorder();
    apps.count(REF, "web");
    store.state.fail = true;
    await expect(apps.flush()).rejects.toThrow();
    store.state.fail = false;
    await apps.flush();
    expect(store.calls.map((c) => c.day.apps)).toEqual([[{ app: "web", firstSeen: NOON, lastSeen: NOON, requests: 1 }]]);
  });

  it("a new day starts new totals; the past day is sent once more and then dropped", async () => {
    const { apps, clock, store } = recorder();
    apps.count(REF, "web");
    clock.advance(DAY_MS / 1000);
    apps.count(REF, "web");
    await apps.flush();
    expect(store.calls.map((c) => [c.day.day, c.day.apps[0]!.requests])).toEqual([
      [Date.UTC(2030, 0, 1), 1],
      [Date.UTC(2030, 0, 2), 1],
    ]);
    apps.count(REF, "web");
    await apps.flush();
    expect(store.calls.slice(2).map((c) => [c.day.day, c.day.apps[0]!.requests])).toEqual([[Date.UTC(2030, 0, 2), 2]]);
  });
});

describe("parseAppsDay: what the authority accepts", () => {
  const day = Date.UTC(2030, 0, 1);
  const ok = { app: "web", firstSeen: day + 5, lastSeen: day + 9, requests: 2 };
  it.each<[string, boolean, unknown]>([
    ["a well-formed day", true, { day, apps: [ok] }],
    ["no apps", true, { day, apps: [] }],
    ["a day that is not a day start", false, { day: day + 1, apps: [ok] }],
    ["a time outside the day", false, { day, apps: [{ ...ok, lastSeen: day + DAY_MS }] }],
    ["first after last", false, { day, apps: [{ ...ok, firstSeen: day + 10 }] }],
    ["zero requests", false, { day, apps: [{ ...ok, requests: 0 }] }],
    ["fractional requests", false, { day, apps: [{ ...ok, requests: 1.5 }] }],
    ["an empty name", false, { day, apps: [{ ...ok, app: "" }] }],
    ["a name too long", false, { day, apps: [{ ...ok, app: "x".repeat(MAX_APP_NAME_LENGTH + 1) }] }],
    ["a repeated name", false, { day, apps: [ok, ok] }],
    ["too many apps", false, { day, apps: Array.from({ length: MAX_APPS_PER_DAY + 2 }, (_, i) => ({ ...ok, app: `a${i}` })) }],
    ["not an object", false, "web=2"],
  ])("%s → accepted: %s", (_name, accepted, raw) => {
    expect(parseAppsDay(raw) !== null).toBe(accepted);
  });
});
