// "Find a time" on the inside page (/inside): on a queue card, on an account found by name, or
// on the new-prospect form, the button asks the slots API when a field rep can see them
// (POST /api/v1/appointments/slots), lists the best times with what each does to the rep's
// day, and a time's Book button books it (POST /api/v1/appointments/slots/book: the
// appointment, and the rep's day planned again). Three taps: Find a time, Book, done (an
// account not in the queue: Search first). Text from the server is only ever set with
// textContent.
"use strict";

(function () {
  const main = document.getElementById("inside");
  if (!main) {
    return;
  }
  const {call, detail} = window.fieldroute;
  const say = (target, text, isError) => window.fieldroute.say(target, text, isError);
  const SHOWN = 5;
  const FOUND = 5;

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) {
      made.className = className;
    }
    if (text !== undefined) {
      made.textContent = text;
    }
    return made;
  }

  function failure(result) {
    if (result.status === 404) {
      return "this account is not one you can book for. Reload to see the list as it is now.";
    }
    if (result.status === 401) {
      return "you are signed out. Sign in again, then try again.";
    }
    if (result.status === 0 || result.status >= 500) {
      return "the server could not do it; try again.";
    }
    return detail(result).replace(/^[a-z_.]+: /, "");
  }

  function what(slot) {
    const parts = [slot.rep_name, `+${Math.round(slot.added_drive_minutes)} min drive`,
      `${slot.added_km} km`];
    if (slot.displaced.length) {
      parts.push(`moves ${slot.displaced.map((d) => d.name).join(", ")}`);
    }
    return parts.join(" \u00b7 ");
  }

  // Who the meeting is with: the card's account, or the prospect form's fields (null: say why).
  function subject(card, msg) {
    if (card.dataset.accountId) {
      return {account_id: Number(card.dataset.accountId)};
    }
    const form = card.querySelector("form.prospect-form");
    const prospect = {};
    for (const field of ["name", "street", "city", "postcode"]) {
      const value = String(form.elements[field].value || "").trim();
      if (value) {
        prospect[field] = value;
      }
    }
    if (!prospect.name || !(prospect.street || prospect.city || prospect.postcode)) {
      say(msg, "Give the prospect's name and address (street, city or postcode).", true);
      return null;
    }
    return {prospect};
  }

  function showSlots(card, answer) {
    const box = card.querySelector(".slot-box");
    const msg = box.querySelector(".slot-msg");
    const slots = box.querySelector(".slots");
    slots.replaceChildren();
    box.querySelector(".reasons")?.remove();
    if (!answer.slots.length) {
      say(msg, "No time found in the days searched:", true);
      const reasons = element("ul", "reasons");
      const seen = new Set();
      for (const reason of answer.reasons) {
        const text = reason.rep_name && !reason.detail.includes(reason.rep_name)
          ? `${reason.rep_name}: ${reason.detail}` : reason.detail;
        if (!seen.has(text) && seen.size < SHOWN) {
          seen.add(text);
          reasons.append(element("li", "", text));
        }
      }
      box.append(reasons);
      return;
    }
    say(msg, `Best times for a ${answer.duration_minutes} min visit:`, false);
    for (const slot of answer.slots.slice(0, SHOWN)) {
      const item = element("li", "slot");
      const text = element("div");
      text.append(element("div", "when", slot.start_text), element("div", "what", what(slot)),
        element("div", "what note", slot.note));
      const book = element("button", "", "Book");
      book.type = "button";
      book.setAttribute("aria-label", `Book ${slot.start_text} with ${slot.rep_name}`);
      book.addEventListener("click", () => bookSlot(card, slot, book));
      item.append(text, book);
      slots.append(item);
    }
  }

  async function findSlots(card, button) {
    const box = card.querySelector(".slot-box");
    const msg = box.querySelector(".slot-msg");
    box.hidden = false;
    box.querySelector(".reasons")?.remove();
    const body = subject(card, msg);
    if (!body) {
      return;
    }
    body.duration_minutes = Number(card.querySelector(".slot-length select").value);
    button.disabled = true;
    say(msg, "Looking for a time\u2026", false);
    const result = await call("POST", "/api/v1/appointments/slots", body,
      "No connection: try again.");
    button.disabled = false;
    if (!result.ok) {
      box.querySelector(".slots").replaceChildren();
      say(msg, `No times: ${failure(result)}`, true);
      return;
    }
    showSlots(card, result.data);
  }

  async function bookSlot(card, slot, button) {
    const box = card.querySelector(".slot-box");
    const msg = box.querySelector(".slot-msg");
    for (const other of box.querySelectorAll("button")) {
      other.disabled = true;
    }
    say(msg, "Booking\u2026", false);
    const result = await call("POST", "/api/v1/appointments/slots/book", slot.book,
      "No connection: nothing was booked. Try again.");
    if (!result.ok) {
      for (const other of box.querySelectorAll("button")) {
        other.disabled = false;
      }
      say(msg, `Not booked: ${failure(result)}`, true);
      return;
    }
    const plan = result.data.plan;
    box.querySelector(".slots").replaceChildren();
    card.dataset.booked = "true";
    const stored = result.data.account_created ? " The prospect is now an account." : "";
    say(msg, `Booked: ${slot.start_text} with ${slot.rep_name}. ` +
      `${slot.rep_name}'s day is planned again: ${plan.stops.length} stops.${stored}`, false);
    button.remove();
  }

  // An account by name: up to FOUND of those you may see, each a card with Find a time.
  const search = document.getElementById("account-search");
  const found = document.getElementById("found-accounts");
  const template = document.getElementById("slot-card");
  const searchMsg = document.getElementById("account-search-msg");
  if (search && found && template && searchMsg) {
    search.addEventListener("submit", async (event) => {
      event.preventDefault();
      const q = String(search.elements.q.value || "").trim();
      found.replaceChildren();
      if (!q) {
        say(searchMsg, "Type part of an account's name.", true);
        return;
      }
      const query = new URLSearchParams({q, limit: String(FOUND), active: "true", sort: "name"});
      const result = await call("GET", `/api/v1/accounts?${query}`, undefined,
        "No connection: try again.");
      if (!result.ok) {
        say(searchMsg, `Not searched: ${failure(result)}`, true);
        return;
      }
      const items = result.data.items;
      say(searchMsg, items.length ? "" : `No account matches \u201c${q}\u201d.`, !items.length);
      for (const account of items) {
        const card = template.content.firstElementChild.cloneNode(true);
        card.dataset.accountId = String(account.id);
        card.querySelector("h3").textContent = account.name;
        card.querySelector(".addr").textContent =
          [account.street, account.city, account.postcode].filter(Boolean).join(", ");
        const button = card.querySelector("[data-slot='find']");
        button.setAttribute("aria-label", `Find a time for a field visit to ${account.name}`);
        found.append(card);
      }
    });
  }

  main.addEventListener("click", (event) => {
    const button = event.target.closest("[data-slot='find']");
    if (button && main.contains(button)) {
      findSlots(button.closest(".slot-card, .call"), button);
    }
  });
})();
