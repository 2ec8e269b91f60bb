// The manager page's rebalance panel: asks the territory API for a proposal (a job: its
// progress shown, and a cancel button, until it ends), shows it, and applies or discards it.
// Text from the server is only ever set with textContent.
"use strict";

(function () {
  const form = document.getElementById("rebalance");
  if (!form) {
    return;
  }
  const API = "/api/v1/territories/proposals";
  const NOTICE_KEY = "fieldroute.manager.notice";
  const POLL_MS = 500;
  const teamId = Number(form.dataset.teamId);
  const formStatus = document.getElementById("rebalance-status");
  const panel = document.getElementById("proposal");
  const mapFrame = document.getElementById("map");
  const mapBase = mapFrame.dataset.baseSrc;

  const int = (n) => (n == null ? "-" : Math.round(n).toLocaleString("en-US"));
  const dec = (n) => (n == null ? "-" : n.toLocaleString("en-US", {maximumFractionDigits: 1}));
  const compact = (n) => (n == null ? "-" : new Intl.NumberFormat("en-US",
    {notation: "compact", maximumFractionDigits: 1}).format(n));
  const pct = (x, signed) => (x == null ? "-" :
    (signed && x > 0 ? "+" : "") + (x * 100).toFixed(1) + "%");

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) {
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  // The form's and the proposal's status lines: an alert when something went wrong.
  function say(target, text, isError) {
    window.fieldroute.say(target, text, isError);
    target.setAttribute("role", isError ? "alert" : "status");
  }
  const call = (method, url, body) =>
    window.fieldroute.call(method, url, body, "The server could not be reached.");
  const {detail} = window.fieldroute;

  function showMap(proposalId) {
    mapFrame.src = proposalId ? `${mapBase}&proposal_id=${proposalId}` : mapBase;
  }

  function setUrl(proposalId) {
    const url = new URL(window.location.href);
    url.searchParams.set("team_id", String(teamId));
    if (proposalId) {
      url.searchParams.set("proposal_id", String(proposalId));
    } else {
      url.searchParams.delete("proposal_id");
    }
    window.history.replaceState(null, "", url);
  }

  function beforeAfter(before, after, format) {
    const cell = el("td", {}, format(before));
    if (format(before) !== format(after)) {
      cell.append(" \u2192 ", el("strong", {}, format(after)));
    }
    return cell;
  }

  function repTable(proposal) {
    const head = el("tr", {}, ...["Rep", "Accounts", "Value", "Workload h/wk", "Deviation",
      "Drive km/wk", "Mean km from home"].map((h) => el("th", {}, h)));
    const rows = proposal.reps.map((rep) => {
      // A rep the proposal removes has no "after" (and one it adds no "before").
      const b = rep.before || {};
      const a = rep.after || {};
      const name = el("th", {scope: "row"}, el("i", {className: "swatch"}), rep.rep);
      name.firstChild.style.background = rep.color;
      return el("tr", {}, name,
        beforeAfter(b.accounts, a.accounts, int),
        beforeAfter(b.value, a.value, compact),
        beforeAfter(b.workload_hours, a.workload_hours, dec),
        beforeAfter(b.deviation, a.deviation, (x) => pct(x, true)),
        beforeAfter(b.drive_km_week, a.drive_km_week, int),
        beforeAfter(b.mean_km_from_home, a.mean_km_from_home, dec));
    });
    return el("div", {className: "scroll"},
      el("table", {id: "proposal-reps", className: "figures"},
        el("thead", {}, head), el("tbody", {}, ...rows)));
  }

  function moveList(proposal) {
    const names = new Map(proposal.reps.map((rep) => [rep.rep_id, rep.rep]));
    const who = (id) => (id == null ? "unassigned" : names.get(id) || `rep ${id}`);
    const rows = proposal.moves.map((move) => el("tr", {},
      el("td", {}, move.account), el("td", {}, who(move.from_rep_id)),
      el("td", {}, who(move.to_rep_id)), el("td", {}, int(move.value))));
    const table = el("table", {id: "moves", className: "figures"},
      el("thead", {}, el("tr", {}, ...["Account", "From", "To", "Value"].map(
        (h) => el("th", {}, h)))),
      el("tbody", {}, ...rows));
    return el("details", {}, el("summary", {},
      `${int(proposal.moved_accounts)} moved account${proposal.moved_accounts === 1 ? "" : "s"}`),
    el("div", {className: "scroll"}, table));
  }

  // Shares can balance while everyone is over their hours (a rep removed): say by how much.
  function overload(bal) {
    const o = bal.overload;
    if (!o) {
      return [];
    }
    return [el("p", {id: "overload", className: "warn"},
      `${o.rep} would have ${dec(o.workload_hours)} h of work a week against the ` +
      `${dec(o.capacity_hours)} h they work: ${pct(o.over)} over (at most ` +
      `${pct(bal.requested_tolerance)} allowed).`)];
  }

  function showProposal(proposal) {
    const bal = proposal.balance;
    const met = bal.met ? "met" : "not met";
    const status = el("p", {id: "proposal-status", className: "status"});
    const parts = [
      el("h3", {}, `Proposal #${proposal.id} `, el("span", {className: `badge ${proposal.status}`},
        proposal.status)),
      el("p", {className: "balance"},
        `Workload balance: largest deviation ${pct(bal.max_deviation_before)} before, `,
        el("strong", {id: "achieved"}, pct(bal.achieved_tolerance)),
        ` after (asked for at most ${pct(bal.requested_tolerance)}): ${met}.`),
      ...overload(bal),
      el("p", {id: "moved-count"},
        `${int(proposal.moved_accounts)} of ${int(proposal.total_accounts)} accounts move` +
        (proposal.solver ? ` (solver: ${proposal.solver.status}, ` +
          `${dec(proposal.solver.seconds)} s).` : ".")),
      repTable(proposal),
      moveList(proposal),
    ];
    if (proposal.status === "proposed") {
      const apply = el("button", {type: "button", id: "apply"}, "Apply");
      const discard = el("button", {type: "button", id: "discard", className: "secondary"},
        "Discard");
      apply.addEventListener("click", () => decide(proposal, "apply", apply, discard, status));
      discard.addEventListener("click", () => decide(proposal, "discard", apply, discard, status));
      parts.push(el("div", {className: "actions"}, apply, discard));
    }
    parts.push(status);
    panel.replaceChildren(...parts);
    panel.hidden = false;
    showMap(proposal.status === "proposed" ? proposal.id : null);
  }

  async function decide(proposal, action, apply, discard, status) {
    apply.disabled = true;
    discard.disabled = true;
    say(status, action === "apply" ? "Applying\u2026" : "Discarding\u2026", false);
    const result = await call("POST", `${API}/${proposal.id}/${action}`);
    if (!result.ok) {
      say(status, detail(result), true);
      // A 409 means the territories changed since: this proposal can no longer be applied.
      apply.disabled = result.status === 409;
      discard.disabled = false;
      return;
    }
    if (action === "apply") {
      window.sessionStorage.setItem(NOTICE_KEY,
        `Proposal #${proposal.id} applied: ${int(proposal.moved_accounts)} accounts moved.`);
      window.location.assign(`/manager?team_id=${teamId}`);
      return;
    }
    panel.hidden = true;
    panel.replaceChildren();
    setUrl(null);
    showMap(null);
    say(formStatus, `Proposal #${proposal.id} discarded.`, false);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {
      team_id: teamId,
      workload_tolerance: Number(data.get("tolerance")) / 100,
      value_tolerance: null,
      move_weight: Number(data.get("move_weight")),
      remove_rep_ids: data.getAll("remove_rep_ids").map(Number),
      time_limit_s: Number(data.get("time_limit")),
    };
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say(formStatus, "Asking for a proposal\u2026", false);
    const result = await call("POST", API, body);
    const proposal = result.ok ? await follow(result.data) : null;
    button.disabled = false;
    if (!result.ok) {
      say(formStatus, detail(result), true);
      return;
    }
    if (proposal) {
      say(formStatus, "", false);
      setUrl(proposal.id);
      showProposal(proposal);
    }
  });

  // The proposal is designed by a background job: its progress (seconds of the time limit)
  // and a cancel button until it ends; then the proposal it made, or null (said why).
  async function follow(job) {
    const bar = el("progress", {id: "proposal-progress"});
    const cancel = el("button", {type: "button", id: "cancel-proposal"}, "Cancel");
    const box = el("div", {id: "proposal-job"}, bar, " ", cancel);
    formStatus.after(box);
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      const stopped = await call("POST", `/api/v1/jobs/${job.id}/cancel`);
      if (!stopped.ok && stopped.status !== 409) {
        say(formStatus, detail(stopped), true);
        cancel.disabled = false;
      }
    });
    try {
      for (;;) {
        const {done, total} = job.progress;
        if (total > 0) {
          bar.max = total;
          bar.value = done;
        }
        if (job.state === "succeeded") {
          const made = await call("GET", job.links.proposal);
          if (!made.ok) {
            say(formStatus, detail(made), true);
            return null;
          }
          return made.data;
        }
        if (job.state === "failed" || job.state === "cancelled") {
          say(formStatus, job.state === "cancelled" ? "Cancelled: nothing was proposed." :
            `No proposal: ${job.error || "the job failed."}`, job.state === "failed");
          return null;
        }
        say(formStatus, job.cancel_requested ? "Cancelling\u2026" :
          job.state === "queued" ? "Waiting for a solver\u2026" :
          `Designing\u2026 ${int(done)} of ${int(total)} s`, false);
        await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
        const polled = await call("GET", `/api/v1/jobs/${job.id}`);
        if (polled.ok) {
          job = polled.data;
        } else if (polled.status !== 0) {
          say(formStatus, detail(polled), true);
          return null;
        }
      }
    } finally {
      box.remove();
    }
  }

  async function start() {
    const notice = window.sessionStorage.getItem(NOTICE_KEY);
    if (notice) {
      window.sessionStorage.removeItem(NOTICE_KEY);
      say(formStatus, notice, false);
    }
    const id = new URLSearchParams(window.location.search).get("proposal_id");
    if (!id || !/^\d+$/.test(id)) {
      return;
    }
    const result = await call("GET", `${API}/${id}`);
    if (!result.ok) {
      say(formStatus, detail(result), true);
      return;
    }
    if (result.data.team_id === teamId) {
      showProposal(result.data);
    }
  }

  start();
})();
