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
  const status = document.getElementById("plan-week-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    status.classList.remove("error");
    status.textContent = "Planning every rep's week (this takes a minute or so)…";
    try {
      const response = await fetch("/api/v1/plans/batch", {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({
          team_id: Number(form.dataset.teamId),
          date: form.dataset.start,
          days: 7,
        }),
      });
      const body = await response.json();
      if (!response.ok) {
        throw new Error(body.detail || response.statusText);
      }
      const failed = body.failed.map((f) => f.rep_name + ": " + f.detail);
      status.textContent = `Planned ${body.runs.length} reps in ${body.wall_time_s.toFixed(1)} s.` +
        (failed.length ? " Not planned: " + failed.join("; ") : "");
      if (!failed.length) {
        window.location.reload();
      }
    } catch (error) {
      status.classList.add("error");
      status.textContent = "Could not plan: " + error.message;
    } finally {
      button.disabled = false;
    }
  });
})();
