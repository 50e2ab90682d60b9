import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  GatewayError,
  GraphQLParseError,
  LimitExceededError,
  MethodNotAllowedError,
  NotAcceptableError,
  PayloadTooLargeError,
  PersistedQueryNotFoundError,
  ReadOnlyEndpointError,
  UnauthenticatedError,
  UriTooLongError,
} from "../../src/errors";
import { errorResponse, errorStatus, graphQLErrorBody, toGatewayError } from "../../src/http/graphql-response";
import type { GraphQLMediaType } from "../../src/http/media-type";

const GQL: GraphQLMediaType = "application/graphql-response+json";
const JSON_: GraphQLMediaType = "application/json";

describe("graphQLErrorBody", () => {
  it("puts the code and the error's extensions under extensions, with no data entry", () => {
    const body = graphQLErrorBody(new LimitExceededError("depth", 15, 16));
    expect(body).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: "LIMIT_EXCEEDED", limit: "depth", max: 15, found: 16 } }],
    });
    expect(body).not.toHaveProperty("data");
  });

  it("hoists syntax-error locations to the standard top-level member", () => {
    const body = graphQLErrorBody(
      new GraphQLParseError("Syntax Error: Expected Name, found <EOF>.", { locations: [{ line: 1, column: 9 }] }),
    );
    expect(body.errors[0]).toEqual({
      message: expect.any(String),
      locations: [{ line: 1, column: 9 }],
      extensions: { code: "GRAPHQL_PARSE_FAILED" },
    });
  });

  it("never lets extensions override the class's code", () => {
    expect(graphQLErrorBody(new BadRequestError("x", { code: "SPOOFED" })).errors[0]?.extensions.code).toBe("BAD_REQUEST");
  });
});

describe("toGatewayError", () => {
  it.each([new TypeError("secret detail"), "a string", null, { status: 404 }])("hides %j as a generic 500", (thrown) => {
    const error = toGatewayError(thrown);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.status).toBe(500);
    expect(error.message).not.toContain("secret");
  });

  it("passes gateway errors through", () => {
    const error = new BadRequestError("x");
    expect(toGatewayError(error)).toBe(error);
  });
});

describe("errorResponse", () => {
  it.each<[string, unknown, GraphQLMediaType, number, string, Record<string, string>]>([
    ["01 bad request, gql", new BadRequestError("x"), GQL, 400, "BAD_REQUEST", {}],
    ["02 bad request, legacy json keeps 400", new BadRequestError("x"), JSON_, 400, "BAD_REQUEST", {}],
    ["03 parse error, gql", new GraphQLParseError("x"), GQL, 400, "GRAPHQL_PARSE_FAILED", {}],
    ["04 limit, json", new LimitExceededError("aliases", 30, 31), JSON_, 400, "LIMIT_EXCEEDED", {}],
    ["05 read-only", new ReadOnlyEndpointError("x"), GQL, 400, "READ_ONLY_ENDPOINT", {}],
    ["06 mutation over GET", new MethodNotAllowedError("x", "POST"), GQL, 405, "METHOD_NOT_ALLOWED", { allow: "POST" }],
    ["07 wrong method", new MethodNotAllowedError("x", "GET, POST"), JSON_, 405, "METHOD_NOT_ALLOWED", { allow: "GET, POST" }],
    [
      "08 unauthenticated",
      new UnauthenticatedError("x"),
      GQL,
      401,
      "UNAUTHENTICATED",
      { "www-authenticate": 'Bearer realm="content-edge", error="invalid_token"' },
    ],
    ["09 too large", new PayloadTooLargeError(65_536), JSON_, 413, "PAYLOAD_TOO_LARGE", {}],
    ["10 URL too long", new UriTooLongError(16_384, 16_385), GQL, 414, "URI_TOO_LONG", {}],
    ["11 not acceptable", new NotAcceptableError("x"), JSON_, 406, "NOT_ACCEPTABLE", {}],
    ["12 APQ not found, legacy json: 200", new PersistedQueryNotFoundError(), JSON_, 200, "PERSISTED_QUERY_NOT_FOUND", {}],
    ["13 APQ not found, gql: no data so 4xx", new PersistedQueryNotFoundError(), GQL, 400, "PERSISTED_QUERY_NOT_FOUND", {}],
    ["14 unknown error", new Error("boom at /src/secret.ts:12"), GQL, 500, "INTERNAL_SERVER_ERROR", {}],
  ])("%s", async (_name, error, mediaType, status, code, headers) => {
    const response = errorResponse(error, mediaType);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe(`${mediaType}; charset=utf-8`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    for (const [name, value] of Object.entries(headers)) expect(response.headers.get(name)).toBe(value);
    const text = await response.text();
    expect(text).not.toContain("secret");
    const body = JSON.parse(text) as { errors: { extensions: { code: string } }[]; data?: unknown };
    expect(body).not.toHaveProperty("data");
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]?.extensions.code).toBe(code);
  });

  it("answers request errors with 4xx under graphql-response+json for every gateway error class", () => {
    for (const error of [new PersistedQueryNotFoundError(), new BadRequestError("x"), new ReadOnlyEndpointError("x")]) {
      expect(errorStatus(error, GQL)).toBeGreaterThanOrEqual(400);
    }
  });
});
