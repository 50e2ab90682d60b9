/**
 * Top operations (issue 23): the day's `/content` operations with the most requests and with the
 * most misses, by name (or the document hash's first 12 characters when unnamed). For a role that
 * may purge, each row has a *Purge* button that invalidates that document's cached answers
 * (`POST …/purge {"documents":[hash]}`), after asking once more (confirm.ts).
 */
import type { TopOperation } from "../src/stats/operations";
import type { Traffic } from "../src/stats/traffic";
import { api, type Session } from "./api";
import { armedButton } from "./confirm";
import { count, errorLine, h, replace } from "./dom";
import { operationTitle } from "./figures";

/** What the traffic panel updates on each refresh. */
export interface TopOperationsView {
  element: HTMLElement;
  /** Shows the view's top operations, unless a Purge is asked or running (a refresh must not undo the question). */
  update(view: Traffic): void;
  /** Shows or hides the Purge buttons (known once `GET /admin/whoami` answered). */
  allowPurge(allowed: boolean): void;
}

/**
 * @example const top = topOperationsView(session); panel.append(top.element); top.update(view);
 */
export function topOperationsView(session: Session): TopOperationsView {
  const tables = h("div", { class: "columns top-operations" }, "Loading…");
  const result = h("div", { id: "top-operations-result", "aria-live": "polite" });
  const element = h(
    "section",
    { id: "top-operations", "aria-label": "Top operations today" },
    h("h2", {}, "Top operations today"),
    tables,
    result,
  );
  let purge = false;
  let last: Traffic | undefined;
  /** A question asked or a purge running: the tables stay as they are until it ends. */
  let busy = false;

  function render(view: Traffic) {
    replace(
      tables,
      table("By requests", "top-operations-requests", view.topOperations.byRequests),
      table("By misses", "top-operations-misses", view.topOperations.byMisses),
    );
  }

  /** A table in its own box, which scrolls should it ever be wider than the screen. */
  function table(caption: string, id: string, rows: readonly TopOperation[]): HTMLElement {
    const head = ["Operation", "Requests", "Misses", ...(purge ? ["Purge"] : [])];
    return h("div", { class: "table-box" }, rowsTable(caption, id, head, rows));
  }

  function rowsTable(caption: string, id: string, head: string[], rows: readonly TopOperation[]): HTMLElement {
    return h(
      "table",
      { class: "data", id },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...head.map((cell) => h("th", { scope: "col" }, cell)))),
      h(
        "tbody",
        {},
        ...(rows.length
          ? rows.map((op) =>
              h(
                "tr",
                { "data-hash": op.documentHash },
                h("td", { class: "operation", title: op.documentHash }, operationTitle(op)),
                h("td", { class: "num" }, count(op.requests)),
                h("td", { class: "num" }, count(op.misses)),
                purge ? h("td", {}, purgeButton(op)) : null,
              ),
            )
          : [h("tr", {}, h("td", { colspan: head.length, class: "muted" }, "None."))]),
      ),
    );
  }

  function purgeButton(op: TopOperation): HTMLButtonElement {
    const name = operationTitle(op);
    const button = armedButton({
      label: "Purge",
      question: "Invalidate its cached answers?",
      className: "purge-operation",
      act: async () => {
        try {
          await api(session, "POST", "/purge", { documents: [op.documentHash] });
          replace(
            result,
            h(
              "p",
              { class: "ok", id: "top-operations-purged" },
              `Invalidated the cached answers of ${name} at ${new Date().toISOString().slice(11, 19)} UTC; its next request goes to the origin.`,
            ),
          );
        } catch (error) {
          replace(result, errorLine(error));
        } finally {
          busy = false;
          if (last) render(last);
        }
      },
    });
    button.setAttribute("aria-label", `Purge ${name}`);
    // The first click asks: from then on, the refreshes leave the tables alone, until the answer
    // or until the question is left (focus elsewhere); the next refresh then redraws them.
    button.addEventListener(
      "click",
      () => {
        busy = true;
        button.setAttribute("aria-label", `Invalidate every cached answer of ${name}? Press again to confirm.`);
      },
      { capture: true },
    );
    button.addEventListener("blur", () => {
      if (!button.disabled) busy = false;
    });
    return button;
  }

  return {
    element,
    update(view) {
      last = view;
      if (!busy) render(view);
    },
    allowPurge(allowed) {
      purge = allowed;
      if (last && !busy) render(last);
    },
  };
}
