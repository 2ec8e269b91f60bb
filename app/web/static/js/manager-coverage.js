// The coverage what-if: moving a threshold slider asks the API for the model with it (nothing
// is written), then redraws the totals, the chart and the accounts that would change; "Apply"
// asks for a confirmation and posts the thresholds. Text from the server is only ever set with
// textContent; the chart is SVG made here (no library, nothing from another site).
"use strict";

(function () {
  const form = document.getElementById("coverage-form");
  if (!form) {
    return;
  }
  const {call, detail, say} = window.fieldroute;
  const teamId = Number(form.dataset.teamId);
  const rowsShown = Number(form.dataset.rows);
  const hybrid = document.getElementById("hybrid");
  const remote = document.getElementById("remote");
  const status = document.getElementById("coverage-status");
  const applyButton = document.getElementById("coverage-apply");
  const confirmBox = document.getElementById("coverage-confirm");
  const applyStatus = document.getElementById("apply-status");
  const svg = document.getElementById("coverage-chart");
  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS = {field: "#1a7f37", hybrid: "#bf8700", remote: "#cf222e"};
  const number = (value, digits = 0) => (value === null || value === undefined ? "-"
    : Number(value).toLocaleString("en-US",
      {minimumFractionDigits: digits, maximumFractionDigits: digits}));
  const percent = (ratio) => `${(ratio * 100).toFixed(1)}%`;
  let model = null;
  let asked = 0;
  let timer = null;

  const ratios = () => ({hybrid: Number(hybrid.value) / 100, remote: Number(remote.value) / 100});

  function showSliders() {
    const chosen = ratios();
    document.getElementById("hybrid-out").textContent = percent(chosen.hybrid);
    document.getElementById("remote-out").textContent = percent(chosen.remote);
  }

  // Hybrid never above remote: the slider moved pushes the other one along.
  function keepOrder(moved) {
    if (Number(hybrid.value) > Number(remote.value)) {
      if (moved === hybrid) {
        remote.value = hybrid.value;
      } else {
        hybrid.value = remote.value;
      }
    }
  }

  // `data-state` says whether the figures shown are those of the sliders' thresholds ("ready")
  // or an answer is still to come ("waiting"); "failed" when the API refused.
  function onSlide(event) {
    form.dataset.state = "waiting";
    keepOrder(event.target);
    showSliders();
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 200);
  }

  async function refresh() {
    const chosen = ratios();
    const query = new URLSearchParams({team_id: teamId, hybrid: chosen.hybrid,
      remote: chosen.remote, changes_only: "true", limit: rowsShown});
    const mine = ++asked;
    form.dataset.state = "waiting";
    say(status, "Working it out…", false);
    const result = await call("GET", `/api/v1/coverage?${query}`);
    if (mine !== asked) {
      return; // a later slide asked again: its answer wins
    }
    if (!result.ok) {
      say(status, detail(result), true);
      form.dataset.state = "failed";
      return;
    }
    model = result.data;
    say(status, "", false);
    showModel();
    form.dataset.state = "ready";
  }

  function showModel() {
    const {before, after} = model;
    document.getElementById("hours-freed").textContent =
      `${number(model.field_hours_freed_a_week, 1)} h`;
    document.getElementById("value-at-risk").textContent =
      number(model.value_at_risk_added_a_year);
    const figures = {
      accounts: (t) => `${t.field} / ${t.hybrid} / ${t.remote}`,
      field_hours_a_week: (t) => number(t.field_hours_a_week, 1),
      visits_a_year: (t) => number(t.visits_a_year),
      cost_per_visit: (t) => number(t.cost_per_visit),
      field_cost_a_year: (t) => number(t.field_cost_a_year),
      value_at_risk_a_year: (t) => number(t.value_at_risk_a_year),
    };
    for (const [name, text] of Object.entries(figures)) {
      const cells = document.querySelectorAll(`#coverage-totals tr[data-figure="${name}"] td`);
      cells[0].textContent = text(before);
      cells[1].textContent = text(after);
    }
    document.getElementById("changing").textContent = String(model.accounts_changing);
    applyButton.disabled = model.accounts_changing === 0;
    confirmBox.hidden = true;
    showRows();
    draw(model.chart, model.thresholds);
  }

  function cell(row, text, label) {
    const node = document.createElement(label ? "td" : "th");
    if (label) {
      node.dataset.label = label;
    } else {
      node.scope = "row";
    }
    node.textContent = text;
    row.appendChild(node);
  }

  function showRows() {
    const body = document.querySelector("#coverage-rows tbody");
    body.replaceChildren();
    for (const r of model.items) {
      const row = document.createElement("tr");
      cell(row, r.name);
      cell(row, r.rep_name, "Rep");
      cell(row, number(r.value), "Value a year");
      cell(row, number(r.field_cost_a_year), "Visits cost a year");
      cell(row, r.ratio === null ? "worth nothing" : percent(r.ratio), "Share of value");
      cell(row, `${number(r.detour_minutes)} min, ${number(r.detour_km, 1)} km (${r.detour_source})`,
        "Detour");
      cell(row, r.coverage, "Now");
      cell(row, r.recommended, "Recommended");
      body.appendChild(row);
    }
    const note = document.getElementById("rows-note");
    note.textContent = model.total > model.items.length
      ? `The first ${model.items.length} of ${model.total}, by share of value.`
      : model.total ? "" : "None: every account is covered as recommended.";
  }

  function node(name, attributes, parent) {
    const made = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) {
      made.setAttribute(key, String(value));
    }
    parent.appendChild(made);
    return made;
  }

  // Cost a year (y) against value a year (x), both on log scales, with the threshold lines
  // cost = share x value.
  function draw(points, thresholds) {
    svg.replaceChildren();
    const box = {left: 64, right: 596, top: 12, bottom: 330};
    const values = points.map((p) => p.value);
    const costs = points.map((p) => p.cost);
    if (!points.length) {
      const text = node("text", {x: 320, y: 180, "text-anchor": "middle"}, svg);
      text.textContent = "No account with a value and a cost to plot.";
      return;
    }
    const decade = (v, up) => (up ? Math.ceil(Math.log10(v)) : Math.floor(Math.log10(v)));
    const xFrom = decade(Math.min(...values), false);
    const xTo = Math.max(decade(Math.max(...values), true), xFrom + 1);
    const yFrom = decade(Math.min(...costs), false);
    const yTo = Math.max(decade(Math.max(...costs), true), yFrom + 1);
    const x = (v) => box.left + (Math.log10(v) - xFrom) / (xTo - xFrom) * (box.right - box.left);
    const y = (v) => box.bottom - (Math.log10(v) - yFrom) / (yTo - yFrom) * (box.bottom - box.top);
    const axes = node("g", {class: "axes"}, svg);
    for (let d = xFrom; d <= xTo; d++) {
      node("line", {x1: x(10 ** d), x2: x(10 ** d), y1: box.top, y2: box.bottom,
        stroke: "#eaeef2"}, axes);
      const label = node("text", {x: x(10 ** d), y: box.bottom + 16, "text-anchor": "middle",
        "font-size": 12}, axes);
      label.textContent = number(10 ** d);
    }
    for (let d = yFrom; d <= yTo; d++) {
      node("line", {x1: box.left, x2: box.right, y1: y(10 ** d), y2: y(10 ** d),
        stroke: "#eaeef2"}, axes);
      const label = node("text", {x: box.left - 6, y: y(10 ** d) + 4, "text-anchor": "end",
        "font-size": 12}, axes);
      label.textContent = number(10 ** d);
    }
    const xTitle = node("text", {x: (box.left + box.right) / 2, y: box.bottom + 36,
      "text-anchor": "middle", "font-size": 13}, axes);
    xTitle.textContent = "value a year";
    const yTitle = node("text", {x: 14, y: (box.top + box.bottom) / 2, "text-anchor": "middle",
      "font-size": 13, transform: `rotate(-90 14 ${(box.top + box.bottom) / 2})`}, axes);
    yTitle.textContent = "field visits cost a year";
    const clip = node("clipPath", {id: "plot-area"}, svg);
    node("rect", {x: box.left, y: box.top, width: box.right - box.left,
      height: box.bottom - box.top}, clip);
    const plot = node("g", {"clip-path": "url(#plot-area)"}, svg);
    const low = 10 ** xFrom;
    const high = 10 ** xTo;
    for (const [name, share] of [["hybrid", thresholds.hybrid], ["remote", thresholds.remote]]) {
      node("line", {x1: x(low), y1: y(share * low), x2: x(high), y2: y(share * high),
        stroke: COLOURS[name], "stroke-width": 2, "stroke-dasharray": "6 4",
        class: `threshold ${name}`}, plot);
    }
    for (const p of points) {
      node("circle", {cx: x(p.value), cy: y(p.cost), r: 3.5, fill: COLOURS[p.recommended],
        "fill-opacity": 0.75, class: `dot ${p.recommended}`}, plot);
    }
  }

  function askToApply() {
    const {after, before} = model;
    document.getElementById("confirm-text").textContent =
      `Change the coverage of ${model.accounts_changing} accounts: field ${before.field} → ` +
      `${after.field}, hybrid ${before.hybrid} → ${after.hybrid}, remote ${before.remote} → ` +
      `${after.remote}. Remote accounts leave the reps' routes for the call queue.`;
    confirmBox.hidden = false;
    document.getElementById("confirm-apply").focus();
  }

  async function apply() {
    const chosen = ratios();
    const button = document.getElementById("confirm-apply");
    button.disabled = true;
    const result = await call("POST", "/api/v1/coverage/apply",
      {team_id: teamId, hybrid: chosen.hybrid, remote: chosen.remote});
    button.disabled = false;
    confirmBox.hidden = true;
    if (!result.ok) {
      say(applyStatus, detail(result), true);
      return;
    }
    say(applyStatus, `Applied: ${result.data.accounts_changed} accounts changed ` +
      `(change ${result.data.id}).`, false);
    await refresh();
  }

  hybrid.addEventListener("input", onSlide);
  remote.addEventListener("input", onSlide);
  document.getElementById("coverage-defaults").addEventListener("click", () => {
    hybrid.value = String(Number(form.dataset.defaultHybrid) * 100);
    remote.value = String(Number(form.dataset.defaultRemote) * 100);
    showSliders();
    refresh();
  });
  applyButton.addEventListener("click", askToApply);
  document.getElementById("cancel-apply").addEventListener("click", () => {
    confirmBox.hidden = true;
  });
  document.getElementById("confirm-apply").addEventListener("click", apply);
  const initial = JSON.parse(form.dataset.chart);
  model = null;
  draw(initial, {hybrid: Number(hybrid.value) / 100, remote: Number(remote.value) / 100});
  // The totals the page came with are the model's; the first slide or apply asks again.
  refresh();
})();
