import { describe, expect, it } from "vitest";
import { sha256HexSync } from "../../src/platform/hash";

describe("sha256HexSync", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
  ])("%#: matches the FIPS 180-4 vectors", (input, hex) => {
    expect(sha256HexSync(input)).toBe(hex);
  });

  it("matches Web Crypto on longer unicode input", async () => {
    const text = "Ünïcödé ✓ ".repeat(100);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    expect(sha256HexSync(text)).toBe(Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""));
  });
});
