// Registry pages: tell the secretariat whether the group code typed on the index-set import is new.
document.addEventListener("DOMContentLoaded", function () {
  var input = document.querySelector("#index-set-import input[name=group]");
  var hint = document.getElementById("group-hint");
  if (!input || !hint) { return; }
  var known = {};
  document.querySelectorAll("#known-groups [data-code]").forEach(function (li) {
    known[li.getAttribute("data-code")] = li.textContent.trim();
  });
  function update() {
    var code = input.value.trim();
    if (!code) { hint.textContent = ""; }
    else if (known[code]) { hint.textContent = "Khối đã có: " + known[code] + "."; }
    else { hint.textContent = "Khối «" + code + "» chưa có: hãy nhập tên khối mới."; }
  }
  input.addEventListener("input", update);
  update();
});

// Copy and roll-over pages: choosing another source proposes the year after the source's year
// (options carry data-year; the year input names its select with data-next-year-of).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-next-year-of]").forEach(function (input) {
    var select = input.form && input.form.elements.namedItem(input.getAttribute("data-next-year-of"));
    if (!select || !select.options) { return; }
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var year = option && parseInt(option.getAttribute("data-year"), 10);
      if (year) { input.value = String(year + 1); }
    });
  });
});
