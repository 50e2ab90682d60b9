/**
 * The header's project switcher: a combobox (an input with a datalist) that searches the same
 * list as the projects view (`GET /admin/projects?search=…`) as the operator types, and opens
 * the chosen project on the same tab, in the same session — no second sign-in.
 */
import { adminApi, type Credentials } from "./api";
import { h } from "./dom";
import { projectListPath, SEARCH_DEBOUNCE_MS, type ProjectPage } from "./projects";
import { parseProjectName } from "./route";

/** How many suggestions the switcher offers. */
const SUGGESTIONS = 20;

/**
 * A form holding the switcher. `current`: the open project (`null` on the projects list);
 * `open` is called with the chosen project.
 *
 * @example header.append(projectSwitcher(credentials, "demo/master", (p) => (location.hash = routeHash({ view: "project", ...p, tab }))));
 */
export function projectSwitcher(
  credentials: Credentials,
  current: string | null,
  open: (project: { projectId: string; environment: string }) => void,
): HTMLFormElement {
  const options = h("datalist", { id: "project-options" });
  const input = h("input", {
    id: "project-switcher",
    type: "text",
    value: current ?? "",
    list: "project-options",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "project/environment",
    "aria-label": "Switch project (project/environment)",
    "aria-describedby": "project-switcher-status",
  });
  const status = h("span", { id: "project-switcher-status", class: "visually-hidden", "aria-live": "polite" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;

  function choose() {
    const project = parseProjectName(input.value);
    if (!project) {
      input.setAttribute("aria-invalid", "true");
      status.textContent = "Type a project as project/environment, e.g. demo/master.";
      return;
    }
    input.removeAttribute("aria-invalid");
    status.textContent = "";
    if (`${project.projectId}/${project.environment}` !== current) open(project);
  }

  async function suggest() {
    const mine = ++generation;
    try {
      const page = await adminApi<ProjectPage>(credentials, "GET", projectListPath(input.value, undefined, SUGGESTIONS));
      if (mine !== generation) return;
      options.replaceChildren(...page.projects.map((p) => h("option", { value: `${p.projectId}/${p.environment}` }, p.origin ?? "")));
    } catch {
      // Suggestions are a convenience: a failed look-up leaves typing the name working.
    }
  }

  input.addEventListener("focus", () => {
    input.select();
    if (!options.firstChild) void suggest();
  });
  input.addEventListener("input", (event) => {
    clearTimeout(timer);
    // A suggestion picked from the list is a choice; typing is a search.
    if ((event as InputEvent).inputType === "insertReplacementText" || !(event as InputEvent).inputType) {
      if ([...options.options].some((option) => option.value === input.value)) return choose();
    }
    timer = setTimeout(() => void suggest(), SEARCH_DEBOUNCE_MS);
  });
  return h(
    "form",
    {
      id: "project-switch",
      role: "search",
      "aria-label": "Project",
      onsubmit: (event: Event) => {
        event.preventDefault();
        choose();
      },
    },
    input,
    options,
    h("button", { type: "submit", id: "project-switch-go" }, "Open"),
    status,
  );
}
