// Plan vs actual: "Today so far" is refreshed from the API every minute. Text from the server
// is only ever set with textContent.
"use strict";

(function () {
  const picker = document.querySelector(".team-picker select");
  if (picker) {
    picker.addEventListener("change", () => picker.form.submit());
  }
  const table = document.getElementById("live");
  if (!table) {
    return;
  }
  const {call, detail, say} = window.fieldroute;
  const status = document.getElementById("live-status");
  const EVERY_MS = 60000;
  const hhmm = (text) => new Date(text).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});

  function cell(row, text, header) {
    const node = document.createElement(header ? "th" : "td");
    if (header) {
      node.scope = "row";
    }
    node.textContent = text;
    row.appendChild(node);
  }

  function nextText(rep) {
    const stop = rep.next_stop;
    if (!stop) {
      return rep.planned ? "all stops closed" : "no plan";
    }
    let text = stop.name + ", " + hhmm(stop.planned_start);
    if (stop.state === "arrived") {
      text += " (on site)";
    }
    if (rep.behind_minutes) {
      text += ` (${rep.behind_minutes} min behind)`;
    }
    return text;
  }

  async function refresh() {
    const day = table.dataset.today;
    const url = `/api/v1/plans/actual?team_id=${table.dataset.teamId}&start=${day}&days=1`;
    const result = await call("GET", url, undefined, "The server could not be reached.");
    if (!result.ok) {
      say(status, "Could not refresh: " + detail(result), true);
      return;
    }
    const body = document.createElement("tbody");
    for (const rep of result.data.today) {
      const row = document.createElement("tr");
      cell(row, rep.rep_name, true);
      cell(row, `${rep.done} / ${rep.planned}`);
      cell(row, String(rep.skipped));
      cell(row, nextText(rep));
      cell(row, rep.last_update ? hhmm(rep.last_update) : "-");
      body.appendChild(row);
    }
    table.replaceChild(body, table.tBodies[0]);
    say(status, "Updated " + hhmm(result.data.as_of) + "; refreshes every minute.", false);
  }

  window.setInterval(refresh, EVERY_MS);
  refresh();
})();
