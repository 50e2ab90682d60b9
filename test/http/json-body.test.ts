import { describe, expect, it } from "vitest";
import { BadRequestError, LimitExceededError, type GatewayError } from "../../src/errors";
import { DEFAULT_LIMITS } from "../../src/graphql/limits";
import { assertJsonDepth, parseJsonText, readJsonBody } from "../../src/http/json-body";

const arrays = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

function caught(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    return e as GatewayError;
  }
  throw new Error("expected a throw");
}

describe("parseJsonText", () => {
  it.each<[string, string, number | "ok"]>([
    ["an admin body", '{"models":["Post"]}', "ok"],
    ["at the default limit", arrays(DEFAULT_LIMITS.maxJsonDepth), "ok"],
    ["one past it", arrays(DEFAULT_LIMITS.maxJsonDepth + 1), DEFAULT_LIMITS.maxJsonDepth + 1],
    ["3,000 levels", arrays(3_000), 3_000],
    ["100,000 levels", arrays(100_000), 100_000],
    ["100,000 levels of objects", `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`, 100_000],
  ])("%s", (_name, text, expected) => {
    if (expected === "ok") return expect(parseJsonText(text)).toEqual(JSON.parse(text));
    const error = caught(() => parseJsonText(text));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.status).toBe(400);
    expect(error.extensions).toEqual({ limit: "jsonDepth", max: DEFAULT_LIMITS.maxJsonDepth, found: expected });
  });

  it("takes the deployment's limit", () => {
    expect(caught(() => parseJsonText(arrays(3), 2)).extensions).toEqual({ limit: "jsonDepth", max: 2, found: 3 });
    expect(parseJsonText(arrays(200), 200)).toBeDefined();
  });

  it("is a 400 BAD_REQUEST naming the body for broken JSON", () => {
    const error = caught(() => parseJsonText("[[["));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.code).toBe("BAD_REQUEST");
  });
});

describe("assertJsonDepth", () => {
  it.each<[unknown, number, boolean]>([
    [{ a: [1] }, 2, true],
    [{ a: [1] }, 1, false],
    ["scalar", 1, true],
  ])("%j within %i: %s", (value, max, ok) => {
    if (ok) expect(() => assertJsonDepth(value, max)).not.toThrow();
    else expect(() => assertJsonDepth(value, max)).toThrow(LimitExceededError);
  });
});

describe("readJsonBody", () => {
  it("holds a request body to the depth it is given", async () => {
    const request = () => new Request("https://edge.example/admin", { method: "PUT", body: arrays(10) });
    await expect(readJsonBody(request(), 65_536, 10)).resolves.toBeDefined();
    await expect(readJsonBody(request(), 65_536, 9)).rejects.toMatchObject({ extensions: { limit: "jsonDepth", max: 9, found: 10 } });
  });
});
