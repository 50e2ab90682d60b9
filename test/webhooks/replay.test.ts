import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Change } from "../../src/authority/changes";
import { Authority } from "../../src/authority/client";
import type { AuthorityNamespace } from "../../src/authority/rpc";
import { deliveryOf } from "../../src/webhooks/replay";
import { MAX_WEBHOOK_AGE_MS, parseSignatureHeader } from "../../src/webhooks/signature";
import { backgroundWork } from "../support/cache";

/**
 * Replay protection at the project's authority: the real Durable Object, reached by location
 * clients that each have a Cache of their own (separate locations, as far as the client knows).
 */
const change: Change = { kind: "entries", stages: ["PUBLISHED"], model: "Post", ids: ["p1"], relations: true };

async function location(): Promise<Authority> {
  const cache = await caches.open(`replay-${crypto.randomUUID()}`);
  return new Authority(env.AUTHORITY as unknown as AuthorityNamespace, { cache: () => cache });
}

function project() {
  return { projectId: `replay-${crypto.randomUUID().slice(0, 8)}`, environment: "master" };
}

const delivery = (sign: string) => ({ sign, expiresAt: Date.now() + MAX_WEBHOOK_AGE_MS });

describe("deliveryOf", () => {
  it("remembers a delivery until a copy of it would be refused as expired", () => {
    expect(deliveryOf({ sign: "c2ln", env: "master", timestamp: 1_700_000_000_000 })).toEqual({
      sign: "c2ln",
      expiresAt: 1_700_000_000_000 + MAX_WEBHOOK_AGE_MS + 1_000,
    });
  });

  // One HMAC-SHA256 as Hygraph sends it (…56M4=), and the 7 other texts a base64 decoder reads as the
  // same 32 bytes: the last character's 2 unused low bits ('4' is 111000) set any way, padded or not.
  const HMAC = "XCv/ejyshCIulDB1p8moJ7TrLep8ePj3L2IUDQl56M4=";
  const T = 1_631_270_481_036;
  const identity = (sign: string) => deliveryOf(parseSignatureHeader(`sign=${sign}, env=master, t=${T}`)).sign;

  it.each(["4=", "5=", "6=", "7=", "4", "5", "6", "7"].map((end) => HMAC.slice(0, 42) + end))(
    "%s is the same delivery as Hygraph's own encoding",
    (sign) => {
      expect(identity(sign)).toBe(HMAC);
    },
  );

  it.each(["8=", "3=", "4AAAAA"])("…56M%s (other bytes) is another delivery", (end) => {
    expect(identity(HMAC.slice(0, 42) + end)).not.toBe(HMAC);
  });
});

describe("Authority.invalidateDelivery", () => {
  it("applies a delivery once: a copy at another location is a duplicate and changes nothing", async () => {
    const [a, b] = [await location(), await location()];
    const ref = project();
    const work = backgroundWork();
    expect(await a.invalidateDelivery(ref, delivery("c2lnbmF0dXJl"), [change], work.waitUntil)).toBe("accepted");
    const seq = (await b.view(ref, work.waitUntil)).seq;
    expect(await b.invalidateDelivery(ref, delivery("c2lnbmF0dXJl"), [change], work.waitUntil)).toBe("duplicate");
    expect(await a.invalidateDelivery(ref, delivery("c2lnbmF0dXJl"), [change], work.waitUntil)).toBe("duplicate");
    expect((await b.view(ref, work.waitUntil)).seq).toBe(seq);
    // Another delivery is applied.
    expect(await b.invalidateDelivery(ref, delivery("b3RoZXI="), [change], work.waitUntil)).toBe("accepted");
    expect((await b.view(ref, work.waitUntil)).seq).toBeGreaterThan(seq);
    await work.settle();
  });

  it("copies arriving together at several locations: exactly one is accepted", async () => {
    const locations = await Promise.all([location(), location(), location(), location()]);
    const ref = project();
    const work = backgroundWork();
    const outcomes = await Promise.all(locations.map((l) => l.invalidateDelivery(ref, delivery("dG9nZXRoZXI="), [change], work.waitUntil)));
    expect(outcomes.sort()).toEqual(["accepted", "duplicate", "duplicate", "duplicate"]);
    await work.settle();
  });

  it("a delivery that changes nothing cached is remembered too", async () => {
    const a = await location();
    const ref = project();
    const work = backgroundWork();
    expect(await a.invalidateDelivery(ref, delivery("ZW1wdHk="), [], work.waitUntil)).toBe("accepted");
    expect(await (await location()).invalidateDelivery(ref, delivery("ZW1wdHk="), [], work.waitUntil)).toBe("duplicate");
    await work.settle();
  });

  it("a delivery whose window has closed is not remembered", async () => {
    const a = await location();
    const ref = project();
    const work = backgroundWork();
    const closed = { sign: "Y2xvc2Vk", expiresAt: Date.now() - 1 };
    expect(await a.invalidateDelivery(ref, closed, [change], work.waitUntil)).toBe("accepted");
    expect(await a.invalidateDelivery(ref, closed, [change], work.waitUntil)).toBe("accepted");
    await work.settle();
  });
});
