// The rep's phone page (/rep): tabs, the visit buttons (arrived, done, skip) sent to the visits
// API and shown on their card in place, planning a day that has no plan yet, and re-planning
// from the phone's position. Text from the server is only ever set with textContent.
"use strict";

(function () {
  const day = document.getElementById("day");
  if (!day) {
    return;
  }
  const repId = Number(day.dataset.repId);
  const date = day.dataset.date;
  const msg = document.getElementById("msg");
  const stops = document.getElementById("stops");
  const mapFrame = document.getElementById("map");
  const NOTICE_KEY = "fieldroute.rep.notice";
  const REASON_MAX = 200;
  const WORDS = {planned: "Planned", booked: "Appointment", arrived: "On site", done: "Done",
    skipped: "Skipped", cancelled: "Cancelled"};

  const {call, detail} = window.fieldroute;
  const say = (text, isError) => window.fieldroute.say(msg, text, isError);
  msg.addEventListener("click", () => say("", false));

  // Tabs: without this script every panel simply shows, one under the other.
  const tabs = Array.from(document.querySelectorAll("[role=tab]"));
  function showTab(tab, focus) {
    for (const other of tabs) {
      const on = other === tab;
      other.setAttribute("aria-selected", String(on));
      other.tabIndex = on ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) {
      tab.focus();
    }
  }
  if (tabs.length) {
    tabs[0].parentElement.hidden = false;
    document.body.classList.add("tabbed");
    tabs.forEach((tab, i) => {
      tab.addEventListener("click", () => showTab(tab, false));
      tab.addEventListener("keydown", (event) => {
        const step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
        if (step) {
          event.preventDefault();
          showTab(tabs[(i + step + tabs.length) % tabs.length], true);
        }
      });
    });
    showTab(tabs[0], false);
  }

  function refreshMap() {
    if (mapFrame && mapFrame.contentWindow) {
      mapFrame.contentWindow.location.reload();
    }
  }

  function setState(card, visit) {
    card.dataset.state = visit.status;
    card.querySelector(".badge").textContent = WORDS[visit.status] || visit.status;
    const said = visit.status === "done" ? [visit.outcome || "Done", visit.notes] :
      visit.status === "skipped" ? [visit.reason, visit.notes] : [];
    card.querySelector(".result").textContent = said.filter(Boolean).join(" \u00b7 ");
    const done = stops.querySelectorAll(".stop[data-state=done]").length;
    const total = stops.querySelectorAll(".stop").length;
    document.getElementById("sum-done").textContent = `${done} of ${total}`;
  }

  function closeForm(card) {
    const open = card.querySelector(".visit-form");
    if (open) {
      open.remove();
    }
    card.classList.remove("editing");
  }

  function openForm(card, templateId) {
    for (const other of stops.querySelectorAll(".stop.editing")) {
      closeForm(other);
    }
    const form = document.getElementById(templateId).content.firstElementChild.cloneNode(true);
    card.querySelector(".actions").after(form);
    card.classList.add("editing");
    form.querySelector("select, textarea, input").focus();
  }

  async function send(card, fields, button) {
    const body = Object.assign({account_id: Number(card.dataset.accountId), rep_id: repId, date},
      fields);
    button.disabled = true;
    say("", false);
    const result = await call("POST", "/api/v1/visits", body);
    button.disabled = false;
    if (!result.ok) {
      const name = card.querySelector("h3").textContent;
      // 409: recorded meanwhile from another device or tab; this card is out of date.
      const why = result.status === 409 ?
        "this stop was already recorded (on another device?). Reload the page to see it." :
        detail(result);
      say(`${name}: ${why}`, true);
      return;
    }
    closeForm(card);
    setState(card, result.data);
    refreshMap();
  }

  function visitFields(form) {
    const data = new FormData(form);
    const notes = String(data.get("notes") || "").trim();
    const fields = {status: form.dataset.status};
    if (fields.status === "done") {
      if (data.get("outcome")) {
        fields.outcome = String(data.get("outcome"));
      }
      if (notes) {
        fields.notes = notes;
      }
      return fields;
    }
    const reason = String(data.get("reason") || "");
    if (!reason) {
      say("Choose a reason to skip this stop.", true);
      form.elements.reason.focus();
      return null;
    }
    if (reason === "other") {
      if (!notes) {
        say("Write why in the note to skip with another reason.", true);
        form.elements.notes.focus();
        return null;
      }
      fields.reason = notes.slice(0, REASON_MAX);
    } else {
      fields.reason = reason;
      if (notes) {
        fields.notes = notes;
      }
    }
    return fields;
  }

  if (stops) {
    stops.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) {
        return;
      }
      const card = button.closest(".stop");
      const action = button.dataset.action;
      if (action === "arrived") {
        send(card, {status: "arrived"}, button);
      } else if (action === "done") {
        openForm(card, "done-form");
      } else if (action === "skip") {
        openForm(card, "skip-form");
      } else if (action === "cancel") {
        closeForm(card);
        say("", false);
      }
    });
    stops.addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      const fields = visitFields(form);
      if (fields) {
        send(form.closest(".stop"), fields, form.querySelector("button[type=submit]"));
      }
    });
  }

  // A tap on a map marker brings its card into view.
  window.addEventListener("message", (event) => {
    if (event.origin !== window.location.origin || !event.data) {
      return;
    }
    const card = document.getElementById(`stop-${Number(event.data.fieldrouteStop)}`);
    if (card) {
      card.scrollIntoView({behavior: "smooth", block: "start"});
    }
  });

  // Where the phone is, or null: after 5 s, on refusal, or without geolocation. The own timer
  // also covers a permission prompt the rep never answers (the API's timeout waits for it).
  function here() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) {
        resolve(null);
        return;
      }
      const timer = window.setTimeout(() => resolve(null), 5000);
      navigator.geolocation.getCurrentPosition(
        (position) => {
          window.clearTimeout(timer);
          resolve(position.coords);
        },
        () => {
          window.clearTimeout(timer);
          resolve(null);
        },
        {enableHighAccuracy: true, timeout: 5000, maximumAge: 60000});
    });
  }

  async function planAndReload(button, body, notice) {
    button.disabled = true;
    say("Planning\u2026 (a few seconds)", false);
    const result = await call("POST", button.dataset.url, body);
    if (!result.ok) {
      button.disabled = false;
      say(detail(result), true);
      return;
    }
    // A day plan that planned no day (the API says which days it kept as they were).
    if (Array.isArray(result.data.plans) && !result.data.plans.length) {
      button.disabled = false;
      say("There is nothing to plan on this day.", false);
      return;
    }
    window.sessionStorage.setItem(NOTICE_KEY, notice);
    window.location.reload();
  }

  const replan = document.getElementById("replan");
  if (replan) {
    replan.addEventListener("click", async () => {
      replan.disabled = true;
      say("Finding where you are\u2026", false);
      const coords = await here();
      const body = coords ? {latitude: coords.latitude, longitude: coords.longitude} : {};
      planAndReload(replan, body, coords ? "Re-planned from where you are." :
        "Re-planned from your last stop done (your position was not available).");
    });
  }
  const again = document.getElementById("plan-again");
  if (again) {
    again.addEventListener("click", () => planAndReload(again, {date: again.dataset.date},
      "Planned again."));
  }
  // A day with no plan yet: opening the page plans nothing, this button does.
  const first = document.getElementById("plan-day");
  if (first) {
    first.addEventListener("click", () => planAndReload(first, {date: first.dataset.date},
      "Planned."));
  }

  const notice = window.sessionStorage.getItem(NOTICE_KEY);
  if (notice) {
    window.sessionStorage.removeItem(NOTICE_KEY);
    say(notice, false);
  }
})();
