/**
 * A dependency-free SVG chart of the results: one row per scenario with a req/s bar and a p99
 * latency bar, each scaled to its own maximum; failed scenarios are shown with their status.
 */
import { writeFileSync } from "node:fs";

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function renderSvg(results, ratios, meta, memory) {
  const rowH = 34;
  const top = 64;
  const labelW = 190;
  const barW = 300;
  const gap = 40;
  const width = labelW + 2 * barW + gap + 140;
  const memoryRows = memory ? 2 : 0;
  const height = top + results.length * rowH + 30 + (ratios.length + memoryRows) * 18 + 20;
  const maxRps = Math.max(1, ...results.filter((r) => r.ok).map((r) => r.rps));
  const maxP99 = Math.max(0.001, ...results.filter((r) => r.ok).map((r) => r.p99 ?? 0));
  const x2 = labelW + barW + gap + 60;
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(
    `<text x="12" y="22" font-size="15" font-weight="600">Content Edge benchmark — ${esc(meta.mode)} mode, ${esc(meta.connections)} connections</text>`,
  );
  out.push(`<text x="12" y="40" fill="#555">${esc(meta.date)} · Node ${esc(meta.node)} · ${esc(meta.machine)}</text>`);
  out.push(`<text x="${labelW}" y="${top - 8}" font-weight="600">req/s (median round, higher is better)</text>`);
  out.push(`<text x="${x2}" y="${top - 8}" font-weight="600">p99 latency ms (lower is better)</text>`);
  results.forEach((r, i) => {
    const y = top + i * rowH;
    const color = r.id.startsWith("gateway") ? "#f38020" : r.id.startsWith("peer") ? "#6b7fd7" : "#8a8a8a";
    out.push(`<text x="12" y="${y + 17}">${esc(r.label)}</text>`);
    if (!r.ok) {
      out.push(`<text x="${labelW}" y="${y + 17}" fill="#b00">failed: ${esc(String(r.reason).replace(/\s+/g, " ").slice(0, 70))}</text>`);
      return;
    }
    const w1 = Math.max(1, (r.rps / maxRps) * barW);
    const w2 = Math.max(1, ((r.p99 ?? 0) / maxP99) * barW);
    out.push(`<rect x="${labelW}" y="${y + 4}" width="${w1.toFixed(1)}" height="18" fill="${color}"/>`);
    out.push(`<text x="${(labelW + w1 + 4).toFixed(1)}" y="${y + 17}">${r.rps}</text>`);
    out.push(`<rect x="${x2}" y="${y + 4}" width="${w2.toFixed(1)}" height="18" fill="${color}" opacity="0.6"/>`);
    out.push(`<text x="${(x2 + w2 + 4).toFixed(1)}" y="${y + 17}">${r.p99 == null ? "—" : r.p99.toFixed(2)}</text>`);
  });
  let y = top + results.length * rowH + 24;
  for (const t of ratios) {
    const verdict = t.invalid ? "no verdict (scenario not as labelled)" : t.met == null ? "not measured" : t.met ? "met" : "not met";
    const fill = t.met == null ? "#555" : t.met ? "#1a7f37" : "#b00";
    out.push(
      `<text x="12" y="${y}" fill="${fill}">${esc(t.label)}: ${t.value == null ? "—" : t.value} (target ${esc(t.target)}) — ${verdict}</text>`,
    );
    y += 18;
  }
  if (memory) {
    const v = memory.verdict;
    if (!memory.ok) out.push(`<text x="12" y="${y}" fill="#555">memory: ${esc(String(memory.reason).slice(0, 100))}</text>`);
    else {
      const fill = v?.met == null ? "#555" : v.met ? "#1a7f37" : "#b00";
      const verdict = v?.met == null ? `no verdict (${v?.reason ?? "not measured"})` : v.met ? "met" : "not met";
      out.push(
        `<text x="12" y="${y}" fill="${fill}">memory: ${memory.completed} distinct cached queries — isolate heap ${memory.heapBefore?.liveMiB ?? "—"} → ${memory.heapAfter?.liveMiB ?? "—"} MiB (bound ${v?.limitMiB ?? "—"} MiB) — ${esc(verdict)}</text>`,
      );
      out.push(
        `<text x="12" y="${y + 18}" fill="#555">isolate MiB by entries: ${esc(memory.quarters.map((q) => `${q.entries}: ${q.heap?.liveMiB ?? "—"}`).join(", "))}; workerd RSS ${memory.rssBeforeMB} → ${memory.rssAfterMB} MB (includes Miniflare's Cache API)</text>`,
      );
    }
  }
  out.push(`</svg>`);
  return `${out.join("\n")}\n`;
}

export function writeSvg(path, results, ratios, meta, memory) {
  writeFileSync(path, renderSvg(results, ratios, meta, memory));
}
