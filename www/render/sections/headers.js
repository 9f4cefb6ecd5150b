// The "All headers" section: every header field with its line, decoded value and explanation, and
// a search box that filters the rows.

import { breakable, el } from "../dom.js";
import { section, table } from "../blocks.js";

function filterRows(tbody, needle) {
  const n = needle.trim().toLowerCase();
  for (const tr of tbody.rows) tr.hidden = n !== "" && !tr.dataset.search.includes(n);
}

export function headersSection(report, findings, searchValue) {
  const { details, body } = section("headers", "All headers", findings, `${report.headers.length} fields`);
  const label = el("label", "Search the headers", "inline");
  label.htmlFor = "header-search";
  const search = el("input");
  search.type = "search";
  search.id = "header-search";
  search.size = 30;
  search.spellcheck = false;
  search.placeholder = "name or text";
  search.value = searchValue || "";
  const rows = report.headers.map((h) => {
    const tr = el("tr");
    const name = el("td");
    name.append(breakable("span", h.name));
    if (h.explanation) name.append(el("span", h.explanation, "finding-detail"));
    const value = el("td", null, "mono");
    value.append(breakable("span", h.decoded ?? h.value));
    if (h.decoded) value.append(breakable("span", `raw: ${h.value}`, "finding-detail"));
    tr.append(el("td", h.line), name, value);
    tr.dataset.search = `${h.name}\n${h.value}\n${h.decoded ?? ""}\n${h.explanation ?? ""}`.toLowerCase();
    return tr;
  });
  const wrap = table(["Line", "Name", "Value"], rows, "headers");
  const tbody = wrap.querySelector("tbody");
  search.addEventListener("input", () => filterRows(tbody, search.value));
  filterRows(tbody, search.value);
  body.append(label, search, wrap);
  return details;
}
