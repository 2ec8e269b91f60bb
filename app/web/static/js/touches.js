// Logging a call, e-mail or video meeting from a list of accounts: the inside page's queue
// (/inside) and the phone page's call-instead list (/rep). A card's button opens the form from
// <template id="touch-form">; the form is sent to the touches API with an Idempotency-Key (a
// double tap, or a repeat after a lost answer, logs it once) and the card shows what was logged
// in place: no page reload. A touch logged on the wrong card is undone from the card ("Undo": the
// touch is cancelled through PATCH /api/v1/visits/{id} and stops counting toward the account's
// cadence). Text from the server or the rep is only ever set with textContent.
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

  function logged(card, touch) {
    card.dataset.state = "touched";
    const said = [`${channelName(touch.channel)} logged`, touch.outcome,
      touch.next_step ? `next: ${touch.next_step}` : ""];
    const result = card.querySelector(".touch-result");
    result.textContent = said.filter(Boolean).join(" \u00b7 ");
    const undo = document.createElement("button");
    undo.type = "button";
    undo.className = "secondary";
    undo.dataset.touch = "undo";
    undo.dataset.visitId = String(touch.id);
    undo.dataset.channel = touch.channel;
    undo.textContent = "Undo";
    undo.setAttribute("aria-label",
      `Undo the ${channelName(touch.channel)} logged with ${card.querySelector("h3").textContent}`);
    result.after(undo);
    countLeft(-1);
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
    button.remove();
    card.dataset.state = "open";
    card.querySelector(".touch-result").textContent = `${channel} undone`;
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
    // One key per form: a second tap while the first is on its way is the same touch.
    form.dataset.key = form.dataset.key || newKey();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say("", false);
    const result = await call("POST", "/api/v1/touches", body, undefined,
      {"Idempotency-Key": form.dataset.key});
    button.disabled = false;
    const name = card.querySelector("h3").textContent;
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
      }
    });
    list.addEventListener("submit", (event) => {
      if (!event.target.classList.contains("touch-form")) {
        return;
      }
      event.preventDefault();
      send(list, event.target.closest(".call"), event.target);
    });
  }
})();
