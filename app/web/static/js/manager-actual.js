// Plan vs actual: "Today so far" is refreshed from the API every minute. Text from the server
// is only ever set with textContent.
"use strict";

(function () {
  const table = document.getElementById("live");
  if (!table) {
    return;
  }
  const {call, detail, say} = window.fieldroute;
  const status = document.getElementById("live-status");
  const EVERY_MS = 60000;
  // 24-hour HH:MM on the given clock (the rep's or the company's), as the server writes
  // times; never the browser's own zone, which may be anywhere.
  const hhmm = (text, zone) => new Date(text).toLocaleTimeString("en-GB",
    {hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone});

  // A cell; `label` names it where a narrow screen stacks the table (see app.css).
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

  function nextText(rep) {
    const stop = rep.next_stop;
    if (!stop) {
      return rep.planned ? "all stops closed" : "no plan";
    }
    let text = stop.name + ", " + hhmm(stop.planned_start, rep.time_zone);
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
      cell(row, rep.rep_name);
      cell(row, `${rep.done} / ${rep.planned}`, "Done");
      cell(row, String(rep.skipped), "Skipped");
      cell(row, nextText(rep), "Next stop");
      cell(row, rep.last_update ? hhmm(rep.last_update, rep.time_zone) : "-", "Last update");
      body.appendChild(row);
    }
    table.replaceChild(body, table.tBodies[0]);
    say(status, "Updated " + hhmm(result.data.as_of, result.data.time_zone) +
      "; refreshes every minute.", false);
  }

  window.setInterval(refresh, EVERY_MS);
  refresh();
})();
