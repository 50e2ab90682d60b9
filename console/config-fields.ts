/**
 * The fields the Configuration tab's form edits, grouped, with their labels and kinds (the names
 * are src/projects/types.ts's and validate.ts's). No DOM: the unit tests read them too.
 */

export type FieldKind = "text" | "boolean" | "seconds" | "lines" | "choice" | "json";

export interface FieldSpec {
  path: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  /** `choice`: `[value, label]`; the value `""` is "absent" (the gateway's default). */
  choices?: ReadonlyArray<readonly [string, string]>;
}

const SECONDS = "Seconds, 0 to 31,536,000. Empty: the default.";

/** The form's fields, in groups (src/projects/types.ts and validate.ts name them). */
export const GROUPS: ReadonlyArray<{ legend: string; fields: FieldSpec[] }> = [
  {
    legend: "Origin and defaults",
    fields: [
      { path: "origin", label: "Origin (the project's GraphQL endpoint)", kind: "text" },
      { path: "defaultStage", label: "Default stage", kind: "text" },
      { path: "defaultLocale", label: "Default locale", kind: "text" },
      { path: "introspection", label: "Introspection (learn stages and locales from the schema)", kind: "boolean" },
    ],
  },
  {
    legend: "Cache times",
    fields: [
      { path: "cache.maxAge", label: "Fresh for (maxAge)", kind: "seconds", hint: SECONDS },
      { path: "cache.staleWhileRevalidate", label: "Stale while revalidating", kind: "seconds", hint: SECONDS },
      { path: "cache.staleIfError", label: "Stale if the origin fails", kind: "seconds", hint: SECONDS },
      { path: "cache.browserMaxAge", label: "Browsers' max-age", kind: "seconds", hint: SECONDS },
      { path: "cache.sharedMaxAge", label: "Shared caches' s-maxage", kind: "seconds", hint: SECONDS },
      {
        path: "cache.invalidation",
        label: "Invalidation",
        kind: "choice",
        choices: [
          ["", "by entry (default)"],
          ["model", "by model"],
        ],
      },
    ],
  },
  {
    legend: "Who may call",
    fields: [
      { path: "allowedOrigins", label: "Allowed origins", kind: "lines", hint: 'One per line. Empty: every origin ("*").' },
      { path: "ipRules.allow", label: "IP allow list", kind: "lines", hint: "CIDR blocks, one per line. Empty: every address." },
      { path: "ipRules.deny", label: "IP deny list", kind: "lines", hint: "CIDR blocks, one per line; deny wins." },
      {
        path: "trustedDocuments",
        label: "Trusted documents only",
        kind: "choice",
        choices: [
          ["", "off (default)"],
          ["public", "for the public"],
          ["all", "for everyone"],
        ],
      },
    ],
  },
  {
    legend: "Permissions and the rest (JSON)",
    fields: [
      { path: "publicPermissions", label: "Public permissions (rules)", kind: "json", hint: "A list of rules. Empty: no public access." },
      { path: "roles", label: "Roles (name → rules)", kind: "json", hint: "An object of role names to lists of rules." },
      { path: "jwt", label: "JWT settings", kind: "json", hint: "Empty: no JWT sign-in." },
      { path: "limits", label: "Origin concurrency limits", kind: "json", hint: "Empty: unlimited." },
      { path: "rateLimits", label: "Rate limits", kind: "json", hint: "Empty: unlimited." },
      { path: "audit", label: "Audit settings", kind: "json", hint: "Empty: events kept 90 days." },
    ],
  },
];

/** Every control's path: where an `INVALID_CONFIG` field can be shown. */
export const FORM_FIELDS: readonly string[] = GROUPS.flatMap((group) => group.fields.map((field) => field.path));
