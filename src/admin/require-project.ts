import { NotFoundError } from "../errors";
import { kvProjectStore } from "../projects/store";
import type { ProjectConfig, ProjectRef } from "../projects/types";

/**
 * The project's configuration, or `404 NOT_FOUND` naming it: every admin route below a project
 * answers the same way for a project that is not configured.
 *
 * @example const project = await requireProject(kv, { projectId: "demo", environment: "master" });
 */
export async function requireProject(kv: KVNamespace, ref: ProjectRef): Promise<ProjectConfig> {
  const project = await kvProjectStore(kv).get(ref);
  if (!project) throw new NotFoundError(`No project ${ref.projectId}/${ref.environment} is configured.`);
  return project;
}
