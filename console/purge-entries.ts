/**
 * The Purge tab's narrow purges: entries (a model and an id, or a pasted list) and one operation
 * (a document hash). Each says what it will invalidate and waits for a confirmation, then shows
 * what the gateway purged. `POST …/purge` with `{"entries": [...]}` or `{"documents": [hash]}`
 * (SPEC §5).
 */
import { api, type Session } from "./api";
import { errorLine, h, replace } from "./dom";
import { documentHash, entryProblem, MAX_LIST_ENTRIES, parsePurgeList, type PurgeEntry } from "./purge-list";
import type { SchemaSummary } from "./schema";

/** What `POST …/purge` answers for these purges. */
interface Purged {
  purged: { stages: string[] | "*"; entries?: PurgeEntry[]; documents?: string[] };
}

/** `"*"` → `all stages`, else the names. */
const stagesText = (stages: string[] | "*") => (stages === "*" ? "all stages" : stages.join(", "));
const now = () => `${new Date().toISOString().slice(11, 19)} UTC`;

/**
 * Shows `question` with "Yes, purge" and "Cancel" in `box`; `act` runs on yes. Nothing is sent
 * before the operator says yes.
 */
function confirmIn(box: HTMLElement, id: string, question: string, act: () => Promise<void>): void {
  replace(
    box,
    h("p", {}, question),
    h(
      "button",
      {
        type: "button",
        id: `${id}-confirm`,
        class: "danger",
        onclick: () => {
          box.hidden = true;
          void act();
        },
      },
      "Yes, purge",
    ),
    h("button", { type: "button", id: `${id}-cancel`, onclick: () => (box.hidden = true) }, "Cancel"),
  );
  box.hidden = false;
  box.querySelector("button")?.focus();
}

/** A stage choice: all stages (the default), or one. */
function stageSelect(id: string, stages: string[]): HTMLSelectElement {
  return h("select", { id }, h("option", { value: "" }, "All stages"), ...stages.map((stage) => h("option", { value: stage }, stage)));
}
const stagesOf = (select: HTMLSelectElement) => (select.value ? { stages: [select.value] } : {});

/**
 * The "Purge entries" section: one entry by model and id, or a pasted list (purge-list.ts reads
 * it, every bad line named by its number, before anything is sent).
 *
 * @example section.append(entriesPurge(session, await learnedSchema(session)));
 */
export function entriesPurge(session: Session, schema: SchemaSummary): HTMLElement {
  const model = h("select", { id: "purge-entry-model" }, ...schema.models.map((name) => h("option", { value: name }, name)));
  const id = h("input", {
    id: "purge-entry-id",
    required: true,
    maxlength: 128,
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "e.g. ckadqdbhk00go0130f2fwqstb",
  });
  const stage = stageSelect("purge-entries-stage", schema.stages);
  const list = h("textarea", {
    id: "purge-list",
    rows: 5,
    spellcheck: "false",
    placeholder: "Post ckadqdbhk00go0130f2fwqstb\nAuthor:ckadqdc0w00gz0130vsnfbs9j",
  });
  const problems = h("ul", { id: "purge-list-problems", class: "error problems", role: "alert", hidden: true });
  const confirmBox = h("div", { id: "purge-entries-confirmation", class: "confirm", hidden: true });
  const result = h("div", { id: "purge-entries-result", "aria-live": "polite" });

  function ask(entries: PurgeEntry[]) {
    const what = entries.length === 1 ? `${entries[0]!.model} ${entries[0]!.id}` : `${entries.length} entries`;
    const where = stage.value || "every stage";
    confirmIn(
      confirmBox,
      "purge-entries",
      `Invalidate the cached answers that depend on ${what} in ${where}, and their models' lists?`,
      () => purge(entries),
    );
  }

  async function purge(entries: PurgeEntry[]) {
    try {
      const { purged } = await api<Purged>(session, "POST", "/purge", { entries, ...stagesOf(stage) });
      const done = purged.entries ?? entries;
      replace(
        result,
        h(
          "p",
          { class: "ok", id: "purge-entries-done" },
          `Invalidated ${done.length === 1 ? "1 entry" : `${done.length} entries`} in ${stagesText(purged.stages)} at ${now()}:`,
        ),
        h(
          "ul",
          { id: "purge-entries-purged", class: "purged" },
          ...done.map((entry) => h("li", {}, h("code", {}, `${entry.model} ${entry.id}`))),
        ),
      );
    } catch (error) {
      replace(result, errorLine(error));
    }
  }

  function one(event: Event) {
    event.preventDefault();
    problems.hidden = true;
    const entry = { model: model.value, id: id.value.trim() };
    const problem = entryProblem(entry, schema.models);
    if (problem) return show([problem]);
    ask([entry]);
  }

  function pasted(event: Event) {
    event.preventDefault();
    const { entries, problems: found } = parsePurgeList(list.value, schema.models);
    if (found.length) return show(found.map((p) => p.message));
    problems.hidden = true;
    ask(entries);
  }

  function show(messages: string[]) {
    confirmBox.hidden = true;
    replace(result);
    replace(problems, ...messages.map((message) => h("li", {}, message)));
    problems.hidden = false;
  }

  return h(
    "section",
    { id: "purge-entries", class: "purge-section", "aria-labelledby": "purge-entries-heading" },
    h("h3", { id: "purge-entries-heading" }, "Purge entries"),
    h(
      "p",
      { class: "muted" },
      "Only the cached answers that depend on these entries, and their models' lists — what a webhook for each entry would invalidate. Other entries' answers stay cached.",
    ),
    h(
      "form",
      { id: "purge-entry-form", class: "filters", onsubmit: one },
      h("label", {}, "Model", model),
      h("label", {}, "Entry id", id),
      h("label", {}, "Stage", stage),
      h("div", { class: "row" }, h("button", { type: "submit", id: "purge-entry-submit", class: "danger" }, "Purge entry…")),
    ),
    h(
      "form",
      { id: "purge-list-form", class: "stack wide", onsubmit: pasted },
      h(
        "label",
        {},
        `Or paste a list: one "Model id" or "Model:id" per line, or JSON [{"model", "id"}] (at most ${MAX_LIST_ENTRIES})`,
        list,
      ),
      h("div", { class: "row" }, h("button", { type: "submit", id: "purge-list-submit", class: "danger" }, "Purge list…")),
    ),
    problems,
    confirmBox,
    result,
  );
}

