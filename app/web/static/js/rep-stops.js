// Pin and move stops on the rep's day (/rep): "Pin to this day" keeps a stop on the day
// through re-plans (tap again to unpin); "Move to another day" takes it off this day and
// onto another working day, both days planned again. Sent to the API with the session
// cookie; text from the server is only ever set with textContent.
"use strict";

(function () {
  const day = document.getElementById("day");
  const stops = document.getElementById("stops");
  if (!day || !stops) {
    return;
  }
  const {call, detail} = window.fieldroute;
  const msg = document.getElementById("msg");
  const say = (text, isError) => window.fieldroute.say(msg, text, isError);
  const base = `/api/v1/reps/${Number(day.dataset.repId)}/plans/${day.dataset.date}/stops`;
  const NOTICE_KEY = "fieldroute.rep.notice";

  function refusal(result) {
    if (result.status === 404) {
      return "this stop's account is not in your territory, or the day has changed. Reload.";
    }
    if (result.status === 401) {
      return "you are signed out. Sign in again, then try again.";
    }
    if (result.status >= 500) {
      return "the server could not do it; try again.";
    }
    return detail(result).replace(/^[a-z_]+: /, "");
  }

  function nameOf(card) {
    return card.querySelector("h3 a, h3").textContent.replace(/^Stop \d+: /, "");
  }

  async function pin(card, button, on) {
    const url = `${base}/${Number(card.dataset.accountId)}/pin`;
    button.disabled = true;
    const result = await call(on ? "PUT" : "DELETE", url);
    button.disabled = false;
    if (!result.ok) {
      say(`${nameOf(card)}: ${refusal(result)}`, true);
      return;
    }
    button.dataset.change = on ? "unpin" : "pin";
    button.setAttribute("aria-pressed", String(on));
    button.textContent = on ? "Pinned to this day" : "Pin to this day";
    say(on ? `${nameOf(card)} stays on this day through re-plans.` :
      `${nameOf(card)} is no longer pinned.`, false);
  }

  function openMove(card) {
    const template = document.getElementById("move-form");
    if (!template) {
      say("There is no other working day to move it to this week.", true);
      return;
    }
    for (const open of stops.querySelectorAll(".move-form")) {
      open.remove();
    }
    const form = template.content.firstElementChild.cloneNode(true);
    card.querySelector(".changes").after(form);
    form.querySelector("select").focus();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const target = String(new FormData(form).get("to_date") || "");
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      say("Moving it and planning both days again\u2026 (a few seconds)", false);
      const result = await call("POST", `${base}/${Number(card.dataset.accountId)}/move`,
        {to_date: target});
      if (!result.ok) {
        button.disabled = false;
        say(`${nameOf(card)}: ${refusal(result)}`, true);
        return;
      }
      window.sessionStorage.setItem(NOTICE_KEY,
        `${nameOf(card)} moved to ${target}; both days are planned again.`);
      window.location.reload();
    });
  }

  stops.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-change]");
    if (!button) {
      return;
    }
    const card = button.closest(".stop");
    const change = button.dataset.change;
    if (change === "pin" || change === "unpin") {
      pin(card, button, change === "pin");
    } else if (change === "move") {
      openMove(card);
    } else if (change === "cancel") {
      button.closest(".move-form").remove();
    }
  });
})();
