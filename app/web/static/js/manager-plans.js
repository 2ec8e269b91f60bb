// The manager's week: "Plan this week" starts a batch job (POST /api/v1/plans/batch), shows
// its progress (reps done / reps) from GET /api/v1/jobs/{id}, then its result (plans per rep,
// the reps not planned and why) and the grid again. Text from the server is only ever set
// with textContent; the new grid is the page's own HTML, parsed, never run.
"use strict";

(function () {
  const form = document.getElementById("plan-week");
  if (!form) {
    return;
  }
  const {call, detail, say} = window.fieldroute;
  const status = document.getElementById("plan-week-status");
  const bar = document.getElementById("plan-week-progress");
  const POLL_MS = 1000;
  const ENDED = ["succeeded", "failed", "cancelled"];
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function lines(id, items) {
    document.getElementById(id).replaceChildren(...items.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
  }

  function showProgress(job) {
    const {done, total} = job.progress;
    bar.max = Math.max(total, 1);
    bar.value = done;
    say(status, `Planned ${done} of ${total} reps…`, false);
  }

  async function untilEnded(job) {
    while (!ENDED.includes(job.state)) {
      showProgress(job);
      await wait(POLL_MS);
      const polled = await call("GET", job.links.self, undefined,
        "The server could not be reached; still trying…");
      if (polled.ok) {
        job = polled.data;
      } else if (polled.status !== 0) {
        return {error: detail(polled)};
      }
    }
    showProgress(job);
    return {job};
  }

  async function reloadGrid() {
    const response = await fetch(window.location.href, {credentials: "same-origin"});
    if (!response.ok) {
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector(".grid-scroll");
    const grid = document.querySelector(".grid-scroll");
    if (fresh && grid) {
      grid.replaceWith(document.adoptNode(fresh));
    }
  }

  function showResult(job, result) {
    const planned = result.runs.filter((run) => run.plans.length).length;
    const verdict = job.state === "cancelled" ? "Cancelled: " :
      job.state === "failed" ? "Stopped: " : "";
    say(status, `${verdict}planned ${planned} of ${job.progress.total} reps in ` +
      `${result.wall_time_s.toFixed(1)} s.` +
      (result.failed.length ? ` Not planned (${result.failed.length}):` : ""),
    job.state !== "succeeded" || result.failed.length > 0);
    lines("plan-week-runs", result.runs.map((run) => {
      const days = run.plans.length === 1 ? "1 day" : `${run.plans.length} days`;
      const stops = run.plans.reduce((sum, plan) => sum + plan.totals.stops, 0);
      return `${run.rep_name}: ${days} planned, ${stops} stops`;
    }));
    lines("plan-week-refusals", result.failed.map((f) => `${f.rep_name}: ${f.detail}`));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    lines("plan-week-runs", []);
    lines("plan-week-refusals", []);
    say(status, "Starting…", false);
    const started = await call("POST", "/api/v1/plans/batch", {
      team_id: Number(form.dataset.teamId),
      date: form.dataset.start,
      days: Number(form.dataset.days),
    }, "The server could not be reached.");
    if (!started.ok) {
      button.disabled = false;
      say(status, "Could not plan: " + detail(started), true);
      return;
    }
    bar.hidden = false;
    const {job, error} = await untilEnded(started.data);
    button.disabled = false;
    if (error) {
      say(status, "Could not follow the planning: " + error, true);
      return;
    }
    const result = await call("GET", job.links.result, undefined,
      "The server could not be reached.");
    if (!result.ok) {
      say(status, "Could not read what was planned: " + detail(result), true);
      return;
    }
    showResult(job, result.data);
    await reloadGrid();
  });
})();
