import { describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../src/platform/base64";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("toBase64: standard, padded (RFC 4648 §4)", () => {
  it.each([
    [bytes(), ""],
    [bytes(104), "aA=="],
    [bytes(104, 105), "aGk="],
    [bytes(104, 105, 33), "aGkh"],
    [bytes(0xfb, 0xff), "+/8="],
  ])("%j → %s", (input, text) => {
    expect(toBase64(input)).toBe(text);
  });

  it("encodes large inputs (more than one chunk of 32 KiB)", () => {
    const large = new Uint8Array(100_000).map((_, i) => i % 256);
    expect(fromBase64(toBase64(large))).toEqual(large);
  });
});

describe("fromBase64: standard base64, padding optional; anything else undefined", () => {
  it.each([
    ["", bytes()],
    ["aGk=", bytes(104, 105)],
    ["aGk", bytes(104, 105)],
    ["aA==", bytes(104)],
    ["aA", bytes(104)],
    ["aGkh", bytes(104, 105, 33)],
    ["+/8=", bytes(0xfb, 0xff)],
    // Unused low bits of the last character are ignored (the webhook check compares decoded bytes).
    ["aGl=", bytes(104, 105)],
    ["aB==", bytes(104)],
  ])("%j → %j", (text, decoded) => {
    expect(fromBase64(text)).toEqual(decoded);
  });

  it.each([["*"], ["aGk=="], ["a"], ["aGk= "], [" aGk="], ["aG\nk="], ["-_8="], ["aGk=a"], ["a=Gk"], ["===="]])(
    "%j → undefined",
    (text) => {
      expect(fromBase64(text)).toBeUndefined();
    },
  );
});
