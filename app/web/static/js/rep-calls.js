// The phone page's "Call instead" list: the server lays out the first accounts and keeps the
// rest in <template id="more-calls">; "Show more" moves them into the list a batch at a time,
// then moves focus to the first one shown, so a screen reader carries on from there.
"use strict";

(function () {
  const button = document.getElementById("show-calls");
  const more = document.getElementById("more-calls");
  const list = document.getElementById("calls");
  const shown = document.getElementById("calls-shown");
  if (!button || !more || !list) {
    return;
  }
  const batch = Number(button.dataset.batch) || 25;
  const waiting = () => more.content.children.length;
  const total = list.children.length + waiting();

  button.addEventListener("click", () => {
    const next = Array.from(more.content.children).slice(0, batch);
    for (const item of next) {
      list.appendChild(item);
    }
    const heading = next.length ? next[0].querySelector("h3") : null;
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
    const left = waiting();
    shown.textContent = `${list.children.length} of ${total} shown.`;
    if (left) {
      button.textContent = `Show ${Math.min(left, batch)} more of ${left}`;
    } else {
      button.parentElement.hidden = true;
    }
  });
})();
