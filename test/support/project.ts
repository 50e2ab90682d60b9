import { DEFAULT_CACHE } from "../../src/projects/validate";
import type { ProjectConfig } from "../../src/projects/types";
import { knowledge, schema } from "../fixtures/schema";

/** A project configuration for pure tests: PUBLISHED and en by default, nothing public. */
export const TEST_PROJECT: ProjectConfig = {
  origin: "https://origin.test/graphql",
  defaultStage: "PUBLISHED",
  defaultLocale: "en",
  introspection: true,
  publicPermissions: [],
  roles: {},
  cache: DEFAULT_CACHE,
};

/** The fixture schema as the pipeline knows it (`KnownSchema`). */
export const FIXTURE_KNOWN = { knowledge, schema, fetchedAt: 0 };
