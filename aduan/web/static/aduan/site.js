// Small enhancements for every page; everything works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copy);
      if (!source || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.dataset.done || "✓";
      });
    });
  });
  document.querySelectorAll("button.print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
