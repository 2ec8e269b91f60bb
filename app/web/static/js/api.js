// What the pages' scripts share: a JSON request to the API with the session cookie (the API
// checks that it comes from this site's pages), the message of a failed one, and a message
// shown in place, and the phone's position. Loaded before each page's own script. Text from the server is only ever set
// with textContent.
"use strict";

window.fieldroute = Object.freeze({
  // Resolves (never rejects) to {ok, status, data}; `offline` is the message when the request
  // could not be sent at all (status 0); `headers`: more request headers.
  async call(method, url, body, offline = "No connection: nothing was saved. Try again.",
    headers = {}) {
    const options = {method, credentials: "same-origin",
      headers: Object.assign({Accept: "application/json"}, headers)};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (err) {
      return {ok: false, status: 0, data: {detail: offline}};
    }
    const data = await response.json().catch(() => ({}));
    return {ok: response.ok, status: response.status, data};
  },

  // What went wrong, in the API's words: each invalid field, else its detail.
  detail(result) {
    const data = result.data || {};
    if (Array.isArray(data.errors) && data.errors.length) {
      return data.errors.map((e) => (e.field ? `${e.field}: ${e.msg}` : e.msg)).join("; ");
    }
    return data.detail ? String(data.detail) : `The server answered ${result.status}.`;
  },

  // Where the phone is (its coords), or null: after `waitMs`, on refusal, or without
  // geolocation. The own timer also covers a permission prompt the rep never answers (the
  // API's own timeout waits for it).
  here(waitMs = 5000) {
    return new Promise((resolve) => {
      if (!navigator.geolocation) {
        resolve(null);
        return;
      }
      const timer = window.setTimeout(() => resolve(null), waitMs);
      navigator.geolocation.getCurrentPosition(
        (position) => {
          window.clearTimeout(timer);
          resolve(position.coords);
        },
        () => {
          window.clearTimeout(timer);
          resolve(null);
        },
        {enableHighAccuracy: true, timeout: waitMs, maximumAge: 60000});
    });
  },

  say(target, text, isError) {
    target.textContent = text;
    target.classList.toggle("error", Boolean(isError));
  },
});
