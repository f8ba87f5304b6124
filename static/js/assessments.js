// Self-assessment form: autosave state texts, conflicts, expired sessions (no inline scripts: CSP).
(function () {
  "use strict";

  function stateOf(form) {
    var id = form && form.getAttribute("data-entry");
    return id ? document.getElementById("entry-" + id + "-state") : null;
  }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  var pending = 0;

  // Logging in again (in another tab) rotates the CSRF token: always send the current cookie's token, in
  // the header and in place of the one the form was rendered with (Django reads the form field first).
  document.addEventListener("htmx:configRequest", function (ev) {
    var token = cookie("csrftoken");
    if (!token) { return; }
    ev.detail.headers["X-CSRFToken"] = token;
    var data = ev.detail.formData;
    if (data && data.has("csrfmiddlewaretoken")) { data.set("csrfmiddlewaretoken", token); }
  });

  document.addEventListener("htmx:beforeRequest", function (ev) {
    var form = ev.detail.elt && ev.detail.elt.closest ? ev.detail.elt.closest(".entry-form") : null;
    var state = stateOf(form);
    if (state) { state.textContent = "Đang lưu…"; pending += 1; }
  });

  document.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.detail.elt && ev.detail.elt.closest ? ev.detail.elt.closest(".entry-form") : null;
    if (stateOf(form)) { pending = Math.max(0, pending - 1); }
  });

  // 401 (session expired), 409 (conflict) and 422 (refused input) carry a fragment to show in place;
  // the typed value stays in the input because only the state text and the conflict box are swapped.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var status = ev.detail.xhr.status;
    if (status === 401 || status === 409 || status === 422) {
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (ev) {
    var form = ev.detail.elt && ev.detail.elt.closest ? ev.detail.elt.closest(".entry-form") : null;
    var state = stateOf(form);
    if (state) {
      state.textContent = "Lỗi: máy chủ không lưu được (mã " + ev.detail.xhr.status +
        "). Giá trị bạn nhập vẫn còn trên trang; hãy thử lại hoặc tải lại trang.";
    }
  });

  document.addEventListener("htmx:sendError", function (ev) {
    var form = ev.detail.elt && ev.detail.elt.closest ? ev.detail.elt.closest(".entry-form") : null;
    var state = stateOf(form);
    if (state) {
      state.textContent = "Lỗi: không kết nối được máy chủ. Giá trị bạn nhập vẫn còn trên trang; " +
        "hãy kiểm tra mạng rồi sửa lại giá trị để lưu.";
    }
  });

  window.addEventListener("beforeunload", function (ev) {
    if (pending > 0) { ev.preventDefault(); ev.returnValue = ""; }
  });

  document.addEventListener("click", function (ev) {
    var target = ev.target;
    if (!(target instanceof Element)) { return; }
    var closer = target.closest("[data-clear-target]");
    if (closer) {
      var panel = document.querySelector(closer.getAttribute("data-clear-target"));
      if (panel) { panel.innerHTML = ""; }
    }
    if (target.closest("[data-print]")) { window.print(); }
  });
})();
