import { describe, expect, it } from "vitest";
import {
  ABSENT_TTL_MS,
  DIRECTORY_FRESH_MS,
  DIRECTORY_NAME,
  ProjectDirectory,
  type DirectoryNamespace,
} from "../../src/authority/directory";
import { StoreUnavailableError } from "../../src/errors";
import { frozenClock } from "../support/cache";

/**
 * An isolate's knowledge of which projects exist, against a stand-in for the directory object
 * that counts calls and can fail, with a frozen clock.
 */
function world() {
  const clock = frozenClock(1_700_000_000_000);
  const listed: string[] = [];
  const object = { lists: 0, registers: 0, down: false, names: [] as string[] };
  const namespace: DirectoryNamespace = {
    idFromName: (name) => {
      object.names.push(name);
      return { name } as unknown as DurableObjectId;
    },
    get: () => ({
      listProjects: async (since: number) => {
        object.lists++;
        if (object.down) throw new Error("unreachable");
        return { seq: listed.length, names: listed.slice(since) };
      },
      registerProject: async (name: string) => {
        object.registers++;
        if (object.down) throw new Error("unreachable");
        if (!listed.includes(name)) listed.push(name);
        return listed.indexOf(name) + 1;
      },
    }),
  };
  return { clock, object, listed, isolate: () => new ProjectDirectory(namespace, { now: clock.now }) };
}

const ref = (projectId: string) => ({ projectId, environment: "master" });

describe("ProjectDirectory", () => {
  it("answers invented names from memory: the directory is asked at most once per second, whatever the names", async () => {
    const w = world();
    const isolate = w.isolate();
    for (let i = 0; i < 100; i++) expect(await isolate.exists(ref(`nope-${i}`))).toBe(false);
    expect(w.object.lists).toBe(1);
    w.clock.advance(DIRECTORY_FRESH_MS / 1000);
    for (let i = 100; i < 200; i++) expect(await isolate.exists(ref(`nope-${i}`))).toBe(false);
    expect(w.object.lists).toBe(2);
    // Only the directory's own object is ever named: never an object per invented project.
    expect(new Set(w.object.names)).toEqual(new Set([DIRECTORY_NAME]));
  });

  it("a name found nowhere is answered from memory for a second, then asked again", async () => {
    const w = world();
    const isolate = w.isolate();
    expect(isolate.known(ref("late"))).toBeUndefined();
    expect(await isolate.exists(ref("late"))).toBe(false);
    expect(isolate.known(ref("late"))).toBe(false);
    w.listed.push("late/master"); // configured at another location
    w.clock.advance((ABSENT_TTL_MS - 1) / 1000);
    expect(isolate.known(ref("late"))).toBe(false);
    w.clock.advance(1 / 1000);
    expect(isolate.known(ref("late"))).toBeUndefined();
    expect(await isolate.exists(ref("late"))).toBe(true);
    expect(isolate.known(ref("late"))).toBe(true);
  });

  it("a project configured at another location is found by every isolate within about a second", async () => {
    const w = world();
    const [a, b] = [w.isolate(), w.isolate()];
    expect(await b.exists(ref("new"))).toBe(false);
    await a.register(ref("new"));
    expect([a.known(ref("new")), await a.exists(ref("new"))]).toEqual([true, true]);
    w.clock.advance(Math.max(ABSENT_TTL_MS, DIRECTORY_FRESH_MS) / 1000);
    expect(b.known(ref("new"))).toBeUndefined();
    expect(await b.exists(ref("new"))).toBe(true);
  });

  it("registering forgets that the name was found nowhere, and registers once per isolate", async () => {
    const w = world();
    const isolate = w.isolate();
    expect(await isolate.exists(ref("p"))).toBe(false);
    await isolate.register(ref("p"));
    await isolate.register(ref("p"));
    expect([isolate.known(ref("p")), w.object.registers]).toEqual([true, 1]);
  });

  it("an unreachable directory lists nothing new, is retried after a second, and a registration fails with 503", async () => {
    const w = world();
    w.listed.push("old/master");
    const isolate = w.isolate();
    w.object.down = true;
    expect(await isolate.exists(ref("old"))).toBe(false);
    await expect(isolate.register(ref("p"))).rejects.toBeInstanceOf(StoreUnavailableError);
    w.object.down = false;
    w.clock.advance(DIRECTORY_FRESH_MS / 1000);
    expect(await isolate.exists(ref("old"))).toBe(true);
  });

  it("lists every project, sorted, asking the directory at most once a second (the landing page's list)", async () => {
    const w = world();
    w.listed.push("shop/production", "demo/master");
    const isolate = w.isolate();
    expect(await isolate.list()).toEqual(["demo/master", "shop/production"]);
    w.listed.push("blog/master");
    expect(await isolate.list()).toEqual(["demo/master", "shop/production"]);
    expect(w.object.lists).toBe(1);
    w.clock.advance(DIRECTORY_FRESH_MS / 1000);
    expect(await isolate.list()).toEqual(["blog/master", "demo/master", "shop/production"]);
    expect(w.object.lists).toBe(2);
    w.object.down = true;
    w.clock.advance(DIRECTORY_FRESH_MS / 1000);
    expect(await isolate.list()).toEqual(["blog/master", "demo/master", "shop/production"]);
  });
});
