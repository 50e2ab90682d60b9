import { describe, expect, it } from "vitest";
import { chartWidth, ms, operationTitle } from "../../console/figures";

describe("what the Traffic tab prints of latency and operations", () => {
  it.each<[number | null, string]>([
    [null, "–"],
    [0, "0.00 ms"],
    [0.98, "0.98 ms"],
    [37.62, "37.6 ms"],
    [112.3, "112 ms"],
    [54_795.4, "54,795 ms"],
  ])("shows %s as %s", (value, shown) => expect(ms(value)).toBe(shown));

  it.each([
    [0, 760, "not laid out yet: the default"],
    [1_240.6, 1_240, "a wide card: its width"],
    [342, 342, "a phone: its width"],
    [120, 300, "narrower than a chart can be: the minimum, scrolled inside its box"],
  ])("draws a chart in a box %d px wide at %d units (%s)", (box, width) => expect(chartWidth(box)).toBe(width));

  it.each([
    [{ documentHash: "ab".repeat(32), operationName: "Posts" }, "Posts"],
    [{ documentHash: "ab".repeat(32), operationName: null }, "abababababab…"],
  ])("names an operation by its name, else its hash's first 12 digits", (op, title) => expect(operationTitle(op)).toBe(title));
});
