// The requests a website makes to Content Edge from the browser, from another origin. Each row
// says whether the browser let the page read the answer, and what the exposed headers said.
const params = new URLSearchParams(location.search);
const gateway = params.get("gateway");
const project = params.get("project") || "demo/master";
const token = params.get("token");
const content = `${gateway}/content/${project}`;
const v2 = `${gateway}/v2/${project}`;
const query = "{ posts(first: 2) { title stage locale } }";
const json = (body) => JSON.stringify(body);

const requests = [
  ["POST JSON", () => fetch(content, { method: "POST", headers: { "content-type": "application/json" }, body: json({ query }) })],
  ["GET ?query=", () => fetch(`${content}?query=${encodeURIComponent(query)}`)],
  [
    "POST with a Bearer preview token",
    () =>
      fetch(content, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: json({ query }),
      }),
  ],
  [
    "GET with gcms-stage (and gcms-locales)",
    () => fetch(`${content}?query=${encodeURIComponent(query)}`, { headers: { "gcms-stage": "PUBLISHED", "gcms-locales": "de" } }),
  ],
  [
    "POST JSON to /v2",
    () =>
      fetch(v2, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: json({ query: "{ authors(first: 1) { name } }" }),
      }),
  ],
].filter(([name]) => token || !name.includes("token"));

async function run([name, send]) {
  try {
    const response = await send();
    const body = await response.json();
    return {
      name,
      ok: true,
      status: response.status,
      xCache: response.headers.get("x-cache"),
      cacheStatus: response.headers.get("cache-status"),
      etag: response.headers.get("etag"),
      serverTiming: response.headers.get("server-timing"),
      body,
    };
  } catch (error) {
    return { name, ok: false, error: `${error.name}: ${error.message}` };
  }
}

/** A short human summary of a GraphQL answer for the table. */
function summary(body) {
  if (body.errors) return body.errors.map((e) => e.extensions?.code ?? e.message).join(", ");
  const [field, value] = Object.entries(body.data ?? {})[0] ?? [];
  if (!Array.isArray(value)) return JSON.stringify(body.data);
  return `${field}: ${value.map((entry) => [entry.title ?? entry.name, entry.stage, entry.locale].filter(Boolean).join(" · ")).join("; ")}`;
}

function row(result) {
  const tr = document.createElement("tr");
  const cells = [
    result.name,
    result.ok ? `${result.status}` : result.error,
    result.xCache ?? "",
    result.serverTiming ?? "",
    result.ok ? summary(result.body) : "",
  ];
  cells.forEach((text, i) => {
    const td = document.createElement("td");
    if (i === 1) td.className = result.ok && result.status === 200 ? "ok" : "failed";
    if (i > 1) {
      const code = document.createElement("code");
      code.textContent = text;
      td.append(code);
    } else td.textContent = text;
    tr.append(td);
  });
  return tr;
}

document.getElementById("page-origin").textContent = location.origin;
document.getElementById("gateway").textContent = `${gateway}/…/${project}`;
const results = [];
for (const request of requests) {
  const result = await run(request);
  results.push(result);
  document.getElementById("rows").append(row(result));
}
// Resource Timing: Server-Timing is visible to the page only with Timing-Allow-Origin.
window.serverTimingEntries = performance
  .getEntriesByType("resource")
  .filter((entry) => entry.name.startsWith(gateway))
  .map((entry) => entry.serverTiming.map((metric) => metric.name));
window.results = results;
