import { describe, expect, it } from "vitest";
import { GatewayError, NotAcceptableError, UnsupportedMediaTypeError } from "../../src/errors";
import { assertJsonContentType, contentTypeHeader, negotiateMediaType, parseAccept, parseContentType } from "../../src/http/media-type";

const GQL = "application/graphql-response+json";
const JSON_ = "application/json";

describe("negotiateMediaType (GraphQL-over-HTTP §Accept)", () => {
  it.each<[string, string | null, string]>([
    ["01 no Accept → legacy application/json", null, JSON_],
    ["02 blank Accept", "  ", JSON_],
    ["03 */*", "*/*", JSON_],
    ["04 bare * (old clients)", "*", JSON_],
    ["05 application/*", "application/*", JSON_],
    ["06 application/json", "application/json", JSON_],
    ["07 graphql-response+json", GQL, GQL],
    ["08 both, equal q, gql first", `${GQL}, ${JSON_}`, GQL],
    ["09 both, equal q, json first", `${JSON_}, ${GQL}`, GQL],
    ["10 gql preferred by q", `${GQL}, ${JSON_};q=0.9`, GQL],
    ["11 json preferred by q", `${GQL};q=0.9, ${JSON_}`, JSON_],
    ["12 gql explicit, json via */*", `${GQL}, */*`, GQL],
    ["13 gql explicit, json via */* equal q", `*/*, ${GQL}`, GQL],
    ["14 json explicit, */* lower", `${JSON_}, */*;q=0.1`, JSON_],
    ["15 json refused with q=0, */* serves gql", `${JSON_};q=0, */*`, GQL],
    ["16 gql refused with q=0", `${GQL};q=0, */*`, JSON_],
    ["17 charset utf-8 on gql", `${GQL}; charset=utf-8`, GQL],
    ["18 charset UTF-8 quoted on json", `${JSON_};charset="UTF-8"`, JSON_],
    ["19 charset utf8 alias", `${JSON_};charset=utf8`, JSON_],
    ["20 non-UTF-8 gql, json available", `${GQL};charset=latin1, ${JSON_}`, JSON_],
    ["21 browser default", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON_],
    ["22 Apollo Client 3.8+", "application/graphql-response+json,application/json;q=0.9", GQL],
    [
      "23 graphql-request / urql",
      "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed",
      GQL,
    ],
    ["24 case-insensitive type", "Application/GraphQL-Response+JSON", GQL],
    ["25 malformed element skipped", `garbage, ${JSON_}`, JSON_],
    ["26 invalid q skips the element", `${GQL};q=2, ${JSON_}`, JSON_],
    ["27 q with three decimals", `${GQL};q=0.501, ${JSON_};q=0.5`, GQL],
    ["28 accept-extension after q ignored", `${GQL};q=1;ext=1`, GQL],
    ["29 unknown parameter ignored", `${JSON_};version=2`, JSON_],
    ["30 more specific range wins over a higher-q wildcard", `application/*;q=1, ${GQL};q=0.2, ${JSON_};q=0.1`, GQL],
  ])("%s", (_name, accept, expected) => {
    expect(negotiateMediaType(accept)).toBe(expected);
  });

  it.each<[string, string]>([
    ["01 text/html only", "text/html"],
    ["02 both refused", `${GQL};q=0, ${JSON_};q=0`],
    ["03 everything refused", "*/*;q=0"],
    ["04 only non-UTF-8 charsets", `${GQL};charset=iso-8859-1, ${JSON_};charset=utf-16`],
    ["05 graphql+json (withdrawn) only", "application/graphql+json"],
    ["06 only garbage", "garbage"],
    ["07 event-stream only", "text/event-stream"],
  ])("406 for %s", (_name, accept) => {
    let error: unknown;
    try {
      negotiateMediaType(accept);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotAcceptableError);
    expect((error as GatewayError).code).toBe("NOT_ACCEPTABLE");
    expect((error as GatewayError).status).toBe(406);
  });
});

describe("parseAccept", () => {
  it("parses q-values and parameters, lower-casing names", () => {
    expect(parseAccept('Application/JSON;Charset="utf-8";q=0.5, */*')).toEqual([
      { type: "application", subtype: "json", params: { charset: "utf-8" }, q: 0.5 },
      { type: "*", subtype: "*", params: {}, q: 1 },
    ]);
  });

  it("keeps commas inside quoted strings", () => {
    expect(parseAccept('application/json;x="a,b", text/plain')).toHaveLength(2);
  });

  it.each(["*/json", "application", "application/json;q=1.5", "application/json;x", ";q=1"])("skips malformed %j", (accept) => {
    expect(parseAccept(accept)).toEqual([]);
  });
});

describe("contentTypeHeader", () => {
  it.each([
    [GQL, "application/graphql-response+json; charset=utf-8"],
    [JSON_, "application/json; charset=utf-8"],
  ] as const)("%s", (mediaType, header) => {
    expect(contentTypeHeader(mediaType)).toBe(header);
  });
});

describe("parseContentType", () => {
  it.each<[string | null, ReturnType<typeof parseContentType>]>([
    [null, null],
    ["", null],
    ["json", null],
    ["*/*", null],
    ["application/json", { mediaType: JSON_, charset: null, params: {} }],
    ["Application/JSON; Charset=UTF-8", { mediaType: JSON_, charset: "utf-8", params: { charset: "UTF-8" } }],
    ['application/json; charset="utf-8"', { mediaType: JSON_, charset: "utf-8", params: { charset: "utf-8" } }],
    [
      "text/plain;charset=us-ascii;format=flowed",
      { mediaType: "text/plain", charset: "us-ascii", params: { charset: "us-ascii", format: "flowed" } },
    ],
  ])("%j", (header, expected) => {
    expect(parseContentType(header)).toEqual(expected);
  });
});

describe("assertJsonContentType (GraphQL-over-HTTP §POST)", () => {
  it.each([
    "application/json",
    "application/json; charset=utf-8",
    "application/json;charset=UTF-8",
    'application/json; charset="utf-8"',
    "application/json; charset=utf8",
    "APPLICATION/JSON",
    "application/json; boundary=x",
  ])("accepts %j", (header) => {
    expect(() => assertJsonContentType(header)).not.toThrow();
  });

  it.each<[string, string | null]>([
    ["01 missing", null],
    ["02 empty", ""],
    ["03 malformed", "json"],
    ["04 text/plain", "text/plain"],
    ["05 application/graphql", "application/graphql"],
    ["06 form urlencoded", "application/x-www-form-urlencoded"],
    ["07 multipart", "multipart/form-data; boundary=x"],
    ["08 graphql-response+json as a request type", GQL],
    ["09 latin1 charset", "application/json; charset=iso-8859-1"],
    ["10 utf-16 charset", "application/json; charset=utf-16"],
    ["11 wildcard", "application/*"],
  ])("415 for %s", (_name, header) => {
    let error: unknown;
    try {
      assertJsonContentType(header);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect((error as GatewayError).code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect((error as GatewayError).status).toBe(415);
  });
});
