import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DeliveriesTable, MAX_DELIVERY_MEMORY_MS, MAX_SIGNATURE_LENGTH } from "../../src/authority/deliveries-table";
import { frozenClock } from "../support/cache";

/**
 * The webhook deliveries a project's authority remembers, on a real Durable Object's SQLite
 * storage with a frozen clock.
 */
const T0 = Date.UTC(2026, 0, 1, 10);
const SIGN = "x3b6d0LqFzlxDqk1rtPp3C8FJ6R8T0i8rM2q6o8Y2tU=";

async function inObject<T>(body: (table: DeliveriesTable, clock: ReturnType<typeof frozenClock>) => T | Promise<T>): Promise<T> {
  const clock = frozenClock(T0);
  const stub = env.AUTHORITY.get(env.AUTHORITY.idFromName(`deliveries-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => body(new DeliveriesTable(state.storage.sql, clock.now), clock));
}

describe("DeliveriesTable", () => {
  it("a remembered delivery is seen until its expiry, then forgotten and deleted", () =>
    inObject((table, clock) => {
      expect(table.seen(SIGN)).toBe(false);
      table.remember(SIGN, T0 + 301_000);
      expect([table.seen(SIGN), table.seen("b3RoZXI="), table.size()]).toEqual([true, false, 1]);
      clock.advance(300);
      expect(table.seen(SIGN)).toBe(true);
      clock.advance(1);
      expect([table.seen(SIGN), table.size()]).toEqual([false, 0]);
    }));

  it("forgets a delivery whose changes could not be applied, so that its retry is accepted", () =>
    inObject((table) => {
      table.remember(SIGN, T0 + 301_000);
      table.forget(SIGN);
      expect([table.seen(SIGN), table.size()]).toEqual([false, 0]);
    }));

  it.each([
    ["already expired", T0, 0],
    ["expiring now", T0 - 1, 0],
    ["not a number", Number.NaN, 0],
    ["far in the future (clamped)", T0 + 365 * 86_400_000, 1],
  ])("a delivery %s: rows kept %i", (_case, expiresAt, rows) =>
    inObject((table) => {
      table.remember(SIGN, expiresAt);
      expect(table.size()).toBe(rows);
    }),
  );

  it(`remembers no delivery longer than ${MAX_DELIVERY_MEMORY_MS / 60_000} minutes from now`, () =>
    inObject((table, clock) => {
      table.remember(SIGN, T0 + 365 * 86_400_000);
      clock.advance(MAX_DELIVERY_MEMORY_MS / 1000 - 1);
      expect(table.seen(SIGN)).toBe(true);
      clock.advance(1);
      expect(table.seen(SIGN)).toBe(false);
    }));

  it.each([
    ["empty", ""],
    ["longer than a signature can be", "a".repeat(MAX_SIGNATURE_LENGTH + 1)],
  ])("stores no %s signature", (_case, sign) =>
    inObject((table) => {
      table.remember(sign, T0 + 60_000);
      expect([table.seen(sign), table.size()]).toEqual([false, 0]);
    }),
  );

  it("keeps only what is within its window: old deliveries go when new ones arrive", () =>
    inObject((table, clock) => {
      for (let i = 0; i < 50; i++) table.remember(`sign-${i}`, clock.now() + 301_000);
      expect(table.size()).toBe(50);
      clock.advance(302);
      table.remember("later", clock.now() + 301_000);
      expect(table.size()).toBe(1);
    }));
});
