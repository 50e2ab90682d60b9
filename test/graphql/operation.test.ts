import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import { GatewayError, GraphQLValidationError, MethodNotAllowedError, ReadOnlyEndpointError } from "../../src/errors";
import { assertMethodAllowsOperation, assertReadOnly, selectOperation, type OperationKind } from "../../src/graphql/operation";

const MULTI = "query A { posts { id } } mutation B { createPost(data: {}) { id } } subscription C { onPost { id } }";

describe("selectOperation", () => {
  it.each<[string, string, string | null, OperationKind, string | null]>([
    ["1 anonymous query, no name", "{ posts { id } }", null, "query", null],
    ["2 named single query, no name", "query Q { posts { id } }", null, "query", "Q"],
    ["3 named single query, its name", "query Q { posts { id } }", "Q", "query", "Q"],
    ["4 several, pick query", MULTI, "A", "query", "A"],
    ["5 several, pick mutation", MULTI, "B", "mutation", "B"],
    ["6 several, pick subscription", MULTI, "C", "subscription", "C"],
    ["7 fragments around one operation", "fragment F on Post { id } query Q { posts { ...F } }", null, "query", "Q"],
    ["8 name appearing inside a string is not matched", 'query A { posts(where: { slug: "query B" }) { id } }', "A", "query", "A"],
  ])("%s", (_name, query, operationName, kind, name) => {
    const selected = selectOperation(parse(query), operationName);
    expect(selected.kind).toBe(kind);
    expect(selected.name).toBe(name);
    expect(selected.operation.operation).toBe(kind);
  });

  it.each<[string, string, string | null]>([
    ["1 several operations and no name", MULTI, null],
    ["2 unknown name", MULTI, "D"],
    ["3 name for a single anonymous operation", "{ posts { id } }", "Q"],
    ["4 only fragments", "fragment F on Post { id }", null],
    ["5 name matching only a fragment", "fragment A on Post { id } query B { posts { id } }", "A"],
  ])("refuses %s with GRAPHQL_VALIDATION_FAILED", (_name, query, operationName) => {
    let error: unknown;
    try {
      selectOperation(parse(query), operationName);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GraphQLValidationError);
    expect((error as GatewayError).code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect((error as GatewayError).status).toBe(400);
  });
});

const V2 = "https://edge.example/v2/demo/master";

function outcome(fn: () => void): { code: string; status: number; headers: Record<string, string>; message: string } | "ok" {
  try {
    fn();
    return "ok";
  } catch (e) {
    const error = e as GatewayError;
    return { code: error.code, status: error.status, headers: error.headers, message: error.message };
  }
}

describe("assertReadOnly (/content)", () => {
  it.each<[OperationKind, string, string | null, number | null]>([
    ["query", "GET", null, null],
    ["query", "HEAD", null, null],
    ["query", "POST", null, null],
    ["mutation", "GET", "METHOD_NOT_ALLOWED", 405],
    ["mutation", "get", "METHOD_NOT_ALLOWED", 405],
    ["mutation", "HEAD", "METHOD_NOT_ALLOWED", 405],
    ["mutation", "POST", "READ_ONLY_ENDPOINT", 400],
    ["subscription", "GET", "READ_ONLY_ENDPOINT", 400],
    ["subscription", "POST", "READ_ONLY_ENDPOINT", 400],
  ])("%s over %s → %s", (kind, method, code, status) => {
    const result = outcome(() => assertReadOnly(kind, method, V2));
    if (code === null) return expect(result).toBe("ok");
    expect(result).toMatchObject({ code, status });
    if (result === "ok") return;
    // The client must learn where to send writes instead.
    expect(result.message).toContain(V2);
    if (status === 405) expect(result.headers).toEqual({ allow: "POST" });
  });

  it("carries the /v2 URL in extensions for READ_ONLY_ENDPOINT", () => {
    try {
      assertReadOnly("mutation", "POST", V2);
    } catch (e) {
      expect(e).toBeInstanceOf(ReadOnlyEndpointError);
      expect((e as ReadOnlyEndpointError).extensions).toEqual({ endpoint: V2, operation: "mutation" });
    }
    expect.assertions(2);
  });
});

describe("assertMethodAllowsOperation (/v2)", () => {
  it.each<[OperationKind, string, boolean]>([
    ["query", "GET", true],
    ["query", "POST", true],
    ["mutation", "GET", false],
    ["mutation", "POST", true],
    ["subscription", "POST", true],
  ])("%s over %s allowed: %s", (kind, method, allowed) => {
    const result = outcome(() => assertMethodAllowsOperation(kind, method));
    if (allowed) expect(result).toBe("ok");
    else {
      expect(result).toMatchObject({ code: "METHOD_NOT_ALLOWED", status: 405, headers: { allow: "POST" } });
      expect(() => assertMethodAllowsOperation(kind, method)).toThrowError(MethodNotAllowedError);
    }
  });
});
