import { describe, expect, it } from "vitest";
import {
  MAX_WEBHOOK_AGE_MS,
  MAX_WEBHOOK_SKEW_MS,
  parseSignatureHeader,
  signWebhook,
  signedMessage,
  verifyWebhook,
} from "../../src/webhooks/signature";
import { WebhookSignatureError } from "../../src/errors";

const secret = "rCNwyiloY3oJYYkxgpBXaleIiUv5MYlx";
const T = 1631270481036;
const body = '{"operation":"publish","data":{"__typename":"Post","id":"ckx1","stage":"PUBLISHED"}}';

// Vectors computed with the algorithm of Hygraph's own @hygraph/utils (generateWebhookSignature with rawPayload).
const VECTORS: Array<[string, string]> = [
  [body, "sign=XCv/ejyshCIulDB1p8moJ7TrLep8ePj3L2IUDQl56M4=, env=master, t=1631270481036"],
  ['{"title":"Tom & Jerry <3"}', "sign=sjYeiP92etzE1oYK/lhcIHS2OXIaZKH+G7zwIVug2Gc=, env=master, t=1631270481036"],
];

const verify = (
  header: string | null,
  overrides: Partial<{ rawBody: string; environment: string; now: number; secret: string | undefined }> = {},
) =>
  verifyWebhook({
    secret: "secret" in overrides ? overrides.secret : secret,
    rawBody: overrides.rawBody ?? body,
    header,
    environment: overrides.environment ?? "master",
    now: () => overrides.now ?? T + 1_000,
  });

