// The reports page draws nothing: its charts are SVG from the server. This only sends the
// team picker when it changes (without script, its button does).
"use strict";

(function () {
  const picker = document.querySelector(".team-picker select");
  if (picker) {
    picker.addEventListener("change", () => picker.form.submit());
  }
})();
