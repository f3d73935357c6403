// The calculator page: reads the form, asks the JSON API (the same commands as the command line),
// shows the tables, the rules in words and the SVG figures.  No library, nothing fetched from elsewhere.
"use strict";

const FIELDS = ["p0", "p1", "alpha", "beta", "power", "nmax", "family", "every", "from"];
const $ = (id) => document.getElementById(id);

function fmt(v, digits) {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(digits || 4);
  return String(v);
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

function label(d) {
  if (d.label) return d.label;
  if (d.r1 !== undefined && d.r1 !== null) return `${d.r1}/${d.n1}, ${d.r}/${d.n}`;
  if (d.r !== undefined) return `${d.r}/${d.n}`;
  return "";
}

function inputs() {
  const out = {};
  for (const f of FIELDS) {
    const v = $(f).value.trim();
    if (v !== "") out[f] = v;
  }
  if (out.power !== undefined) delete out.beta;  // power given: the command reads beta = 1 - power
  if (out.family !== "bayes") { delete out.every; delete out.from; }
  return out;
}

// the command and its options for a family (the command line's spelling)
function request(inp) {
  const q = {p0: inp.p0, p1: inp.p1, alpha: inp.alpha};
  if (inp.beta !== undefined) q.beta = inp.beta;
  if (inp.power !== undefined) q.power = inp.power;
  if (inp.nmax !== undefined) q.nmax = inp.nmax;
  switch (inp.family) {
    case "single": return {command: "single", params: q, figure: null};
    case "three-stage": return {command: "design", params: Object.assign(q, {stages: 3}), figure: "design"};
    case "efficacy": return {command: "design", params: Object.assign(q, {stages: 2, efficacy: "true"}), figure: "design"};
    case "bayes": return {command: "bayes", params: Object.assign(q, {search: "true", every: inp.every, from: inp.from}), figure: null};
    default: return {command: "simon", params: q, figure: "simon"};
  }
}

function query(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") u.append(k, v);
  return u.toString();
}

function clearErrors(form) {
  for (const el of form.querySelectorAll(".error")) el.textContent = "";
  for (const el of form.querySelectorAll("input.invalid")) el.classList.remove("invalid");
}

// put the server's one-line message beside the field it names (the CLI's messages name the argument)
function showError(message, candidates, general) {
  for (const name of candidates) {
    const re = new RegExp(`(^|[^a-z0-9_])(--)?${name.replace("-", "[-_]")}([^a-z0-9_]|$)`, "i");
    if (re.test(message) && $("err-" + name)) {
      $("err-" + name).textContent = message;
      const input = $(name) || document.querySelector(`[name="${name}"]`);
      if (input) input.classList.add("invalid");
      return;
    }
  }
  general.textContent = message;
}

async function api(command, params) {
  const r = await fetch(`/api/${command}?${query(params)}`);
  const body = await r.json();
  return {ok: r.ok, status: r.status, body};
}

const COLUMNS = [["kind", "kind"], ["design", "design"], ["n", "n"], ["en0", "EN0"], ["pet0", "PET0"],
                 ["attained_alpha", "attained alpha"], ["power", "power"], ["en1", "EN1"]];

function designRows(res) {
  if (res.optimal || res.minimax) {
    const seen = new Set(), rows = [];
    for (const d of [res.optimal, res.minimax].concat(res.admissible || [])) {
      if (!d) continue;
      const key = label(d) + "|" + (d.kind || "");
      if (seen.has(label(d))) continue;
      seen.add(label(d)); rows.push(d);
    }
    return rows;
  }
  if (res.design && typeof res.design === "object") return [Object.assign({kind: "single stage"}, res.design)];
  return [];
}

function nOf(d) { return Array.isArray(d.n) ? d.n[d.n.length - 1] : d.n; }

function renderDesigns(res) {
  const rows = designRows(res);
  if (!rows.length) { $("design-table").innerHTML = "<p>No table for this result: see the JSON below.</p>"; return rows; }
  let h = "<table id=\"designs\"><thead><tr>" + COLUMNS.map((c) => `<th>${c[1]}</th>`).join("") + "</tr></thead><tbody>";
  for (const d of rows) {
    const cells = {kind: d.kind || "", design: label(d), n: nOf(d), en0: d.en0, pet0: d.pet0,
                   attained_alpha: d.attained_alpha, power: d.power, en1: d.en1};
    h += `<tr data-kind="${esc(d.kind || "")}">` + COLUMNS.map((c) =>
      `<td class="${c[0] === "design" ? "label design-label" : ""}">${esc(fmt(cells[c[0]]))}</td>`).join("") + "</tr>";
  }
  $("design-table").innerHTML = h + "</tbody></table>";
  $("rules").innerHTML = "<h3>Rules in words</h3><ul>" + rows.filter((d) => d.rule).map((d) =>
    `<li><strong>${esc(d.kind || "design")} ${esc(label(d))}</strong>: ${esc(d.rule)}</li>`).join("") + "</ul>";
  return rows;
}

function renderDownloads(inp, req) {
  const p = {p0: inp.p0, p1: inp.p1, alpha: inp.alpha};
  if (inp.beta !== undefined) p.beta = inp.beta;
  if (inp.power !== undefined) p.power = inp.power;
  if (inp.nmax !== undefined) p.nmax = inp.nmax;
  if (inp.family === "single") p.design = "single";
  if (inp.family === "three-stage" || inp.family === "efficacy") p.family = inp.family;
  if (inp.family === "bayes") { $("downloads").innerHTML = ""; return; }
  const link = (fmtName, text, extra) =>
    `<a id="download-${fmtName}" href="/api/report?${query(Object.assign({}, p, extra, {file_format: fmtName, download: 1}))}" download>${text}</a>`;
  $("downloads").innerHTML = "<h3>Downloads</h3>" + link("html", "report (HTML)") + link("docx", "report (Word)") +
    link("md", "report (Markdown)") + link("json", "design file (JSON)");
}

function renderFigures(req) {
  if (!req.figure) { $("figures").innerHTML = ""; return; }
  const q = query(req.params);
  $("figures").innerHTML = "<h3>Figures</h3>" +
    `<img alt="design space: EN0 against n" src="/api/${req.figure}/figure.svg?which=space&${q}">` +
    `<img alt="OC curves" src="/api/${req.figure}/figure.svg?which=oc&${q}">`;
}

async function compute(pushUrl) {
  const form = $("design-form");
  clearErrors(form); $("err-general").textContent = "";
  const inp = inputs();
  document.body.classList.toggle("bayes", inp.family === "bayes");
  if (pushUrl) history.replaceState(null, "", "?" + query(inp));
  const req = request(inp);
  $("status").textContent = "computing...";
  let r;
  try { r = await api(req.command, req.params); } catch (e) { $("status").textContent = ""; $("err-general").textContent = String(e); return; }
  $("status").textContent = "";
  if (!r.ok) {
    $("results").hidden = true;
    showError(r.body.error || `HTTP ${r.status}`, ["p0", "p1", "alpha", "beta", "power", "nmax", "every", "from"], $("err-general"));
    return;
  }
  $("results").hidden = false;
  $("result-title").textContent = r.body.convention || "";
  renderDesigns(r.body);
  renderDownloads(inp, req);
  renderFigures(req);
  $("raw-json").textContent = JSON.stringify(r.body, null, 2);
  showTable(req.command, req.params, "cli-table");
  const opt = r.body.optimal || r.body.design;
  if (opt && typeof opt === "object" && label(opt)) $("an-design").value = label(opt).replace(/\s+/g, "");
}

// the command line's own text table for the same request
function showTable(command, params, id) {
  $(id).textContent = "";
  fetch(`/api/${command}/table.txt?${query(params)}`).then((t) => t.ok ? t.text() : "")
    .then((text) => { $(id).textContent = text; });
}

function scalars(obj) {
  let h = "<table><tbody>";
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || typeof v === "object") continue;
    h += `<tr><th>${esc(k)}</th><td class="label">${esc(fmt(v, 6))}</td></tr>`;
  }
  return h + "</tbody></table>";
}

