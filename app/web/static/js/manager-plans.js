// The manager's week: "Plan this week" asks the batch API to plan every rep of the team, then
// reloads the grid. Text from the server is only ever set with textContent.
"use strict";

(function () {
  const picker = document.querySelector(".team-picker select");
  if (picker) {
    picker.addEventListener("change", () => picker.form.submit());
  }
  const form = document.getElementById("plan-week");
  if (!form) {
    return;
  }
  const {call, detail, say} = window.fieldroute;
  const status = document.getElementById("plan-week-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    say(status, "Planning every rep's week (this takes a minute or so)…", false);
    const result = await call("POST", "/api/v1/plans/batch", {
      team_id: Number(form.dataset.teamId),
      date: form.dataset.start,
      days: Number(form.dataset.days),
    }, "The server could not be reached.");
    button.disabled = false;
    if (!result.ok) {
      say(status, "Could not plan: " + detail(result), true);
      return;
    }
    const body = result.data;
    say(status, `Planned ${body.runs.length} reps in ${body.wall_time_s.toFixed(1)} s.` +
      (body.failed.length ? ` Not planned (${body.failed.length}):` : ""), body.failed.length > 0);
    // One line per rep that could not be planned, with the reason in words.
    const list = document.getElementById("plan-week-refusals");
    list.replaceChildren(...body.failed.map((f) => {
      const item = document.createElement("li");
      item.textContent = f.rep_name + ": " + f.detail;
      return item;
    }));
    if (!body.failed.length) {
      window.location.reload();
    }
  });
})();
