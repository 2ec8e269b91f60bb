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
      days: 7,
    }, "The server could not be reached.");
    button.disabled = false;
    if (!result.ok) {
      say(status, "Could not plan: " + detail(result), true);
      return;
    }
    const body = result.data;
    const failed = body.failed.map((f) => f.rep_name + ": " + f.detail);
    say(status, `Planned ${body.runs.length} reps in ${body.wall_time_s.toFixed(1)} s.` +
      (failed.length ? " Not planned: " + failed.join("; ") : ""), false);
    if (!failed.length) {
      window.location.reload();
    }
  });
})();
