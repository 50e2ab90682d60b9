import { describe, expect, it } from "vitest";
import { metaParts, responseMeta, serverTiming, type TimingMetric } from "../../explorer/response-meta";

describe("the explorer's answer bar", () => {
  it.each<[string, string | null, TimingMetric[]]>([
    ["absent", null, []],
    ["the gateway's hit", 'cache;desc="HIT";dur=0.4', [{ name: "cache", dur: 0.4, desc: "HIT" }]],
    [
      "the gateway's miss with the origin's time",
      'cache;desc="MISS";dur=131.2, origin;dur=120',
      [
        { name: "cache", dur: 131.2, desc: "MISS" },
        { name: "origin", dur: 120, desc: null },
      ],
    ],
    ["a metric without parameters", "edge", [{ name: "edge", dur: null, desc: null }]],
    ["a dur that is not a number", "cache;dur=fast", [{ name: "cache", dur: null, desc: null }]],
    ["a nameless metric is skipped", ";dur=3, ok;dur=1", [{ name: "ok", dur: 1, desc: null }]],
    ["a quoted desc with a comma-free escape", 'cache;desc="a\\"b"', [{ name: "cache", dur: null, desc: 'a"b' }]],
  ])("reads Server-Timing: %s", (_name, header, metrics) => {
    expect(serverTiming(header)).toEqual(metrics);
  });

  it("reads at most 8 metrics from a long header", () => {
    expect(serverTiming(Array.from({ length: 50 }, (_, i) => `m${i};dur=${i}`).join(", "))).toHaveLength(8);
  });

  it.each<[string, Record<string, string>, Array<[string, string]>]>([
    [
      "a HIT",
      { "x-cache": "HIT", age: "3", "server-timing": 'cache;desc="HIT";dur=0.4' },
      [
        ["HTTP", "200"],
        ["x-cache", "HIT"],
        ["age", "3 s"],
        ["Server-Timing", "cache 0.4 ms"],
      ],
    ],
    [
      "a MISS",
      { "x-cache": "MISS", "server-timing": 'cache;desc="MISS";dur=125.25, origin;dur=120' },
      [
        ["HTTP", "200"],
        ["x-cache", "MISS"],
        ["age", "–"],
        ["Server-Timing", "cache 125.3 ms, origin 120 ms"],
      ],
    ],
    [
      "a /v2 answer (never cached)",
      {},
      [
        ["HTTP", "200"],
        ["x-cache", "–"],
        ["age", "–"],
        ["Server-Timing", "–"],
      ],
    ],
    [
      "an age that is not a number",
      { age: "soon" },
      [
        ["HTTP", "200"],
        ["x-cache", "–"],
        ["age", "–"],
        ["Server-Timing", "–"],
      ],
    ],
  ])("shows %s", (_name, headers, parts) => {
    expect(metaParts(responseMeta(200, new Headers(headers)))).toEqual(parts);
  });
});
