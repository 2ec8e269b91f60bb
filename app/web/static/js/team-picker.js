// The manager pages' team picker (partials/team_picker.html): shows the chosen team as soon as
// it changes; without script, its button does.
"use strict";

(function () {
  const picker = document.querySelector(".team-picker select");
  if (picker) {
    picker.addEventListener("change", () => picker.form.submit());
  }
})();
