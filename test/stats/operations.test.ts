import { describe, expect, it } from "vitest";
import { MAX_LABELS, OTHER_LABEL } from "../../src/stats/labels";
import { MAX_OPERATION_NAME, addOperations, operationCell, operationLabel, topOperations } from "../../src/stats/operations";

const hash = (n: number) => n.toString(16).padStart(64, "0");

describe("top operations", () => {
  it.each<[string, string | null | undefined, string]>([
    ["a named operation", "Posts", `${hash(1)} Posts`],
    ["an unnamed one", undefined, hash(1)],
    ["an empty name", "", hash(1)],
    ["a name longer than 128 characters (cut)", "N".repeat(500), `${hash(1)} ${"N".repeat(MAX_OPERATION_NAME)}`],
  ])("labels %s by hash and name", (_label, name, expected) => expect(operationLabel(hash(1), name)).toBe(expected));

  it("keeps at most 100 operations per bucket; a new one beyond counts under (other)", () => {
    const operations: Record<string, number[]> = {};
    for (let i = 0; i < MAX_LABELS + 10; i++) operationCell(operations, hash(i))[0]! += 1;
    operationCell(operations, hash(0))[0]! += 1;
    expect(Object.keys(operations)).toHaveLength(MAX_LABELS + 1);
    expect(operations[OTHER_LABEL]).toEqual([10, 0]);
    expect(operations[hash(0)]).toEqual([2, 0]);
  });

  it("merges for a read without the bound, so the top ten do not depend on which isolate came first", () => {
    const into: Record<string, number[]> = {};
    for (let i = 0; i < MAX_LABELS; i++) into[hash(i)] = [1, 0];
    addOperations(into, { [hash(500)]: [50, 5], [hash(0)]: [1, 1] });
    expect(into[hash(500)]).toEqual([50, 5]);
    expect(into[hash(0)]).toEqual([2, 1]);
  });

  it.each<["requests" | "misses", string[]]>([
    ["requests", [`${hash(2)} Pages`, hash(1), `${hash(3)} Authors`]],
    ["misses", [`${hash(3)} Authors`, hash(1), `${hash(2)} Pages`]],
  ])("ranks by %s (ties by label), leaving out (other) and operations with none", (by, order) => {
    const operations = {
      [hash(1)]: [5, 2],
      [`${hash(2)} Pages`]: [9, 1],
      [`${hash(3)} Authors`]: [5, 4],
      [`${hash(4)} Never`]: [0, 0],
      [OTHER_LABEL]: [100, 100],
    };
    const top = topOperations(operations, by, 10);
    expect(top.map((op) => (op.operationName ? `${op.documentHash} ${op.operationName}` : op.documentHash))).toEqual(order);
    expect(top.find((op) => op.documentHash === hash(1))).toEqual({ documentHash: hash(1), operationName: null, requests: 5, misses: 2 });
  });

  it("returns at most the limit asked for", () => {
    const operations: Record<string, number[]> = {};
    for (let i = 1; i <= 15; i++) operations[hash(i)] = [i, i];
    expect(topOperations(operations, "requests", 10).map((op) => op.requests)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
  });
});
