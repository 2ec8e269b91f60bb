// "Find a time" on the inside page's queue (/inside): a card's button asks the slots API when a
// field rep can see the account (POST /api/v1/appointments/slots), lists the best times with
// what each does to the rep's day, and a slot's Book button books it
// (POST /api/v1/appointments/slots/book: the appointment, and the rep's day planned again).
// Three taps: Find a time, Book, done. Text from the server is only ever set with textContent.
"use strict";

(function () {
  const list = document.getElementById("queue");
  if (!list) {
    return;
  }
  const {call, detail} = window.fieldroute;
  const say = (target, text, isError) => window.fieldroute.say(target, text, isError);
  const SHOWN = 5;

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
      return "this account is no longer one you can book for. Reload to see the list as it is now.";
    }
    if (result.status === 401) {
      return "you are signed out. Sign in again, then try again.";
    }
    if (result.status === 0 || result.status >= 500) {
      return "the search could not be done; try again.";
    }
    return detail(result).replace(/^[a-z_]+: /, "");
  }

  function what(slot) {
    const parts = [slot.rep_name, `+${Math.round(slot.added_drive_minutes)} min drive`,
      `${slot.added_km} km`];
    if (slot.displaced.length) {
      parts.push(`moves ${slot.displaced.map((d) => d.name).join(", ")}`);
    }
    return parts.join(" \u00b7 ");
  }

  function showSlots(card, answer) {
    const box = card.querySelector(".slot-box");
    const msg = box.querySelector(".slot-msg");
    const slots = box.querySelector(".slots");
    slots.replaceChildren();
    box.querySelector(".reasons")?.remove();
    if (!answer.slots.length) {
      say(msg, "No time found in the next days:", true);
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
      book.dataset.slot = "book";
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
    button.disabled = true;
    say(msg, "Looking for a time\u2026", false);
    const minutes = Number(card.querySelector(".slot-length select").value);
    const result = await call("POST", "/api/v1/appointments/slots",
      {account_id: Number(card.dataset.accountId), duration_minutes: minutes},
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
    say(msg, `Booked: ${slot.start_text} with ${slot.rep_name}. ` +
      `${slot.rep_name}'s day is planned again: ${plan.stops.length} stops.`, false);
    button.remove();
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-slot='find']");
    if (button && list.contains(button)) {
      findSlots(button.closest(".call"), button);
    }
  });
})();
