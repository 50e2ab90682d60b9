/**
 * The JWT revocations a project's authority holds (SPEC §5a): app, subject and issuedBefore
 * revocations of third-party tokens, kept until an operator lifts them. Plain data with no storage
 * and no clock: `state.ts` gives each change its sequence number and storage delta, and sends the
 * whole list to every location whenever it changes (`RevocationState` in the sync answer), so a
 * location's view holds exactly what the authority holds.
 */
import type { JwtRevocation, JwtRevocationKind } from "../auth/jwt-revocations";

/** At most this many revocations per project and environment (each up to about 600 bytes in every location's view). */
export const MAX_JWT_REVOCATIONS = 1_000;

/** What the authority sends a location about JWT revocations: all of them, and the number of their last change. */
export interface RevocationState {
  seq: number;
  list: JwtRevocation[];
}

/** The outcome of adding a revocation. */
export type AddRevocation =
  | { status: "created"; revocation: JwtRevocation }
  /** The same kind and value is already revoked: that one. */
  | { status: "exists"; revocation: JwtRevocation }
  /** {@link MAX_JWT_REVOCATIONS} are held already. */
  | { status: "limit"; revocation: null };

/**
 * The revocations of one authority, by id.
 *
 * @example
 * const registry = new RevocationRegistry();
 * registry.add({ id: "r1", kind: "app", value: "mobile", createdAt: Date.now() }); // { status: "created", … }
 */
export class RevocationRegistry {
  private readonly byId = new Map<string, JwtRevocation>();

  get size(): number {
    return this.byId.size;
  }

  /** Adds `revocation` unless its kind and value are revoked already, or the bound is reached. */
  add(revocation: JwtRevocation): AddRevocation {
    const same = this.find(revocation.kind, revocation.value);
    if (same) return { status: "exists", revocation: same };
    if (this.byId.size >= MAX_JWT_REVOCATIONS) return { status: "limit", revocation: null };
    this.byId.set(revocation.id, revocation);
    return { status: "created", revocation };
  }

  /** Removes a revocation; `null` when there is none with this id. */
  lift(id: string): JwtRevocation | null {
    const revocation = this.byId.get(id);
    if (!revocation) return null;
    this.byId.delete(id);
    return revocation;
  }

  /** Every revocation, oldest first. */
  list(): JwtRevocation[] {
    return [...this.byId.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Restores one persisted revocation (at start). */
  restore(revocation: JwtRevocation): void {
    this.byId.set(revocation.id, revocation);
  }

  private find(kind: JwtRevocationKind, value: string): JwtRevocation | undefined {
    for (const r of this.byId.values()) if (r.kind === kind && r.value === value) return r;
    return undefined;
  }
}
