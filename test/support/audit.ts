import type { AuditRecord } from "../../src/audit/event";

/** The audit record tests that drive a store directly pass (the admin routes build theirs from the caller). */
export const TEST_AUDIT: AuditRecord = { actor: { kind: "admin", role: "owner" }, action: "token.create", outcome: "ok", details: {} };
