/**
 * Which configured projects the landing page may name: only those whose endpoints anyone can
 * already use, that is with public read rules and introspection on (their explorer works without a
 * token). A project that needs a token is not listed, so the page reveals nothing about it — not
 * even that it exists. At most `limit` configurations are read per call (the page itself is cached
 * for nothing, but the directory behind it is asked at most once a second per isolate).
 */
import type { ProjectConfig, ProjectRef } from "../projects/types";

/** What the filter needs: the directory's names, and a project's configuration. */
export interface PublicProjectsDeps {
  list: () => Promise<string[]>;
  get: (ref: ProjectRef) => Promise<ProjectConfig | null>;
}

/**
 * The `<projectId>/<environment>` names of public, explorable projects, in directory order.
 *
 * @example
 * await publicProjects({ list: () => directory.list(), get: (ref) => store.get(ref) }, 50); // ["demo/master"]
 */
export async function publicProjects(deps: PublicProjectsDeps, limit: number): Promise<string[]> {
  const names = (await deps.list()).slice(0, limit);
  const configs = await Promise.all(
    names.map(async (name) => {
      const [projectId, environment] = name.split("/");
      if (!projectId || !environment) return null;
      return deps.get({ projectId, environment }).catch(() => null);
    }),
  );
  return names.filter((_, i) => {
    const config = configs[i];
    return Boolean(config && config.introspection && config.publicPermissions.length > 0);
  });
}
