import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DirectoryTable, MAX_DIRECTORY_NAME_LENGTH } from "../../src/authority/directory-table";

/** The project directory's table, on a real Durable Object's SQLite storage. */
function inObject<T>(body: (table: DirectoryTable) => T): Promise<T> {
  const stub = env.AUTHORITY.get(env.AUTHORITY.idFromName(`directory-test-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => body(new DirectoryTable(state.storage.sql)));
}

describe("DirectoryTable", () => {
  it("numbers each name once, in order, and answers what was added since a number", () =>
    inObject((table) => {
      expect(table.since(0)).toEqual({ seq: 0, names: [] });
      expect([table.register("a/master"), table.register("b/master"), table.register("a/master")]).toEqual([1, 2, 1]);
      expect(table.since(0)).toEqual({ seq: 2, names: ["a/master", "b/master"] });
      expect(table.since(1)).toEqual({ seq: 2, names: ["b/master"] });
      expect(table.since(2)).toEqual({ seq: 2, names: [] });
    }));

  it("a location that knew a later number (a directory that was lost) gets every name", () =>
    inObject((table) => {
      table.register("a/master");
      expect(table.since(40)).toEqual({ seq: 1, names: ["a/master"] });
      expect(table.since(Number.NaN)).toEqual({ seq: 1, names: ["a/master"] });
    }));

  it.each([[""], ["x".repeat(MAX_DIRECTORY_NAME_LENGTH + 1)]])("refuses a name that no project has (%#)", (name) =>
    inObject((table) => {
      expect(() => table.register(name)).toThrow();
      expect(table.since(0).names).toEqual([]);
    }),
  );
});