/**
 * The "Purge one operation" section: every cached answer of one GraphQL document (any variables,
 * any permissions), by its SHA-256 hash (what APQ's `sha256Hash` and the top operations show).
 *
 * @example section.append(documentPurge(session, schema));
 */
export function documentPurge(session: Session, schema: SchemaSummary): HTMLElement {
  const hash = h("input", {
    id: "purge-document",
    required: true,
    maxlength: 80,
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "64 hex characters",
  });
  const stage = stageSelect("purge-document-stage", schema.stages);
  const confirmBox = h("div", { id: "purge-document-confirmation", class: "confirm", hidden: true });
  const result = h("div", { id: "purge-document-result", "aria-live": "polite" });

  function ask(event: Event) {
    event.preventDefault();
    const document = documentHash(hash.value);
    if (!document) {
      confirmBox.hidden = true;
      replace(
        result,
        h("p", { class: "error", role: "alert" }, "A document hash is 64 hexadecimal characters: the SHA-256 of the query text."),
      );
      return;
    }
    replace(result);
    confirmIn(
      confirmBox,
      "purge-document",
      `Invalidate every cached answer of operation ${document} in ${stage.value || "every stage"}?`,
      () => purge(document),
    );
  }

  async function purge(document: string) {
    try {
      const { purged } = await api<Purged>(session, "POST", "/purge", { documents: [document], ...stagesOf(stage) });
      replace(
        result,
        h(
          "p",
          { class: "ok", id: "purge-document-done" },
          `Invalidated the cached answers of operation `,
          h("code", {}, (purged.documents ?? [document]).join(", ")),
          ` in ${stagesText(purged.stages)} at ${now()}.`,
        ),
      );
    } catch (error) {
      replace(result, errorLine(error));
    }
  }

  return h(
    "section",
    { id: "purge-operation", class: "purge-section", "aria-labelledby": "purge-operation-heading" },
    h("h3", { id: "purge-operation-heading" }, "Purge one operation"),
    h(
      "p",
      { class: "muted" },
      "Every cached answer of one query document, whatever its variables and permissions. Its hash is the SHA-256 of the query text, as persisted queries (APQ) send it.",
    ),
    h(
      "form",
      { id: "purge-document-form", class: "filters", onsubmit: ask },
      h("label", {}, "Document hash (SHA-256)", hash),
      h("label", {}, "Stage", stage),
      h("div", { class: "row" }, h("button", { type: "submit", id: "purge-document-submit", class: "danger" }, "Purge operation…")),
    ),
    confirmBox,
    result,
  );
}