describe("Hygraph webhook signatures", () => {
  it.each(VECTORS)("signWebhook reproduces @hygraph/utils for %s", async (rawBody, expected) => {
    expect(await signWebhook({ secret, rawBody, environment: "master", timestamp: T })).toBe(expected);
    await expect(verify(expected, { rawBody })).resolves.toEqual({
      sign: expected.slice(5, expected.indexOf(",")),
      env: "master",
      timestamp: T,
    });
  });

  it("signs the JSON {Body, EnvironmentName, TimeStamp} with HTML-escaped characters", () => {
    expect(signedMessage('{"a":"&"}', "master", 1)).toBe('{"Body":"{\\"a\\":\\"\\\\u0026\\"}","EnvironmentName":"master","TimeStamp":1}');
  });

  it.each<[string, () => Promise<unknown>, string]>([
    ["missing header", () => verify(null), "missing"],
    ["empty header", () => verify(""), "missing"],
    [
      "no secret configured",
      async () => verify(await signWebhook({ secret, rawBody: body, environment: "master", timestamp: T }), { secret: undefined }),
      "no-secret",
    ],
    ["garbage header", () => verify("hello"), "malformed"],
    ["missing t", () => verify("sign=abc=, env=master"), "malformed"],
    ["non-numeric t", () => verify("sign=abc=, env=master, t=soon"), "malformed"],
    ["duplicate member", () => verify(`sign=abc=, env=master, t=${T}, t=${T}`), "malformed"],
    ["unknown member", () => verify(`sign=abc=, env=master, t=${T}, v=1`), "malformed"],
    ["non-base64 sign", () => verify(`sign=***, env=master, t=${T}`), "malformed"],
    ["wrong signature", () => verify(`sign=${btoa("x".repeat(32))}, env=master, t=${T}`), "mismatch"],
    [
      "wrong secret",
      async () => verify(await signWebhook({ secret: "other", rawBody: body, environment: "master", timestamp: T })),
      "mismatch",
    ],
    [
      "tampered body",
      async () =>
        verify(await signWebhook({ secret, rawBody: body, environment: "master", timestamp: T }), {
          rawBody: body.replace("publish", "delete"),
        }),
      "mismatch",
    ],
    [
      "re-serialized body",
      async () =>
        verify(await signWebhook({ secret, rawBody: body, environment: "master", timestamp: T }), {
          rawBody: JSON.stringify(JSON.parse(body), null, 1),
        }),
      "mismatch",
    ],
    [
      "tampered timestamp",
      async () =>
        verify((await signWebhook({ secret, rawBody: body, environment: "master", timestamp: T })).replace(`t=${T}`, `t=${T + 1}`)),
      "mismatch",
    ],
    [
      "stale (older than 5 minutes)",
      async () =>
        verify(await signWebhook({ secret, rawBody: body, environment: "master", timestamp: T }), { now: T + MAX_WEBHOOK_AGE_MS + 1 }),
      "expired",
    ],
    [
      "future beyond the skew",
      async () =>
        verify(await signWebhook({ secret, rawBody: body, environment: "master", timestamp: T }), { now: T - MAX_WEBHOOK_SKEW_MS - 1 }),
      "future",
    ],
    [
      "signed for another environment",
      async () => verify(await signWebhook({ secret, rawBody: body, environment: "staging", timestamp: T })),
      "environment",
    ],
    [
      "env rewritten to the URL's environment",
      async () =>
        verify((await signWebhook({ secret, rawBody: body, environment: "staging", timestamp: T })).replace("env=staging", "env=master")),
      "mismatch",
    ],
  ])("rejects %s with 401 INVALID_WEBHOOK_SIGNATURE", async (_name, run, reason) => {
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect(error).toMatchObject({ code: "INVALID_WEBHOOK_SIGNATURE", status: 401, extensions: { reason } });
  });

  it.each<[string, number]>([
    ["exactly 5 minutes old", T + MAX_WEBHOOK_AGE_MS],
    ["slightly in the future", T - MAX_WEBHOOK_SKEW_MS],
  ])("accepts a signature %s", async (_name, now) => {
    const header = await signWebhook({ secret, rawBody: body, environment: "master", timestamp: T });
    await expect(verify(header, { now })).resolves.toMatchObject({ timestamp: T });
  });

  it("parses members in any order and without spaces", () => {
    expect(parseSignatureHeader(`t=${T},env=master,sign=ab+/cQ==`)).toEqual({ sign: "ab+/cQ==", env: "master", timestamp: T });
  });

  it.each<[string, string]>([
    ["ab+/cQ==", "ab+/cQ=="],
    ["ab+/cQ", "ab+/cQ=="],
    ["ab+/cd==", "ab+/cQ=="],
    ["ab+/cd", "ab+/cQ=="],
    ["abd", "abc="],
    ["abcd", "abcd"],
  ])("reads sign=%s as the bytes it decodes to, canonically %s", (text, canonical) => {
    expect(parseSignatureHeader(`sign=${text}, env=master, t=${T}`).sign).toBe(canonical);
  });

  // VECTORS[0]'s signature ends in "4=": '4' is 111000, its 2 low bits unused.
  it.each([
    ["unpadded", "XCv/ejyshCIulDB1p8moJ7TrLep8ePj3L2IUDQl56M4"],
    ["unused low bits set", "XCv/ejyshCIulDB1p8moJ7TrLep8ePj3L2IUDQl56M7="],
    ["both", "XCv/ejyshCIulDB1p8moJ7TrLep8ePj3L2IUDQl56M5"],
  ])("verifies Hygraph's signature re-encoded (%s) and returns it canonical", async (_name, reencoded) => {
    const header = VECTORS[0]![1];
    const sign = header.slice(5, header.indexOf(","));
    await expect(verify(header.replace(sign, reencoded))).resolves.toMatchObject({ sign });
  });
});

describe("verification during a webhook secret rotation", () => {
  const previous = "the-replaced-secret-0123456789";
  const check = (signedWith: string, current: string, old: string | undefined) =>
    signWebhook({ secret: signedWith, rawBody: body, environment: "master", timestamp: T }).then((header) =>
      verifyWebhook({ secret: current, previous: old, rawBody: body, header, environment: "master", now: () => T + 1_000 }),
    );

  it.each<[string, string, string | undefined, boolean]>([
    ["the current secret, a previous one kept", secret, previous, true],
    ["the previous secret while it is kept", previous, previous, true],
    ["the previous secret once it is not kept", previous, undefined, false],
    ["a third secret", "a-third-secret-0123456789", previous, false],
  ])("a delivery signed with %s verifies: %s", async (_label, signedWith, old, verifies) => {
    const result = check(signedWith, secret, old);
    if (verifies) await expect(result).resolves.toMatchObject({ env: "master", timestamp: T });
    else await expect(result).rejects.toMatchObject({ extensions: { reason: "mismatch" } });
  });
});
