// Logging a call, e-mail or video meeting from a list of accounts: the inside page's queue
// (/inside) and the phone page's call-instead list (/rep). A card's button opens the form from
// <template id="touch-form">; the form is sent to the touches API with an Idempotency-Key (a
// double tap, or a repeat after a lost answer, logs it once) and the card shows what was logged
// in place: no page reload. Text from the server or the rep is only ever set with textContent.
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

  function logged(card, touch) {
    card.dataset.state = "touched";
    const said = [`${CHANNELS[touch.channel] || touch.channel} logged`, touch.outcome,
      touch.next_step ? `next: ${touch.next_step}` : ""];
    card.querySelector(".touch-result").textContent = said.filter(Boolean).join(" \u00b7 ");
    if (left) {
      const open = Math.max(0, Number(left.textContent) - 1);
      left.textContent = String(open);
    }
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
    say(`${name}: ${CHANNELS[result.data.channel].toLowerCase()} logged.`, false);
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
