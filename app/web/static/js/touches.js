// Logging a call, e-mail or video meeting from a list of accounts: the inside page's queue
// (/inside) and the phone page's call-instead list (/rep). A card's button opens the form from
// <template id="touch-form">; the form is sent to the touches API with an Idempotency-Key (a
// double tap, or a repeat after a lost answer, logs it once) and the card shows what was logged
// in place: no page reload. A touch logged on the wrong card is undone from the card ("Undo": the
// touch is cancelled through PATCH /api/v1/visits/{id} and stops counting toward the account's
// cadence). On the phone page a touch logged without a connection waits in the page's offline
// queue (static/js/rep.js, `window.fieldrouteOutbox`) and is sent with the visits when the
// connection returns; until then its Undo takes it off the queue. Text from the server or the
// rep is only ever set with textContent.
"use strict";

(function () {
  const template = document.getElementById("touch-form");
  const msg = document.getElementById("msg");
  if (!template || !msg) {
    return;
  }
  const {call, detail} = window.fieldroute;
  const say = (text, isError) => window.fieldroute.say(msg, text, isError);
  const CHANNELS = {call: "Call", email: "E-mail", video: "Video meeting"};
  const channelName = (channel) => CHANNELS[channel] || channel;
  const left = document.getElementById("queue-left");
  const outbox = window.fieldrouteOutbox;

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function closeForm(card) {
    const open = card.querySelector(".touch-form");
    if (open) {
      open.remove();
    }
    card.classList.remove("editing");
  }

  function openForm(list, card) {
    for (const other of list.querySelectorAll(".call.editing")) {
      closeForm(other);
    }
    const form = template.content.firstElementChild.cloneNode(true);
    card.querySelector(".touch-actions").after(form);
    card.classList.add("editing");
    form.elements.channel.focus();
  }

  // Why the touch was refused, in words for the rep rather than the API's.
  function failure(result) {
    if (result.status === 404) {
      return "this account is no longer one of yours. Reload to see the list as it is now.";
    }
    if (result.status === 401) {
      return "you are signed out. Sign in again, then log it again.";
    }
    if (result.status === 0 || result.status >= 500) {
      return "it could not be saved; try again.";
    }
    return detail(result).replace(/^[a-z_]+: /, "");
  }

  function countLeft(change) {
    if (left) {
      left.textContent = String(Math.max(0, Number(left.textContent) + change));
    }
  }

  // What was logged (a touch from the API, or the body of one waiting to be sent).
  function words(touch) {
    return [`${channelName(touch.channel)} logged`, touch.outcome,
      touch.next_step ? `next: ${touch.next_step}` : ""].filter(Boolean).join(" \u00b7 ");
  }

  // The card as logged, with one Undo: `data` goes on the button (what it undoes).
  function shown(card, touch, data) {
    card.dataset.state = "touched";
    for (const old of card.querySelectorAll("button[data-touch=undo], button[data-touch=unqueue]")) {
      old.remove();
    }
    const result = card.querySelector(".touch-result");
    result.textContent = words(touch);
    const undo = document.createElement("button");
    undo.type = "button";
    undo.className = "secondary";
    Object.assign(undo.dataset, data, {channel: touch.channel});
    undo.textContent = "Undo";
    undo.setAttribute("aria-label",
      `Undo the ${channelName(touch.channel)} logged with ${card.querySelector("h3").textContent}`);
    result.after(undo);
  }

  function logged(card, touch) {
    shown(card, touch, {touch: "undo", visitId: String(touch.id)});
    countLeft(-1);
  }

  function waitingToSend(card, body, key) {
    shown(card, body, {touch: "unqueue", key});
  }

  function unqueue(card, button) {
    const name = card.querySelector("h3").textContent;
    const channel = channelName(button.dataset.channel);
    if (!outbox.forget(button.dataset.key)) {
      say(`${name}: the ${channel.toLowerCase()} is being sent now; undo it once it shows ` +
        "as logged.", true);
      return;
    }
    reopened(card, button, `${channel} undone`);
    say(`${name}: ${channel.toLowerCase()} undone before it was sent.`, false);
  }

  // The card open again (undone, or refused on sending), without `button`.
  function reopened(card, button, said) {
    if (button) {
      button.remove();
    }
    card.dataset.state = "open";
    card.querySelector(".touch-result").textContent = said;
  }

  async function undo(card, button) {
    const name = card.querySelector("h3").textContent;
    const channel = channelName(button.dataset.channel);
    button.dataset.key = button.dataset.key || newKey();
    button.disabled = true;
    say("", false);
    const result = await call("PATCH", `/api/v1/visits/${button.dataset.visitId}`,
      {status: "cancelled", reason: "undone on the page"}, undefined,
      {"Idempotency-Key": button.dataset.key});
    if (!result.ok) {
      button.disabled = false;
      say(`${name}: not undone: ${failure(result)}`, true);
      return;
    }
    reopened(card, button, `${channel} undone`);
    countLeft(1);
    say(`${name}: ${channel.toLowerCase()} undone; it no longer counts.`, false);
  }

  async function send(list, card, form) {
    const data = new FormData(form);
    const body = {account_id: Number(card.dataset.accountId), channel: String(data.get("channel"))};
    if (list.dataset.repId) {
      body.rep_id = Number(list.dataset.repId);
    }
    for (const field of ["outcome", "notes", "next_step"]) {
      const value = String(data.get(field) || "").trim();
      if (value) {
        body[field] = value;
      }
    }
    if (outbox && (!navigator.onLine || outbox.waiting())) {
      // Behind the changes already waiting, so they reach the server in the order tapped.
      closeForm(card);
      waitingToSend(card, body, outbox.addTouch(card, body));
      return;
    }
    // One key per form: a second tap while the first is on its way is the same touch.
    form.dataset.key = form.dataset.key || newKey();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say("", false);
    const result = await call("POST", "/api/v1/touches", body, undefined,
      {"Idempotency-Key": form.dataset.key});
    button.disabled = false;
    const name = card.querySelector("h3").textContent;
    if (result.status === 0 && outbox) {
      closeForm(card);
      // Sent with its key already: the server may have it; a repeat with the key is harmless.
      waitingToSend(card, body, outbox.addTouch(card, body, form.dataset.key));
      return;
    }
    if (!result.ok) {
      say(`${name}: not logged: ${failure(result)}`, true);
      return;
    }
    closeForm(card);
    logged(card, result.data);
    say(`${name}: ${channelName(result.data.channel).toLowerCase()} logged.`, false);
  }

  for (const list of document.querySelectorAll("[data-touch-list]")) {
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-touch]");
      if (!button) {
        return;
      }
      const card = button.closest(".call");
      if (button.dataset.touch === "open") {
        openForm(list, card);
      } else if (button.dataset.touch === "cancel") {
        closeForm(card);
        say("", false);
      } else if (button.dataset.touch === "undo") {
        undo(card, button);
      } else if (button.dataset.touch === "unqueue") {
        unqueue(card, button);
      }
    });
    // Sent from the phone's queue (static/js/rep.js), or refused there (it says why).
    list.addEventListener("fieldroute:touch-sent", (event) => {
      logged(event.target, event.detail);
    });
    list.addEventListener("fieldroute:touch-refused", (event) => {
      reopened(event.target, event.target.querySelector("button[data-touch=unqueue]"), "");
    });
    list.addEventListener("submit", (event) => {
      if (!event.target.classList.contains("touch-form")) {
        return;
      }
      event.preventDefault();
      send(list, event.target.closest(".call"), event.target);
    });
  }

  // What still waits on this phone shows on its card after a reload (the kept copy predates it).
  for (const item of outbox ? outbox.touches() : []) {
    if (item.card) {
      waitingToSend(item.card, item.body, item.key);
    }
  }
})();
