import { describe, expect, it } from "vitest";
import errorsSource from "../../src/errors.ts?raw";
import failureSource from "../../src/auth/failure.ts?raw";
import originFailureSource from "../../src/origin/failure.ts?raw";
import accessFailureSource from "../../src/operators/access-failure.ts?raw";
import errorsPage from "../../docs/errors.md?raw";

/**
 * docs/errors.md must list every error code the gateway can send (each `code` of the classes in
 * src/errors.ts) and every `extensions.reason` the code attaches to an error, so that a client
 * author can branch on all of them. Read from the sources at build time (Vite `?raw`).
 */
const SOURCES = import.meta.glob(["../../src/**/*.ts", "!../../src/**/generated/**"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

/** Names written in backticks on the page (`CODE`, `reason`, or inside `reason: some-reason`). */
const documented = new Set([...errorsPage.matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1]!.split(/[^A-Za-z0-9_-]+/)).filter(Boolean));

/** Every string literal on the lines that declare an error class's `code`. */
function errorCodes(source: string): string[] {
  const codes = new Set<string>();
  for (const line of source.split("\n")) {
    if (!/\breadonly code\b/.test(line)) continue;
    for (const literal of line.matchAll(/"([A-Z][A-Z0-9_]*)"/g)) codes.add(literal[1]!);
  }
  return [...codes].sort();
}

/**
 * Every `reason` an error can carry: literals written as `reason: "…"` (in `extensions` objects and
 * in the unions of the error classes' constructors), except the cache step's own outcome reasons
 * (`storable: false` verdicts and `kind: "stale"` outcomes), which are `Cache-Status` details
 * documented in docs/caching.md.
 */
function errorReasons(sources: Record<string, string>): string[] {
  const reasons = new Set<string>();
  for (const source of Object.values(sources)) {
    for (const line of source.split("\n")) {
      if (/storable: false|kind: "stale"/.test(line) || /^\s*(\*|\/\/)/.test(line)) continue;
      for (const union of line.matchAll(/\breason\??:\s*((?:"[^"\n]+"\s*\|\s*)*"[^"\n]+")/g)) {
        // Code-like values only: a sentence (a classification's explanation) is not a reason to branch on.
        for (const literal of union[1]!.matchAll(/"([A-Za-z][A-Za-z_-]*)"/g)) reasons.add(literal[1]!);
      }
    }
  }
  return [...reasons].sort();
}

/** The members of a string-literal union type `export type Name = | "a" | "b";` (comments ignored). */
function unionMembers(source: string, name: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const start = code.indexOf(`export type ${name} =`);
  if (start < 0) return [];
  return [...code.slice(start, code.indexOf(";", start)).matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

describe("docs/errors.md lists every code and reason", () => {
  const codes = errorCodes(errorsSource);
  const reasons = errorReasons(SOURCES);
  const authReasons = [...unionMembers(failureSource, "AuthFailureReason"), ...unionMembers(failureSource, "AuthUnavailableReason")];
  const originReasons = unionMembers(originFailureSource, "OriginFailureReason");
  const accessReasons = unionMembers(accessFailureSource, "AccessFailureReason");

  it("reads the codes and reasons out of the sources", () => {
    // The extraction itself must find what is known to be there, or the checks below prove nothing.
    expect(codes.length).toBeGreaterThanOrEqual(28);
    expect(codes).toEqual(
      expect.arrayContaining([
        "INTERNAL_SERVER_ERROR",
        "BAD_REQUEST",
        "INVALID_STAGE",
        "INVALID_LOCALE",
        "INTERNAL_GUARD_REJECTED",
        "ORIGIN_NOT_ALLOWED",
        "IP_NOT_ALLOWED",
      ]),
    );
    expect(reasons).toEqual(
      expect.arrayContaining([
        "UNCLASSIFIED_FIELD",
        "CONDITION_UNENFORCEABLE",
        "CROSS_SITE_REQUEST",
        "public-access-disabled",
        "no-client-address",
        "mismatch",
      ]),
    );
    expect(reasons).not.toContain("stale-if-error");
    expect(authReasons).toEqual(expect.arrayContaining(["revoked", "expired", "claim-invalid", "store-unavailable"]));
    expect(authReasons).not.toContain("AuthFailureReason");
    expect(originReasons).toEqual(expect.arrayContaining(["dns", "connect", "tls", "timeout", "http-status", "invalid-json"]));
    expect(accessReasons).toEqual(expect.arrayContaining(["access-expired", "access-bad-audience", "access-no-email"]));
    expect(reasons).toContain("access-certs-unavailable");
  });

  it("every code of src/errors.ts", () => {
    expect(codes.filter((code) => !documented.has(code))).toEqual([]);
  });

  it("every reason an error carries", () => {
    expect(reasons.filter((reason) => !documented.has(reason))).toEqual([]);
  });

  it("every reason an origin failure names (src/origin/failure.ts)", () => {
    expect(originReasons.filter((reason) => !documented.has(reason))).toEqual([]);
  });

  it("every reason of a refused credential (src/auth/failure.ts)", () => {
    expect(authReasons.filter((reason) => !documented.has(reason))).toEqual([]);
  });

  it("every reason of a refused Cloudflare Access assertion (src/operators/access-failure.ts)", () => {
    expect(accessReasons.filter((reason) => !documented.has(reason))).toEqual([]);
  });
});
