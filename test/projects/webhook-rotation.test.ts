import { describe, expect, it } from "vitest";
import type { ProjectConfig } from "../../src/projects/types";
import { validateProjectConfig } from "../../src/projects/validate";
import {
  activePreviousSecret,
  keepRotation,
  newWebhookSecret,
  rotateWebhookSecret,
  rotationStatus,
} from "../../src/projects/webhook-rotation";

const T = Date.UTC(2026, 0, 1);
const OLD = "the-old-secret-0123456789";
const base = validateProjectConfig({ origin: "https://api.example.com/graphql", webhookSecret: OLD });

describe("webhook secret rotation", () => {
  it("generates 43 base64url characters (256 random bits), different each time", () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it("keeps the replaced secret for the grace period, then stops (now < validUntil)", () => {
    const { config, previousValidUntil } = rotateWebhookSecret(base, "the-new-secret-0123456789", 60, T);
    expect(config.webhookSecret).toBe("the-new-secret-0123456789");
    expect(previousValidUntil).toBe(T + 60_000);
    expect(activePreviousSecret(config, T + 59_999)?.secret).toBe(OLD);
    expect(activePreviousSecret(config, T + 60_000)).toBeUndefined();
    expect(rotationStatus(config, T)).toEqual({ previousValidUntil: "2026-01-01T00:01:00.000Z" });
    expect(rotationStatus(config, T + 60_000)).toBeUndefined();
  });

  it.each<[string, ProjectConfig, number]>([
    ["a grace of 0", base, 0],
    ["no secret to replace", validateProjectConfig({ origin: "https://api.example.com/graphql" }), 3600],
  ])("keeps nothing with %s", (_label, config, grace) => {
    const rotated = rotateWebhookSecret(config, "the-new-secret-0123456789", grace, T);
    expect(rotated.previousValidUntil).toBeNull();
    expect(rotated.config).not.toHaveProperty("webhookSecretPrevious");
  });

  it("a configuration built by a rotation passes validation as stored, and a body cannot carry its state", () => {
    const { config } = rotateWebhookSecret(base, "the-new-secret-0123456789", 60, T);
    expect(validateProjectConfig(config, { stored: true })).toEqual(config);
    expect(() => validateProjectConfig(config)).toThrow(expect.objectContaining({ extensions: { field: "webhookSecretPrevious" } }));
  });

  it.each<[string, unknown, string]>([
    ["a short secret", { secret: "short", validUntil: T }, "webhookSecretPrevious.secret"],
    ["a time as text", { secret: OLD, validUntil: "2026-01-01" }, "webhookSecretPrevious.validUntil"],
    ["an unknown member", { secret: OLD, validUntil: T, note: 1 }, "webhookSecretPrevious.note"],
    ["a list", [OLD], "webhookSecretPrevious"],
  ])("refuses a stored rotation state with %s", (_label, previous, field) => {
    expect(() => validateProjectConfig({ ...base, webhookSecretPrevious: previous }, { stored: true })).toThrow(
      expect.objectContaining({ extensions: { field } }),
    );
  });

  it("a replacement configuration keeps a running rotation only with the same current secret", () => {
    const { config: rotated } = rotateWebhookSecret(base, "the-new-secret-0123456789", 60, T);
    const same = validateProjectConfig({ origin: "https://api.example.com/graphql", webhookSecret: "the-new-secret-0123456789" });
    const other = validateProjectConfig({ origin: "https://api.example.com/graphql", webhookSecret: "another-secret-0123456789" });
    expect(keepRotation(same, rotated, T).webhookSecretPrevious).toEqual({ secret: OLD, validUntil: T + 60_000 });
    expect(keepRotation(same, rotated, T + 60_000)).not.toHaveProperty("webhookSecretPrevious");
    expect(keepRotation(other, rotated, T)).not.toHaveProperty("webhookSecretPrevious");
    expect(keepRotation(same, null, T)).not.toHaveProperty("webhookSecretPrevious");
  });
});
