// Agency look-up: fills a <datalist> with matches from the server as the user types.
(function () {
  "use strict";
  var timer = null;
  function fill(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var text = input.value.trim();
    if (!list || text.length < 3) { return; }
    fetch(input.dataset.lookup + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {items: []}; })
      .then(function (data) {
        list.textContent = "";
        data.items.forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.code;
          option.label = item.name;
          option.textContent = item.name;
          list.appendChild(option);
        });
      });
  }
  document.querySelectorAll("input[data-lookup]").forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { fill(input); }, 250);
    });
  });
})();
