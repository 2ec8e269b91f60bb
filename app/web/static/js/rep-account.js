// The account page (/rep/accounts/{id}) and "accounts near me" (/rep/near) on the phone:
// add an account to today (the rest of the day is planned again around it, from where the
// phone is), book an appointment, and list the rep's accounts nearest the phone. Everything
// is sent to the API with the session cookie; text from the server is only ever set with
// textContent.
"use strict";

(function () {
  const {call, detail} = window.fieldroute;
  const msg = document.getElementById("msg");
  const say = (text, isError) => window.fieldroute.say(msg, text, isError);
  const NOTICE_KEY = "fieldroute.rep.notice";

  // Why the API refused, in words for the rep.
  function refusal(result) {
    if (result.status === 404) {
      return "This account is not in your territory (any more). Reload to see it as it is.";
    }
    if (result.status === 401) {
      return "You are signed out. Sign in again, then try again.";
    }
    if (result.status >= 500) {
      return "The server could not do it; try again.";
    }
    return detail(result);
  }

  // Adds `accountId` to today, from the phone's position when it gives it; then to the day.
  async function addToToday(button, url, accountId, dayUrl) {
    button.disabled = true;
    say("Finding where you are\u2026", false);
    const coords = await window.fieldroute.here(8000);
    const body = {account_id: accountId};
    if (coords) {
      body.latitude = coords.latitude;
      body.longitude = coords.longitude;
    }
    say("Planning the rest of today around it\u2026 (a few seconds)", false);
    const result = await call("POST", url, body);
    if (!result.ok) {
      button.disabled = false;
      say(refusal(result), true);
      return;
    }
    const number = result.data.stops.findIndex((stop) => stop.account_id === accountId) + 1;
    const notice = `Added to today as stop ${number}; the rest of the day is planned again.`;
    window.sessionStorage.setItem(NOTICE_KEY, notice);
    window.location.assign(dayUrl);
  }

  function accountPage(main) {
    const accountId = Number(main.dataset.accountId);
    const repId = Number(main.dataset.repId);
    const add = document.getElementById("add-today");
    if (add) {
      add.addEventListener("click", () => addToToday(add, main.dataset.addUrl, accountId,
        main.dataset.dayUrl));
    }
    const form = document.getElementById("book");
    const after = document.getElementById("after-book");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const day = String(data.get("date") || "");
      const time = String(data.get("time") || "");
      const minutes = Number(data.get("minutes"));
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
        say("Choose the appointment's date.", true);
        form.elements.date.focus();
        return;
      }
      if (!/^\d{2}:\d{2}$/.test(time)) {
        say("Choose the appointment's time.", true);
        form.elements.time.focus();
        return;
      }
      const low = Number(form.elements.minutes.min);
      const high = Number(form.elements.minutes.max);
      if (!Number.isInteger(minutes) || minutes < low || minutes > high) {
        say(`The length is in whole minutes, from ${low} to ${high}.`, true);
        form.elements.minutes.focus();
        return;
      }
      const body = {account_id: accountId, rep_id: repId, starts_at: `${day}T${time}:00`,
        duration_minutes: minutes};
      const notes = String(data.get("notes") || "").trim();
      if (notes) {
        body.notes = notes;
      }
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      const result = await call("POST", "/api/v1/appointments", body);
      button.disabled = false;
      if (!result.ok) {
        say(`Not booked: ${refusal(result).replace(/^starts_at: /, "")}`, true);
        return;
      }
      say(`Booked for ${day} at ${time}. It is on the day's plan once the day is planned ` +
        "again.", false);
      offerPlan(after, day, main);
    });
  }

  // After booking: plan the appointment's day again (today: the rest of it) from here.
  function offerPlan(after, day, main) {
    after.textContent = "";
    const button = document.createElement("button");
    button.type = "button";
    const today = day === main.dataset.today;
    button.textContent = today ? "Re-plan today now" : `Plan ${day} again now`;
    button.addEventListener("click", async () => {
      button.disabled = true;
      say("Planning\u2026 (a few seconds)", false);
      const url = today ? `${main.dataset.plansUrl}/${day}/replan` : main.dataset.plansUrl;
      let body = {date: day};
      if (today) {
        const coords = await window.fieldroute.here(8000);
        body = coords ? {latitude: coords.latitude, longitude: coords.longitude} : {};
      }
      const result = await call("POST", url, body);
      if (!result.ok) {
        button.disabled = false;
        say(refusal(result), true);
        return;
      }
      window.location.reload();
    });
    after.append(button);
    after.hidden = false;
  }

  // "Accounts near me": the list for a position, nearest first.
  function nearPage(main) {
    const list = document.getElementById("near-list");
    const from = document.getElementById("from");
    const linkRep = main.dataset.linkRep;
    let position = null;

    function accountHref(id) {
      return main.dataset.accountUrl + id + (linkRep ? `?rep_id=${encodeURIComponent(linkRep)}` : "");
    }

    function row(item) {
      const li = document.createElement("li");
      li.className = "stop near";
      li.dataset.accountId = String(item.account_id);
      const head = document.createElement("h3");
      const link = document.createElement("a");
      link.href = accountHref(item.account_id);
      link.textContent = item.name;
      head.append(link);
      const where = document.createElement("p");
      where.className = "addr";
      const place = [item.street, item.city].filter(Boolean).join(", ");
      where.textContent = `${item.distance_km.toFixed(1)} km away (straight line)` +
        (place ? ` \u00b7 ${place}` : "");
      const hints = document.createElement("p");
      hints.className = "hint-line";
      const value = `$${Math.round(item.value).toLocaleString("en-US")} a year`;
      if (item.overdue_days) {
        const late = document.createElement("span");
        late.className = "late";
        late.textContent = `Overdue by ${item.overdue_days} days`;
        hints.append(late, ` \u00b7 ${value}`);
      } else {
        hints.textContent = item.last_visit_date ? value : `Never visited \u00b7 ${value}`;
      }
      const buttons = document.createElement("div");
      buttons.className = "links";
      const add = document.createElement("button");
      add.type = "button";
      add.textContent = "Add to today";
      add.setAttribute("aria-label", `Add ${item.name} to today`);
      add.addEventListener("click", () => addToToday(add, main.dataset.addUrl, item.account_id,
        "/rep" + (linkRep ? `?rep_id=${encodeURIComponent(linkRep)}` : "")));
      const open = document.createElement("a");
      open.className = "btn secondary";
      open.href = accountHref(item.account_id);
      open.textContent = "Open";
      open.setAttribute("aria-label", `Open ${item.name}`);
      buttons.append(add, open);
      li.append(head, where, hints, buttons);
      return li;
    }

    async function show(lat, lon, label) {
      position = {lat, lon};
      say("Finding your accounts\u2026", false);
      const query = new URLSearchParams({latitude: String(lat), longitude: String(lon),
        limit: "25"});
      const result = await call("GET", `${main.dataset.nearUrl}?${query}`);
      if (!result.ok) {
        say(refusal(result), true);
        return;
      }
      say("", false);
      from.textContent = `From ${label}.`;
      list.replaceChildren(...result.data.items.map(row));
      if (!result.data.items.length) {
        say("No accounts on the map in your territory.", false);
      }
    }

    const locate = document.getElementById("locate");
    async function fromPhone() {
      locate.disabled = true;
      say("Finding where you are\u2026", false);
      const coords = await window.fieldroute.here(8000);
      locate.disabled = false;
      if (!coords) {
        say("Your position is not available (location is off or was refused). Start from " +
          "home, or type a position below.", true);
        document.getElementById("manual").open = true;
        return;
      }
      show(coords.latitude, coords.longitude, "where you are");
    }
    locate.addEventListener("click", fromPhone);
    const home = document.getElementById("from-home");
    if (home) {
      home.addEventListener("click", () => show(Number(home.dataset.latitude),
        Number(home.dataset.longitude), "home"));
    }
    const manual = document.getElementById("manual-form");
    manual.addEventListener("submit", (event) => {
      event.preventDefault();
      const lat = Number(String(manual.elements.latitude.value).trim() || "x");
      const lon = Number(String(manual.elements.longitude.value).trim() || "x");
      if (!Number.isFinite(lat) || lat < -90 || lat > 90) {
        say("Latitude: a number from -90 to 90, like 39.2904.", true);
        manual.elements.latitude.focus();
        return;
      }
      if (!Number.isFinite(lon) || lon < -180 || lon > 180) {
        say("Longitude: a number from -180 to 180, like -76.6122.", true);
        manual.elements.longitude.focus();
        return;
      }
      show(lat, lon, `${lat.toFixed(4)}, ${lon.toFixed(4)}`);
    });
    // Ask for the position at once only where the phone already allows it (no prompt on load).
    if (navigator.permissions && navigator.permissions.query) {
      navigator.permissions.query({name: "geolocation"}).then((status) => {
        if (status.state === "granted" && position === null) {
          fromPhone();
        }
      }).catch(() => undefined);
    }
  }

  const account = document.getElementById("account");
  if (account) {
    accountPage(account);
  }
  const near = document.getElementById("near");
  if (near) {
    nearPage(near);
  }
})();
