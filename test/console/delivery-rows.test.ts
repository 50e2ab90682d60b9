import { describe, expect, it } from "vitest";
import { DELIVERY_COLUMNS, deliveryCells, type Delivery } from "../../console/delivery-rows";

const at = "2026-12-07T14:03:09.512Z";

describe("the webhook delivery log's rows", () => {
  it.each<[string, Delivery, string[]]>([
    [
      "an accepted publish",
      { at, event: "publish", model: "Post", id: "p1", stage: "PUBLISHED", outcome: "accepted", reason: null },
      ["2026-12-07 14:03:09", "publish", "Post", "p1", "PUBLISHED", "accepted", "–"],
    ],
    [
      "a duplicate",
      { at, event: "update", model: "Author", id: "a1", stage: "DRAFT", outcome: "duplicate", reason: null },
      ["2026-12-07 14:03:09", "update", "Author", "a1", "DRAFT", "duplicate", "–"],
    ],
    [
      "a refusal, whose unverified body names nothing",
      { at, event: null, model: null, id: null, stage: null, outcome: "refused", reason: "mismatch" },
      ["2026-12-07 14:03:09", "–", "–", "–", "–", "refused", "mismatch"],
    ],
  ])("%s", (_name, delivery, cells) => {
    expect(deliveryCells(delivery)).toEqual(cells);
    expect(cells).toHaveLength(DELIVERY_COLUMNS.length);
  });
});
