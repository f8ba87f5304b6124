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

// One-page appraisal (council/assessment_appraise.html): keyboard first. Enter in an item's input or list
// saves that item and moves to the next item's first field (Shift+Enter stays in a reason box for a new
// line). 409 (someone saved in between) and 422 (input refused) carry the message to show in place.
(function () {
  "use strict";
  function firstField(form) {
    return form ? form.querySelector("select, input:not([type=hidden]), textarea") : null;
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || ev.shiftKey || ev.isComposing) { return; }
    var field = ev.target;
    if (!(field instanceof Element)) { return; }
    var form = field.closest("form.appraise-item");
    if (!form || field.tagName === "BUTTON") { return; }
    ev.preventDefault();
    if (window.htmx) { window.htmx.trigger(form, "appraise-save"); }
    var forms = Array.prototype.slice.call(document.querySelectorAll("form.appraise-item"));
    var next = forms[forms.indexOf(form) + 1];
    var target = firstField(next);
    if (target) { target.focus(); }
  });
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var status = ev.detail.xhr.status;
    if (status === 409 || status === 422) {
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
    }
  });
  document.addEventListener("htmx:beforeRequest", function (ev) {
    var form = ev.detail.elt && ev.detail.elt.closest ? ev.detail.elt.closest("form.appraise-item") : null;
    var state = form ? form.querySelector(".save-state") : null;
    if (state) { state.textContent = "Đang lưu…"; state.className = "save-state small"; }
  });
  document.addEventListener("htmx:sendError", function (ev) {
    var form = ev.detail.elt && ev.detail.elt.closest ? ev.detail.elt.closest("form.appraise-item") : null;
    var state = form ? form.querySelector(".save-state") : null;
    if (state) {
      state.textContent = "Chưa lưu: không kết nối được máy chủ. Giá trị bạn nhập vẫn còn trên trang; hãy thử lại.";
      state.className = "save-state small text-danger";
    }
  });
})();

// People picker: a search box filters the options of a list by any part of their text (name, unit, role).
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.addEventListener("input", function (ev) {
    var box = ev.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.filterSelect) { return; }
    var select = document.getElementById(box.dataset.filterSelect);
    if (!select) { return; }
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(select.options, function (option) {
      var text = fold(option.text);
      option.hidden = option.value !== "" && !words.every(function (w) { return text.indexOf(w) !== -1; });
    });
  });
})();
