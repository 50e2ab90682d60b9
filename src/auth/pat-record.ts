/**
 * A permanent auth token as the gateway knows it, apart from its secret. Its own module because
 * both the token store (auth/pat-store.ts) and the project authority (authority/), which the store
 * writes through, hold records: neither has to import the other for it.
 */
import type { PermissionRule } from "../projects/types";

/** What the admin API shows of a token: everything but the secret and its digest. */
export interface PatRecord {
  id: string;
  name: string;
  /** Normalized rules. */
  permissions: PermissionRule[];
  defaultStage?: string;
  /** ISO 8601; absent: never expires. */
  expiresAt?: string;
  /** ISO 8601. */
  createdAt: string;
}
