import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { gatewayConfig } from "../../src/config/gateway-config";
import { analyticsEngineSink, isDataPointWriter } from "../../src/stats/analytics-engine";
import { valueOf } from "../../src/stats/latency";

/** Analytics Engine does not run here; a writer that records the data points stands in for the binding. */
function recordingDataset(options: { throws?: boolean } = {}) {
  const points: unknown[] = [];
  return {
    points,
    writeDataPoint(point: unknown) {
      if (options.throws) throw new Error("bad binding");
      points.push(point);
    },
  };
}

describe("Analytics Engine sink", () => {
  it("writes one data point per minute: index project/env, blobs project, env, minute; doubles: counters, quantiles, origin count", () => {
    const dataset = recordingDataset();
    const shown = (index: number) => Math.round(valueOf(index) * 100) / 100;
    analyticsEngineSink(dataset).write({ projectId: "demo", environment: "master" }, [
      {
        minute: Date.UTC(2026, 0, 1, 10, 5),
        counts: [3, 1, 0, 2, 0, 1, 4, 5, 2],
        latency: [{ "0": 3 }, { "30": 2, "40": 1 }, { "28": 1 }],
      },
      { minute: Date.UTC(2026, 0, 1, 10, 6), counts: [1] },
    ]);
    expect(dataset.points).toEqual([
      {
        indexes: ["demo/master"],
        blobs: ["demo", "master", "2026-01-01T10:05:00.000Z"],
        //         counters (COUNTERS order)  hits p50/95/99  misses p50/95/99                origin p50/95/99                  origin count
        doubles: [3, 1, 0, 2, 0, 1, 4, 5, 2, 0, 0, 0, shown(30), shown(40), shown(40), shown(28), shown(28), shown(28), 1],
      },
      {
        indexes: ["demo/master"],
        blobs: ["demo", "master", "2026-01-01T10:06:00.000Z"],
        doubles: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      },
    ]);
  });

  it("never fails a flush when the binding throws", () => {
    expect(() =>
      analyticsEngineSink(recordingDataset({ throws: true })).write({ projectId: "p", environment: "e" }, [{ minute: 0, counts: [1] }]),
    ).not.toThrow();
  });

  it("recognizes a dataset binding", () => {
    expect(isDataPointWriter(recordingDataset())).toBe(true);
    expect(isDataPointWriter({})).toBe(false);
    expect(isDataPointWriter("ANALYTICS")).toBe(false);
  });

  it("is configured once from ANALYTICS and STATS_FLUSH_MS, and a bad binding or interval fails loudly", async () => {
    const dataset = recordingDataset();
    expect((await gatewayConfig({ CONFIG: env.CONFIG, AUTHORITY: env.AUTHORITY, ANALYTICS: dataset as never })).stats.analytics).toBe(
      dataset,
    );
    const config = await gatewayConfig({ CONFIG: env.CONFIG, AUTHORITY: env.AUTHORITY });
    // Flushed to the project authorities (the same client the rest of the gateway uses), never KV.
    expect(config.stats).toEqual({ analytics: null, flushIntervalMs: 5_000, authority: config.authority });
    expect((await gatewayConfig({ CONFIG: env.CONFIG, AUTHORITY: env.AUTHORITY, STATS_FLUSH_MS: "60000" })).stats.flushIntervalMs).toBe(
      60_000,
    );
    await expect(gatewayConfig({ CONFIG: env.CONFIG, AUTHORITY: env.AUTHORITY, STATS_FLUSH_MS: "10" })).rejects.toThrow("STATS_FLUSH_MS");
    await expect(gatewayConfig({ CONFIG: env.CONFIG, AUTHORITY: env.AUTHORITY, ANALYTICS: "oops" as never })).rejects.toThrow("ANALYTICS");
  });
});
