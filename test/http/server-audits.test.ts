import { serverAudits } from "graphql-http";
import { beforeAll, describe, expect, it } from "vitest";
import { demoProject, gateway } from "../support/gateway";

/**
 * graphql-http's own GraphQL-over-HTTP audits against `/content`: every MUST passes. (SHOULD
 * audits are reported by the package too; we keep our typed 4xx statuses for legacy
 * `application/json` clients, which only a SHOULD asks to be 200.)
 */
let url = "";
beforeAll(async () => {
  const { content } = await demoProject();
  url = `http://gateway.test${content}`;
});

const audits = serverAudits({
  url: () => url,
  fetchFn: (input: RequestInfo | URL, init?: RequestInit) => gateway(input instanceof Request ? input.url : String(input), init),
});

describe("GraphQL-over-HTTP MUST audits on /content", () => {
  it.each(audits.filter((audit) => audit.name.startsWith("MUST")).map((audit) => [audit.id, audit.name, audit] as const))(
    "%s %s",
    async (_id, _name, audit) => {
      const result = await audit.fn();
      expect(result.status, "response" in result ? JSON.stringify(result.reason) : "").toBe("ok");
    },
  );
});
