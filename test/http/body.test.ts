import { describe, expect, it } from "vitest";
import { BadRequestError, GatewayError, PayloadTooLargeError, UriTooLongError } from "../../src/errors";
import { assertUrlWithinLimit, declaredContentLength, readBodyText, utf8ByteLength } from "../../src/http/body";

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

  it("refuses a declared Content-Length over the limit before reading anything", async () => {
    const { stream, state } = streamed(MAX + 1, 64);
    const error = await caught(readBodyText(post(stream, { "content-length": String(MAX + 1) }), MAX));
    expect(error.extensions).toEqual({ limit: "bodySize", max: MAX, found: MAX + 1 });
    expect(state.pulled).toBeLessThanOrEqual(64); // at most the stream's initial pull
  });

  it.each([
    ["absent Content-Length", undefined],
    ["lying Content-Length", "10"],
  ])("stops streaming past the limit with an %s", async (_name, contentLength) => {
    const { stream, state } = streamed(10 * MAX, 100);
    const headers: Record<string, string> = contentLength ? { "content-length": contentLength } : {};
    const error = await caught(readBodyText(post(stream, headers), MAX));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.extensions).toEqual({ limit: "bodySize", max: MAX });
    expect(state.pulled).toBeLessThanOrEqual(MAX + 2 * 100); // never the whole 10 KiB
    expect(state.cancelled).toBe(true);
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
