import { NotFoundError } from "../errors";
import type { WaitUntil } from "../platform/wait-until";
import { projectStore, type ProjectStoreDeps } from "./store";
import type { ProjectConfig, ProjectRef } from "./types";

/**
 * The project's configuration, or `404 NOT_FOUND` naming it: every admin route below a project
 * answers the same way for a project that is not configured.
 *
 * @example const project = await requireProject(config, { projectId: "demo", environment: "master" }, waitUntil);
 */
export async function requireProject(
  config: Pick<ProjectStoreDeps, "kv" | "authority">,
  ref: ProjectRef,
  waitUntil: WaitUntil,
): Promise<ProjectConfig> {
  const project = await projectStore({ kv: config.kv, authority: config.authority, waitUntil }).get(ref);
  if (!project) throw new NotFoundError(`No project ${ref.projectId}/${ref.environment} is configured.`);
  return project;
}