async function evaluate() {
  const form = $("evaluate-form"); clearErrors(form);
  const params = {args: $("observed-x").value.trim(), threshold: $("threshold").value.trim()};
  const inp = inputs();
  if (inp.p0) params.p0 = inp.p0;
  const r = await api("evaluate", params);
  if (!r.ok) { $("evaluate-result").innerHTML = ""; showError(r.body.error, ["threshold", "p0"], $("err-observed")); return; }
  $("evaluate-result").innerHTML = scalars(r.body) + `<pre id="evaluate-table"></pre><details><summary>JSON</summary><pre>${esc(JSON.stringify(r.body, null, 2))}</pre></details>`;
  showTable("evaluate", params, "evaluate-table");
}

async function analyze() {
  const form = $("analyze-form"); clearErrors(form);
  const inp = inputs();
  const params = {design: $("an-design").value.trim(), x1: $("x1").value.trim(), x2: $("x2").value.trim(),
                  p0: inp.p0, alpha: inp.alpha};
  const r = await api("analyze", params);
  if (!r.ok) { $("analyze-result").innerHTML = ""; showError(r.body.error, ["x1", "x2", "design"], $("err-design")); return; }
  $("analyze-result").innerHTML = scalars(r.body) + `<pre id="analyze-table"></pre><details><summary>JSON</summary><pre>${esc(JSON.stringify(r.body, null, 2))}</pre></details>`;
  showTable("analyze", params, "analyze-table");
}

window.addEventListener("DOMContentLoaded", () => {
  // the URL carries the inputs: a result can be bookmarked and shared
  const given = new URLSearchParams(location.search);
  for (const f of FIELDS) if (given.has(f)) $(f).value = given.get(f);
  if (given.has("power") && !given.has("beta")) $("beta").value = "";
  document.body.classList.toggle("bayes", $("family").value === "bayes");
  $("family").addEventListener("change", () => document.body.classList.toggle("bayes", $("family").value === "bayes"));
  $("design-form").addEventListener("submit", (e) => { e.preventDefault(); compute(true); });
  $("evaluate-form").addEventListener("submit", (e) => { e.preventDefault(); evaluate(); });
  $("analyze-form").addEventListener("submit", (e) => { e.preventDefault(); analyze(); });
  if (given.has("p0")) compute(false);
});
