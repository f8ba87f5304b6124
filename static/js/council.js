// Council pages: autosave guard and print button (no inline scripts, CSP-friendly).
(function () {
  "use strict";
  // A plain submit ("Lưu", "Lưu và tiếp") must not race the delayed htmx autosave of the same form:
  // once the form is being submitted, pending autosaves are dropped (the server also accepts a save whose
  // stored value already equals what was sent).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form && form.classList && form.classList.contains("council-autosave")) {
      form.dataset.submitting = "1";
    }
  }, true);
  document.addEventListener("htmx:confirm", function (ev) {
    var form = ev.target && ev.target.closest ? ev.target.closest("form.council-autosave") : null;
    if (form && form.dataset.submitting === "1") { ev.preventDefault(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-council-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
