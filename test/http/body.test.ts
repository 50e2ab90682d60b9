import { describe, expect, it } from "vitest";
import { BadRequestError, GatewayError, PayloadTooLargeError, UriTooLongError } from "../../src/errors";
import {
  assertUrlWithinLimit,
  declaredContentLength,
  drainUnreadBody,
  readBodyText,
  utf8ByteLength,
  type DrainBounds,
} from "../../src/http/body";

const MAX = 1024;

async function caught(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (e) {
    return e as GatewayError;
  }
  throw new Error("expected a rejection");
}

/** A body streamed in `chunkSize` pieces, recording how many bytes were pulled. */
function streamed(total: number, chunkSize: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = Math.min(chunkSize, total - state.pulled);
      if (size <= 0) return controller.close();
      state.pulled += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("https://edge.example/content/p/e", { method: "POST", body, headers });

describe("readBodyText", () => {
  it.each([
    ["exactly max bytes", MAX, "ok"],
    ["max + 1 bytes", MAX + 1, 413],
    ["empty", 0, "ok"],
  ] as const)("string body of %s", async (_name, size, expected) => {
    const request = post("a".repeat(size));
    if (expected === "ok") return expect(await readBodyText(request, MAX)).toHaveLength(size);
    const error = await caught(readBodyText(request, MAX));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error.status).toBe(413);
    expect(error.extensions).toMatchObject({ limit: "bodySize", max: MAX });
  });

  it("counts bytes, not characters", async () => {
    // 512 two-byte characters = 1024 bytes: allowed; one more byte is not.
    expect(await readBodyText(post("é".repeat(512)), MAX)).toBe("é".repeat(512));
    expect((await caught(readBodyText(post("é".repeat(512) + "a"), MAX))).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses a declared Content-Length over the limit, reading the rest to its end so the connection survives", async () => {
    const { stream, state } = streamed(10 * MAX, 64);
    const error = await caught(readBodyText(post(stream, { "content-length": String(10 * MAX) }), MAX));
    expect(error.extensions).toEqual({ limit: "bodySize", max: MAX, found: 10 * MAX });
    // Read and thrown away, not cancelled: workerd resets a connection whose body was left unread.
    expect(state.pulled).toBe(10 * MAX);
    expect(state.cancelled).toBe(false);
  });

  it("cancels at once a declared Content-Length beyond the drain bound", async () => {
    const { stream, state } = streamed(MAX + 2_001, 64);
    const error = await caught(
      readBodyText(post(stream, { "content-length": String(MAX + 2_001) }), MAX, { maxBytes: 2_000, maxMs: 5_000 }),
    );
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(state.pulled).toBeLessThanOrEqual(64); // at most the stream's initial pull
    expect(state.cancelled).toBe(true);
  });

  it.each([
    ["absent Content-Length", undefined],
    ["lying Content-Length", "10"],
  ])("refuses a body past the limit with an %s, discarding the rest to its end", async (_name, contentLength) => {
    const { stream, state } = streamed(10 * MAX, 100);
    const headers: Record<string, string> = contentLength ? { "content-length": contentLength } : {};
    const error = await caught(readBodyText(post(stream, headers), MAX));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.extensions).toEqual({ limit: "bodySize", max: MAX });
    expect(state.pulled).toBe(10 * MAX);
    expect(state.cancelled).toBe(false);
  });

  it("stops discarding at the drain bound and cancels the body", async () => {
    const { stream, state } = streamed(100 * MAX, 100);
    const error = await caught(readBodyText(post(stream), MAX, { maxBytes: 2 * MAX, maxMs: 5_000 }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(state.pulled).toBeLessThanOrEqual(3 * MAX + 2 * 100); // never the whole 100 KiB
    expect(state.cancelled).toBe(true);
  });

  it("stops waiting for a stalled body after the drain time bound", async () => {
    const state = { cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(MAX + 1)); // over the limit, then nothing more, ever
      },
      cancel() {
        state.cancelled = true;
      },
    });
    const started = Date.now();
    const error = await caught(readBodyText(post(stream), MAX, { maxBytes: 10 * MAX, maxMs: 50 }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(state.cancelled).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("reads a streamed body of exactly max bytes", async () => {
    const { stream } = streamed(MAX, 100);
    expect(await readBodyText(post(stream), MAX)).toHaveLength(MAX);
  });

  it("reads a missing body as empty", async () => {
    expect(await readBodyText(new Request("https://edge.example/", { method: "POST" }), MAX)).toBe("");
  });

  it("refuses invalid UTF-8 with BAD_REQUEST", async () => {
    const error = await caught(readBodyText(post(new Uint8Array([0x7b, 0xff, 0x7d])), MAX));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.code).toBe("BAD_REQUEST");
  });

  it("drops a UTF-8 byte-order mark", async () => {
    expect(await readBodyText(post(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), MAX)).toBe("{}");
  });
});

describe("drainUnreadBody", () => {
  const bounds: DrainBounds = { maxBytes: 4 * MAX, maxMs: 5_000 };

  it("reads a body nobody read to its end", async () => {
    const { stream, state } = streamed(3 * MAX, 100);
    const request = post(stream);
    await drainUnreadBody(request, bounds);
    expect(state.pulled).toBe(3 * MAX);
    expect(state.cancelled).toBe(false);
  });

  it("cancels an unread body past its bound", async () => {
    const { stream, state } = streamed(100 * MAX, 100);
    await drainUnreadBody(post(stream), bounds);
    expect(state.pulled).toBeLessThanOrEqual(4 * MAX + 2 * 100);
    expect(state.cancelled).toBe(true);
  });

  it("leaves a body that was read, is being read, or is absent alone", async () => {
    const read = post("{}");
    await read.text();
    await expect(drainUnreadBody(read, bounds)).resolves.toBeUndefined();

    const { stream, state } = streamed(3 * MAX, 100);
    const reading = post(stream);
    const reader = reading.body!.getReader();
    await drainUnreadBody(reading, bounds);
    expect(state.pulled).toBeLessThanOrEqual(2 * 100); // the route's reader owns it
    reader.releaseLock();

    await expect(drainUnreadBody(new Request("https://edge.example/"), bounds)).resolves.toBeUndefined();
  });
});

describe("declaredContentLength", () => {
  it.each<[string | null, number | null]>([
    [null, null],
    ["0", 0],
    ["42", 42],
    ["42, 42", 42],
    ["42, 43", null],
    ["-1", null],
    ["4e2", null],
    ["", null],
  ])("%j → %j", (value, expected) => {
    const headers = new Headers();
    if (value !== null) headers.set("content-length", value);
    expect(declaredContentLength(headers)).toBe(expected);
  });
});

describe("assertUrlWithinLimit", () => {
  const base = "https://edge.example/content/p/e?query=";
  it.each([
    ["exactly max", 16_384, "ok"],
    ["max + 1", 16_385, 414],
    ["short", 100, "ok"],
  ] as const)("URL of %s bytes", (_name, length, expected) => {
    const url = base + "a".repeat(length - base.length);
    expect(url).toHaveLength(length);
    if (expected === "ok") return expect(() => assertUrlWithinLimit(url, 16_384)).not.toThrow();
    try {
      assertUrlWithinLimit(url, 16_384);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UriTooLongError);
      expect((e as GatewayError).status).toBe(414);
      expect((e as GatewayError).extensions).toEqual({ limit: "urlLength", max: 16_384, found: 16_385 });
    }
  });

  it("measures UTF-8 bytes", () => {
    expect(() => assertUrlWithinLimit("é".repeat(10), 20)).not.toThrow();
    expect(() => assertUrlWithinLimit("é".repeat(10) + "a", 20)).toThrowError(UriTooLongError);
  });

  it.each([
    ["ascii", "abc", 3],
    ["two-byte", "é", 2],
    ["three-byte", "€", 3],
    ["surrogate pair", "🏃", 4],
    ["lone surrogate", "\ud800", 3],
  ])("utf8ByteLength %s", (_name, text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes);
    if (_name !== "lone surrogate") expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).byteLength);
  });
});
