import { describe, expect, it } from "vitest";
import { DocumentNotTrustedError, PersistedQueryNotFoundError } from "../../src/errors";
import type { Principal } from "../../src/auth/principal";
import { assertTrusted, trustedOnly, unknownHashError } from "../../src/pipeline/trusted-documents";
import type { TrustedDocumentsMode } from "../../src/projects/types";
import { refusalOf } from "../../src/stats/refusal";

/** The pure decisions of trusted documents (SPEC §3c), without a runtime. */

const HASH = "a".repeat(64);
const OTHER = "b".repeat(64);

describe("trustedOnly", () => {
  it.each<[TrustedDocumentsMode | undefined, Principal["kind"], boolean]>([
    [undefined, "public", false],
    ["off", "public", false],
    ["off", "pat", false],
    ["public", "public", true],
    ["public", "pat", false],
    ["public", "jwt", false],
    ["all", "public", true],
    ["all", "pat", true],
    ["all", "jwt", true],
  ])("mode %s, principal %s → %s", (mode, kind, expected) => {
    expect(trustedOnly(mode, { kind })).toBe(expected);
  });
});

describe("assertTrusted", () => {
  const op = (hash: string) => ({ hash: async () => hash });
  it("passes when every operation is trusted", async () => {
    await expect(assertTrusted([op(HASH), op(HASH)], new Set([HASH]))).resolves.toBeUndefined();
  });
  it("names the first untrusted operation of a batch", async () => {
    const refusal = await assertTrusted([op(HASH), op(OTHER)], new Set([HASH])).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(DocumentNotTrustedError);
    expect((refusal as DocumentNotTrustedError).status).toBe(403);
    expect((refusal as DocumentNotTrustedError).extensions).toEqual({ sha256Hash: OTHER });
  });
});

describe("unknownHashError", () => {
  it.each<[TrustedDocumentsMode | undefined, Principal["kind"], string]>([
    [undefined, "public", "PERSISTED_QUERY_NOT_FOUND"],
    ["public", "public", "DOCUMENT_NOT_TRUSTED"],
    ["public", "pat", "PERSISTED_QUERY_NOT_FOUND"],
    ["all", "pat", "DOCUMENT_NOT_TRUSTED"],
  ])("mode %s, principal %s → %s", (mode, kind, code) => {
    expect(unknownHashError(new PersistedQueryNotFoundError(HASH), mode, { kind }).code).toBe(code);
  });
});

describe("refusalOf", () => {
  it("counts DOCUMENT_NOT_TRUSTED in the traffic view by its code", () => {
    expect(refusalOf(new DocumentNotTrustedError(HASH))).toEqual({ status: 403, code: "DOCUMENT_NOT_TRUSTED" });
  });
});
