import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { APPS_RETENTION_MS, AppsTable, MAX_STORED_APPS } from "../../src/authority/apps-table";
import { DAY_MS, OTHER_APPS, type AppTotals } from "../../src/stats/apps-day";
import { frozenClock } from "../support/cache";

/**
 * The apps a project's authority keeps (SPEC §5a): per (day, isolate, app) totals, folded into one
 * row per app once the day is closed, on a real Durable Object's SQLite storage with a frozen clock.
 */

/** 2030-01-01T00:00:00Z; the clock starts at noon. */
const DAY = Date.UTC(2030, 0, 1);
const NOON = DAY + DAY_MS / 2;

const seen = (app: string, requests: number, at = NOON): AppTotals => ({ app, firstSeen: at, lastSeen: at, requests });

async function inObject<T>(body: (table: AppsTable, clock: ReturnType<typeof frozenClock>) => T | Promise<T>): Promise<T> {
  const clock = frozenClock(NOON);
  const stub = env.AUTHORITY.get(env.AUTHORITY.idFromName(`apps-table-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => body(new AppsTable(state.storage.sql, clock.now), clock));
}

describe("AppsTable", () => {
  it("adds up isolates; an isolate's totals replace its earlier ones, never add to them", async () => {
    await inObject((table) => {
      expect(table.put("iso-a", { day: DAY, apps: [seen("web", 3), seen("mobile", 1, NOON + 5)] })).toBeGreaterThan(0);
      table.put("iso-b", { day: DAY, apps: [seen("web", 4, NOON - 1_000)] });
      table.put("iso-a", { day: DAY, apps: [seen("web", 5, NOON + 9)] });
      expect(table.put("iso-a", { day: DAY, apps: [seen("web", 5, NOON + 9)] })).toBe(0); // a retried flush
      expect(table.put("iso-a", { day: DAY, apps: [seen("web", 2)] })).toBe(0); // a late, older copy
      expect(table.list()).toEqual([
        { app: "web", firstSeen: NOON - 1_000, lastSeen: NOON + 9, requests: 9 },
        { app: "mobile", firstSeen: NOON + 5, lastSeen: NOON + 5, requests: 1 },
      ]);
    });
  });

  it.each<[string, unknown, unknown]>([
    ["a malformed day", "iso", { day: DAY + 1, apps: [seen("web", 1)] }],
    ["a day after tomorrow", "iso", { day: DAY + 2 * DAY_MS, apps: [seen("web", 1, DAY + 2 * DAY_MS)] }],
    ["a day already folded (two days ago)", "iso", { day: DAY - 2 * DAY_MS, apps: [seen("web", 1, DAY - 2 * DAY_MS)] }],
    ["no isolate id", "", { day: DAY, apps: [seen("web", 1)] }],
  ])("refuses %s", async (_name, isolateId, raw) => {
    await inObject((table) => {
      expect(table.put(isolateId, raw)).toBe(0);
      expect(table.list()).toEqual([]);
    });
  });

  it("folds closed days into one row per app, keeping the sums; yesterday is still accepted until then", async () => {
    await inObject((table, clock) => {
      table.put("iso-a", { day: DAY, apps: [seen("web", 3)] });
      table.put("iso-b", { day: DAY, apps: [seen("web", 2)] });
      clock.advance(DAY_MS / 1000); // next day: yesterday still open
      expect(table.put("iso-a", { day: DAY, apps: [seen("web", 4)] })).toBeGreaterThan(0);
      clock.advance(DAY_MS / 1000); // two days on: folded
      expect(table.list()).toEqual([{ app: "web", firstSeen: NOON, lastSeen: NOON, requests: 6 }]);
      expect(table.put("iso-a", { day: DAY, apps: [seen("web", 10)] })).toBe(0);
      table.put("iso-a", { day: DAY + 2 * DAY_MS, apps: [seen("web", 1, NOON + 2 * DAY_MS)] });
      expect(table.list()).toEqual([{ app: "web", firstSeen: NOON, lastSeen: NOON + 2 * DAY_MS, requests: 7 }]);
    });
  });

  it("forgets an app not seen for the retention", async () => {
    await inObject((table, clock) => {
      table.put("iso-a", { day: DAY, apps: [seen("web", 3)] });
      clock.advance(APPS_RETENTION_MS / 1000 + 1);
      expect(table.list()).toEqual([]);
    });
  });

  it(`keeps at most ${MAX_STORED_APPS} names; new ones beyond count as ${OTHER_APPS}`, async () => {
    await inObject((table) => {
      for (let i = 0; i < MAX_STORED_APPS; i += 200) {
        const apps = Array.from({ length: 200 }, (_, j) => seen(`app-${i + j}`, 1));
        table.put(`iso-${i}`, { day: DAY, apps });
      }
      table.put("iso-late", { day: DAY, apps: [seen("app-7", 1), seen("new-1", 2), seen("new-2", 3), seen(OTHER_APPS, 1)] });
      const listed = table.list();
      expect(listed).toHaveLength(MAX_STORED_APPS + 1);
      expect(listed.find((a) => a.app === OTHER_APPS)?.requests).toBe(6);
      expect(listed.find((a) => a.app === "app-7")?.requests).toBe(2);
      expect(listed.some((a) => a.app.startsWith("new-"))).toBe(false);
    });
  });
});
