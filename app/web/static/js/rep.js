// The rep's phone page (/rep): tabs, the visit buttons (arrived, done, skip) sent to the visits
// API and shown on their card in place, planning a day that has no plan yet (with the rest of
// its week), re-planning from the phone's position, and refreshing a plan that is out of date
// (by a tap; by itself on opening a day not started). Text from the server is only ever set
// with textContent.
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
    card.dataset.conflict = "false";
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

  // The offline queue: visits tapped without a connection (or whose request could not be
  // sent) wait in localStorage, each with its own Idempotency-Key, and are sent in order when
  // the connection returns (the `online` event, a page load, every 30 s). The server answers a
  // repeated key with its first answer, so a change whose answer was lost is not made twice.
  // A refusal on sending (409: recorded meanwhile elsewhere; 422/404: the day or stop changed)
  // is said in words and dropped, not retried. Calls, e-mails and videos logged from the "Call
  // instead" list (static/js/touches.js, through `window.fieldrouteOutbox` below) wait in the
  // same queue, in the order tapped with the visits.
  const QUEUE_KEY = "fieldroute.rep.queue";
  const waiting = document.getElementById("waiting");
  const MAX_TRIES = 5;

  function queued() {
    try {
      const items = JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (err) {
      return [];
    }
  }

  function saveQueue(items) {
    window.localStorage.setItem(QUEUE_KEY, JSON.stringify(items));
    showWaiting(items);
  }

  function showWaiting(items) {
    if (!waiting) {
      return;
    }
    const n = items.length;
    waiting.hidden = n === 0;
    waiting.textContent = n === 0 ? "" : (n === 1 ? "1 change waiting to send" :
      `${n} changes waiting to send`) + (navigator.onLine ? "" : " (no connection)");
  }

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function cardFor(item) {
    if (item.date !== date || item.repId !== repId) {
      return null;
    }
    const id = Number(item.body.account_id);
    if (item.kind === "touch") {
      return document.querySelector(`#calls .call[data-account-id="${id}"]`);
    }
    return stops ? stops.querySelector(`.stop[data-account-id="${id}"]`) : null;
  }

  function markPending(card, on) {
    let note = card.querySelector(".pending");
    if (on && !note) {
      note = document.createElement("p");
      note.className = "pending";
      note.textContent = "Waiting to send";
      card.querySelector(".result").after(note);
    } else if (!on && note) {
      note.remove();
    }
    card.classList.toggle("queued", on);
  }

  function showQueued(card, body) {
    setState(card, body);
    markPending(card, true);
  }

  // `key`: the key a request already went out with (its answer was lost), sent again with
  // the very same body; otherwise a new key, and the time of the tap (sent later, the server's
  // "now" would be the time the signal came back).
  function enqueueItem(card, kind, url, fields, key) {
    const body = key ? fields : Object.assign({at: new Date().toISOString()}, fields);
    const items = queued();
    const item = {kind, key: key || newKey(), url, repId, date, body,
      name: card.querySelector("h3").textContent, before: card.dataset.state, tries: 0};
    items.push(item);
    saveQueue(items);
    return item;
  }

  function enqueue(card, fields, key) {
    const item = enqueueItem(card, "visit", "/api/v1/visits", fields, key);
    showQueued(card, Object.assign({}, item.body));
  }

  function refusal(item, result) {
    const what = item.kind === "touch" ?
      ({call: "call", email: "e-mail", video: "video meeting"}[item.body.channel] ||
        item.body.channel) :
      ({arrived: "Arrived", done: "Done", skipped: "Skip"}[item.body.status] || item.body.status);
    if (result.status === 409 && item.kind !== "touch") {
      return `${item.name}: your ${what} from offline was not saved: this stop was already ` +
        "recorded meanwhile (on another device, or by your manager). Reload to see it.";
    }
    return `${item.name}: your ${what} from offline was not saved: ${detail(result)}. ` +
      "Reload to see the day as it is now.";
  }

  let draining = false;
  let sending = null;  // the key of the change on its way to the server

  async function drainNow() {
    const problems = [];
    let sent = 0;
    for (;;) {
      const items = queued();
      if (!items.length || !navigator.onLine) {
        break;
      }
      const item = items[0];
      sending = item.key;
      const result = await call("POST", item.url, item.body, undefined,
        {"Idempotency-Key": item.key});
      sending = null;
      const card = cardFor(item);
      if (result.ok) {
        saveQueue(queued().filter((other) => other.key !== item.key));
        sent += 1;
        if (card) {
          markPending(card, queued().some((other) => cardFor(other) === card));
          if (item.kind === "touch") {
            card.dispatchEvent(new CustomEvent("fieldroute:touch-sent",
              {bubbles: true, detail: result.data}));
          } else {
            setState(card, result.data);
          }
        }
        continue;
      }
      if (result.status === 0) {
        break;  // still no connection: try again later
      }
      if (result.status === 401) {
        problems.push("Sign in again to send the changes waiting on this phone.");
        break;
      }
      const retry = result.status >= 500 || result.status === 429;
      if (retry && item.tries + 1 < MAX_TRIES) {
        item.tries += 1;
        saveQueue(items);
        break;
      }
      saveQueue(queued().filter((other) => other.key !== item.key));
      problems.push(refusal(item, result));
      if (card) {
        markPending(card, false);
        if (item.kind === "touch") {
          card.dispatchEvent(new CustomEvent("fieldroute:touch-refused", {bubbles: true}));
        } else {
          if (item.before) {
            setState(card, {status: item.before});
          }
          card.dataset.conflict = "true";
        }
      }
    }
    if (problems.length) {
      say(problems.join(" "), true);
    } else if (sent) {
      say(sent === 1 ? "1 change sent." : `${sent} changes sent.`, false);
    }
    if (sent || problems.length) {
      refreshMap();
      keepFresh();
    }
  }

  async function drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      // One tab at a time sends the queue (it is shared by the tabs of this site).
      if (navigator.locks) {
        await navigator.locks.request("fieldroute-queue", drainNow);
      } else {
        await drainNow();
      }
    } finally {
      draining = false;
    }
  }

  // The queue as static/js/touches.js uses it for the "Call instead" list (the desk page has
  // no queue: there a touch is sent or refused at once).
  window.fieldrouteOutbox = Object.freeze({
    // How many changes wait (a new one goes behind them).
    waiting: () => queued().length,
    // Queue a touch (`key`: the one a request already went out with); its key.
    addTouch(card, body, key) {
      const item = enqueueItem(card, "touch", "/api/v1/touches", body, key);
      markPending(card, true);
      drain();
      return item.key;
    },
    // The touches waiting, each with its card on this page (or null).
    touches: () => queued().filter((item) => item.kind === "touch")
      .map((item) => ({key: item.key, body: item.body, card: cardFor(item)})),
    // Take a waiting touch back; false if it is no longer waiting or is being sent now.
    forget(key) {
      const items = queued();
      const item = items.find((other) => other.key === key);
      if (!item || key === sending) {
        return false;
      }
      saveQueue(items.filter((other) => other.key !== key));
      const card = cardFor(item);
      if (card) {
        markPending(card, queued().some((other) => cardFor(other) === card));
      }
      return true;
    },
  });

  // Why a visit sent online was refused, in words for the rep rather than the API's.
  function failure(result) {
    if (result.status === 404) {
      return "this stop's account is no longer in your territory. Reload to see your day.";
    }
    if (result.status === 409) {
      // Recorded meanwhile from another device or tab; this card is out of date.
      return "this stop was already recorded (on another device?). Reload to see it.";
    }
    if (result.status === 401) {
      return "you are signed out. Sign in again, then tap it again.";
    }
    if (result.status >= 500) {
      return "the server could not save it; try again.";
    }
    // 422 and the rest: the server's own sentence, without the field it names.
    return detail(result).replace(/^[a-z_]+: /, "");
  }

  async function send(card, fields, button) {
    const body = Object.assign({account_id: Number(card.dataset.accountId), rep_id: repId, date},
      fields);
    say("", false);
    if (!navigator.onLine || queued().length) {
      // Behind the changes already waiting, so they reach the server in the order tapped.
      closeForm(card);
      enqueue(card, body);
      drain();
      return;
    }
    const key = newKey();
    button.disabled = true;
    const result = await call("POST", "/api/v1/visits", body, undefined,
      {"Idempotency-Key": key});
    button.disabled = false;
    if (result.status === 0) {
      closeForm(card);
      // Sent with its key already: the server may have it; a repeat with the key is harmless.
      enqueue(card, body, key);
      return;
    }
    if (!result.ok) {
      say(`${card.querySelector("h3").textContent}: ${failure(result)}`, true);
      return;
    }
    closeForm(card);
    setState(card, result.data);
    refreshMap();
    keepFresh();
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
      const coords = await window.fieldroute.here();
      const body = coords ? {latitude: coords.latitude, longitude: coords.longitude} : {};
      planAndReload(replan, body, coords ? "Re-planned from where you are." :
        "Re-planned from your last stop done (your position was not available).");
    });
  }
  // A day not started is planned with the rest of its week (data-from: the refresh's first
  // day), so that no account lands on two days; a started today alone, from now.
  function planBody(button) {
    return button.dataset.from ? {from_date: button.dataset.from} : {date: button.dataset.date};
  }
  function withWeek(button, text) {
    return button.dataset.from ? `${text} The rest of the week was planned with it.` : text;
  }
  const again = document.getElementById("plan-again");
  if (again) {
    again.addEventListener("click", () => planAndReload(again, planBody(again),
      withWeek(again, "Planned again.")));
  }
  // A day with no plan yet: opening the page plans nothing, this button does.
  const first = document.getElementById("plan-day");
  if (first) {
    first.addEventListener("click", () => planAndReload(first, planBody(first),
      withWeek(first, "Planned.")));
  }

  // A plan out of date (#stale lists why). Not started: "Refresh" re-plans the week's days
  // not started, and opening the rep's own page does it by itself, once a few minutes at most
  // (the answer could still be stale: a loop must not follow). A started today changes only
  // when the rep taps, through the mid-day re-plan. The refresh needs the network: offline,
  // the kept copy of the page just shows the notice.
  const stale = document.getElementById("stale");
  const AUTO_KEY = `fieldroute.rep.refreshed.${repId}.${date}`;
  const AUTO_AGAIN_MS = 5 * 60 * 1000;
  function staleReasons() {
    return Array.from(stale.querySelectorAll(".reasons li"), (li) => li.textContent).join("; ");
  }
  const refreshButton = document.getElementById("refresh");
  if (stale && refreshButton) {
    refreshButton.dataset.url = stale.dataset.url;
    refreshButton.addEventListener("click", () => planAndReload(refreshButton,
      {from_date: stale.dataset.from}, `Updated: ${staleReasons()}.`));
  }
  const staleReplan = document.getElementById("stale-replan");
  if (staleReplan && replan) {
    staleReplan.addEventListener("click", () => replan.click());
  }
  if (stale && refreshButton && stale.dataset.auto === "true" && navigator.onLine) {
    const last = Number(window.sessionStorage.getItem(AUTO_KEY) || 0);
    if (Date.now() - last > AUTO_AGAIN_MS) {
      window.sessionStorage.setItem(AUTO_KEY, String(Date.now()));
      planAndReload(refreshButton, {from_date: stale.dataset.from},
        `Updated: ${staleReasons()}.`);
    }
  }

  const notice = window.sessionStorage.getItem(NOTICE_KEY);
  if (notice) {
    window.sessionStorage.removeItem(NOTICE_KEY);
    say(notice, false);
  }
  // Installed as an app: the service worker keeps this page, tomorrow's and the maps for a
  // dead zone (static/js/rep-sw.js, served as /rep/sw.js).
  function worker(message) {
    // The active worker, not the page's controller: on the first visit the page is not
    // controlled yet, and that is when it most needs keeping.
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.ready.then((registration) => {
        if (registration.active) {
          registration.active.postMessage(message);
        }
      }).catch(() => undefined);
    }
  }

  function keepFresh() {
    worker({type: "refresh", urls: [window.location.href]});
  }

  function tomorrowUrl() {
    const next = day.querySelector("nav.days a.next");
    return next ? next.href : null;
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/rep/sw.js", {scope: "/rep"}).then(() =>
      navigator.serviceWorker.ready).then(() => {
      // The first visit is not served by the worker yet: keep it now, and tomorrow's day.
      const urls = [window.location.href];
      const isToday = !document.querySelector("a.back-today");
      const next = tomorrowUrl();
      if (isToday && next) {
        urls.push(next);
      }
      worker({type: "warm", urls});
    }).catch(() => undefined);
  }

  // Signing out forgets the kept pages (the next person on this phone must not see this day).
  const signout = document.querySelector("form.signout");
  if (signout) {
    signout.addEventListener("submit", (event) => {
      if (!window.caches || signout.dataset.forgotten) {
        return;
      }
      event.preventDefault();
      const waitingNow = queued().length;
      if (waitingNow && !window.confirm(`${waitingNow} changes have not been sent yet and ` +
        "will be lost if you sign out now. Sign out anyway?")) {
        return;
      }
      window.localStorage.removeItem(QUEUE_KEY);
      const done = () => {
        signout.dataset.forgotten = "true";
        signout.submit();
      };
      window.caches.keys().then((names) => Promise.all(names
        .filter((name) => name.startsWith("fieldroute-"))
        .map((name) => window.caches.delete(name)))).then(done, done);
    });
  }

  // What is still waiting shows on its card after a reload (the kept copy predates it).
  // (A touch's card shows its words from static/js/touches.js.)
  for (const item of queued()) {
    const card = cardFor(item);
    if (card && item.kind === "touch") {
      markPending(card, true);
    } else if (card) {
      showQueued(card, Object.assign({}, item.body));
    }
  }
  showWaiting(queued());
  window.addEventListener("online", () => {
    showWaiting(queued());
    drain();
  });
  window.addEventListener("offline", () => showWaiting(queued()));
  window.setInterval(drain, 30000);
  drain();
})();
