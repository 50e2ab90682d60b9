/**
 * The forward guard (SPEC §3a: "what leaves is what was authorised"). Just before a request goes
 * to the origin, the exact body and `gcms-*` headers about to be sent are parsed again, validated
 * against the origin's schema and analysed again by the same code that made the decision. Their
 * touches must be a subset of the authorised touches, and nothing unclassified may appear that
 * was not let through. A mismatch can only be a bug in the gateway's own rewriting (conditions,
 * pinned stage and locales, pruning), so it is a 500 `INTERNAL_GUARD_REJECTED`: logged, nothing
 * sent, nothing cached. It runs on every origin call (misses, refreshes, `/v2`), never on a hit,
 * which reuses an answer that already passed it.
 */
import { parse, validate } from "graphql";
import { ForwardGuardError, GatewayError } from "../errors";
import type { ProjectConfig } from "../projects/types";
import type { KnownSchema } from "../schema/store";
import { analyseOperation } from "./analyse";
import { member, scopeNames } from "./scope";
import { touchKey, type Touch } from "./touches";

/** What the decision allowed: the bound the forwarded request is held to. */
export interface AuthorisedBound {
  kind: "query" | "mutation" | "subscription";
  touches: readonly Touch[];
  /** What the rule conditions the gateway AND-ed in read (pipeline/authorise.ts): sent by the gateway, so allowed. */
  conditionReads?: readonly Touch[];
  unclassified: readonly string[];
}

export interface ForwardGuardInput {
  known: KnownSchema;
  project: ProjectConfig;
  authorised: AuthorisedBound;
  /** The exact JSON body and headers about to be sent. */
  body: string;
  headers: Headers;
}

/**
 * Throws unless the forwarded request touches only what was authorised.
 *
 * @throws ForwardGuardError (500 `INTERNAL_GUARD_REJECTED`); the details go to the log only.
 * @example
 * guardForwarded({ known, project, authorised: allowed, body, headers }); // returns, or throws before any fetch
 */
export function guardForwarded(input: ForwardGuardInput): void {
  const problem = findProblem(input);
  if (!problem) return;
  // Names, touches and fields only: never the body, variables or credentials.
  console.error("content-edge: forward guard refused a request to the origin:", problem);
  throw new ForwardGuardError("The gateway refused to send a request it had not authorised. This is a gateway bug; nothing was sent.");
}

function findProblem(input: ForwardGuardInput): string | null {
  const { known, project, authorised } = input;
  let sent: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    sent = JSON.parse(input.body) as typeof sent;
  } catch {
    return "the body is not JSON";
  }
  if (typeof sent.query !== "string") return "the body has no query";
  const variables = sent.variables === undefined || sent.variables === null ? null : (sent.variables as Record<string, unknown>);
  const operationName = typeof sent.operationName === "string" ? sent.operationName : null;
  let document;
  try {
    document = parse(sent.query);
  } catch {
    return "the document does not parse";
  }
  const invalid = validate(known.schema, document, undefined, { maxErrors: 1 })[0];
  if (invalid) return `the document is invalid: ${invalid.message}`;

  const names = scopeNames(known.knowledge, project);
  let stage: string;
  let locales: string[];
  try {
    stage = member("stage", input.headers.get("gcms-stage") ?? "", names.stages, { header: "gcms-stage" });
    locales = (input.headers.get("gcms-locales") ?? "")
      .split(",")
      .map((locale) => member("locale", locale, names.locales, { header: "gcms-locales" }));
  } catch {
    return "a gcms-stage or gcms-locales header is not an enum member";
  }

  let analysis;
  try {
    analysis = analyseOperation({
      knowledge: known.knowledge,
      schema: known.schema,
      document,
      operationName,
      variables,
      defaults: { stage, locales, baseLocale: project.defaultLocale },
    });
  } catch (error) {
    return `the document cannot be analysed: ${error instanceof GatewayError ? error.message : "unexpected error"}`;
  }
  if (analysis.kind !== authorised.kind) return `a ${analysis.kind} was sent for an authorised ${authorised.kind}`;
  const extraFields = analysis.unclassified.filter((u) => !authorised.unclassified.includes(u.field)).map((u) => u.field);
  if (extraFields.length > 0) return `unclassified fields that were not authorised: ${extraFields.join(", ")}`;
  // Argument reads count here too (analyse.ts): a filter the rewrite added or widened is caught.
  const allowed = new Set([...authorised.touches, ...(authorised.conditionReads ?? [])].map(touchKey));
  const extra = analysis.touches.filter((touch) => !allowed.has(touchKey(touch)));
  if (extra.length > 0)
    return `touches that were not authorised: ${extra.map((t) => `${t.action} ${t.model} ${t.stage} ${t.locale}`).join("; ")}`;
  return null;
}
