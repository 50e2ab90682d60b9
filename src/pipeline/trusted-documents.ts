/**
 * Trusted documents in the request pipeline (SPEC §3c, docs/trusted-documents.md). When the
 * project's `trustedDocuments` mode applies to the principal, every operation of the request must
 * be one of the uploaded documents — checked by the SHA-256 of its exact text after
 * authentication and before authorisation, so a refused document reaches neither the schema
 * refresh nor the origin. The set itself lives at the project's authority and is copied per
 * location (`authority/trusted-set.ts`).
 */
import type { Principal } from "../auth/principal";
import { DocumentNotTrustedError, PersistedQueryNotFoundError } from "../errors";
import type { TrustedDocumentsMode } from "../projects/types";
import type { ParsedOperation } from "./parse-operation";

/**
 * Whether `mode` restricts `principal` to trusted documents: `"all"` everyone, `"public"` only the
 * public principal (no `Authorization`), `"off"` (or absent) no one.
 *
 * @example
 * trustedOnly("public", { kind: "public", rules: [] }); // true
 * trustedOnly("public", { kind: "pat", rules: [] }); // false
 */
export function trustedOnly(mode: TrustedDocumentsMode | undefined, principal: Pick<Principal, "kind">): boolean {
  return mode === "all" || (mode === "public" && principal.kind === "public");
}

/**
 * Refuses the request unless every operation's document is in `trusted` (a batch is checked
 * operation by operation; the first untrusted one is named by its hash).
 *
 * @throws {DocumentNotTrustedError} 403 `DOCUMENT_NOT_TRUSTED`.
 * @example await assertTrusted(operations, await trustedDocumentsFor(authority).hashes(ref, waitUntil));
 */
export async function assertTrusted(operations: readonly Pick<ParsedOperation, "hash">[], trusted: ReadonlySet<string>): Promise<void> {
  for (const op of operations) {
    const hash = await op.hash();
    if (!trusted.has(hash)) throw new DocumentNotTrustedError(hash);
  }
}

/**
 * What a hash-only request whose hash is found nowhere answers: under enforcement for this
 * principal `403 DOCUMENT_NOT_TRUSTED` (a client must not be invited to send the text: it would be
 * refused too); otherwise Apollo's `PERSISTED_QUERY_NOT_FOUND`, unchanged.
 *
 * @example throw unknownHashError(error, "all", principal); // DocumentNotTrustedError
 */
export function unknownHashError(
  error: PersistedQueryNotFoundError,
  mode: TrustedDocumentsMode | undefined,
  principal: Pick<Principal, "kind">,
): DocumentNotTrustedError | PersistedQueryNotFoundError {
  return trustedOnly(mode, principal) ? new DocumentNotTrustedError(error.sha256Hash ?? "") : error;
}
