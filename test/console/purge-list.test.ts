import { describe, expect, it } from "vitest";
import { documentHash, MAX_LIST_ENTRIES, MAX_PROBLEMS, parsePurgeList, type PurgeEntry } from "../../console/purge-list";
import { parsePurgeBody } from "../../src/admin/purge";

const MODELS = ["Post", "Author", "Page"];

describe("the Purge tab's pasted list", () => {
  it.each<[string, string, PurgeEntry[]]>([
    ["one entry, model and id", "Post p1", [{ model: "Post", id: "p1" }]],
    ["Model:id", "Author:a1", [{ model: "Author", id: "a1" }]],
    [
      "Model: id and Model :id",
      "Post: p1\nPage :x",
      [
        { model: "Post", id: "p1" },
        { model: "Page", id: "x" },
      ],
    ],
    ["an id with colons", "Post:urn:x:1", [{ model: "Post", id: "urn:x:1" }]],
    [
      "blank lines, comments, spaces and CRLF",
      "\r\n# from the CMS\r\n  Post   p1  \r\n\r\nAuthor a1\r\n",
      [
        { model: "Post", id: "p1" },
        { model: "Author", id: "a1" },
      ],
    ],
    [
      "a repeated entry once",
      "Post p1\nPost:p1\nPost p2",
      [
        { model: "Post", id: "p1" },
        { model: "Post", id: "p2" },
      ],
    ],
    [
      "JSON",
      '[{"model":"Post","id":"p1"},\n {"model":"Author","id":"a1"}]',
      [
        { model: "Post", id: "p1" },
        { model: "Author", id: "a1" },
      ],
    ],
    ["Hygraph's ids", "Post ckadqdbhk00go0130f2fwqstb", [{ model: "Post", id: "ckadqdbhk00go0130f2fwqstb" }]],
    [
      "exactly the most at once",
      Array.from({ length: MAX_LIST_ENTRIES }, (_, i) => `Post p${i}`).join("\n"),
      Array.from({ length: MAX_LIST_ENTRIES }, (_, i) => ({ model: "Post", id: `p${i}` })),
    ],
  ])("reads %s", (_name, text, entries) => {
    expect(parsePurgeList(text, MODELS)).toEqual({ entries, problems: [] });
    // What the console sends, the gateway takes as the same entries.
    expect(parsePurgeBody(JSON.stringify({ entries })).entries).toEqual(entries);
  });

  it.each<[string, string, Array<[number | null, string]>]>([
    ["an empty list", "  \n\n ", [[null, "The list is empty"]]],
    ["only comments", "# nothing\n", [[null, "The list names no entry."]]],
    ["three words", "Post p1\nPost p2 extra", [[2, 'Line 2: expected "Model id" or "Model:id".']]],
    ["a model alone", "Post p1\n\nAuthor", [[3, 'Line 3: expected "Model id" or "Model:id".']]],
    ["a bad model name", "Post p1\n1Post p2", [[2, 'Line 2: "1Post" is not a model name.']]],
    ["an id too long", `Post ${"x".repeat(129)}`, [[1, 'Line 1: "xxxx']]],
    ["an id with a non-ASCII character", "Post pé", [[1, 'Line 1: "pé" is not an entry id']]],
    ["a model the schema does not have", "Post p1\nPots p2", [[2, 'Line 2: no model "Pots" in the schema (Post, Author, Page).']]],
    [
      "every bad line, each with its number",
      "Post p1\nbad\nPost p2\nalso bad line",
      [
        [2, "Line 2:"],
        [4, "Line 4:"],
      ],
    ],
    [
      "broken JSON, with the line of the error",
      '[{"model":"Post","id":"p1"},\n{"model":"Post" "id":"p2"}]',
      [[2, "Line 2: not valid JSON"]],
    ],
    [
      "JSON that is not a list of entries",
      '[{"model":"Post"}, ["Post","p2"], {"model":"Post","id":"p3","stage":"DRAFT"}]',
      [
        [null, "Item 1:"],
        [null, "Item 2:"],
        [null, "Item 3:"],
      ],
    ],
    ["a JSON entry with a bad model", '[{"model":"Post-x","id":"p1"}]', [[null, 'Item 1: "Post-x" is not a model name.']]],
    [
      "one more than the most at once",
      Array.from({ length: MAX_LIST_ENTRIES + 1 }, (_, i) => `Post p${i}`).join("\n"),
      [[null, `At most ${MAX_LIST_ENTRIES} entries at once; this list has ${MAX_LIST_ENTRIES + 1}.`]],
    ],
    ["a paste far too long", "Post p1\n".repeat(10_000), [[null, "The list is longer than 64 KiB"]]],
  ])("refuses %s, naming each problem, and purges nothing", (_name, text, expected) => {
    const { entries, problems } = parsePurgeList(text, MODELS);
    expect(entries).toEqual([]);
    expect(problems).toEqual(expected.map(([line, start]) => ({ line, message: expect.stringContaining(start) })));
  });

  it(`reports at most ${MAX_PROBLEMS} problems, then how many more`, () => {
    const { problems } = parsePurgeList(Array.from({ length: 30 }, () => "bad").join("\n"));
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems.at(-1)?.message).toBe("… and 10 more problems.");
  });

  it("takes any model name without the schema's list (the gateway judges it)", () => {
    expect(parsePurgeList("Pots p2").entries).toEqual([{ model: "Pots", id: "p2" }]);
  });

  it.each<[string, string]>([
    ["a bad model name", "1Post"],
    ["a model with a dash", "Post-x"],
  ])("refuses what the gateway refuses too: %s", (_name, model) => {
    expect(parsePurgeList(`${model} p1`).problems).toHaveLength(1);
    expect(() => parsePurgeBody(JSON.stringify({ entries: [{ model, id: "p1" }] }))).toThrow();
  });
  it.each<[string, string]>([
    ["an id too long", "x".repeat(129)],
    ["a non-ASCII id", "pé"],
  ])("refuses what the gateway refuses too: %s", (_name, id) => {
    expect(parsePurgeList(`Post ${id}`).problems).toHaveLength(1);
    expect(() => parsePurgeBody(JSON.stringify({ entries: [{ model: "Post", id }] }))).toThrow();
  });
});

describe("the Purge tab's document hash", () => {
  const hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  it.each<[string, string, string | null]>([
    ["a hash", hash, hash],
    ["capitals and spaces", ` ${hash.toUpperCase()}\n`, hash],
    ["one character short", hash.slice(1), null],
    ["not hex", `${hash.slice(1)}g`, null],
    ["a query", "{ posts { title } }", null],
    ["nothing", "", null],
  ])("%s", (_name, text, expected) => {
    expect(documentHash(text)).toBe(expected);
  });
});
