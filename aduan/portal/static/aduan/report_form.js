// The report form with JavaScript: cascading region lists filled in place, a live
// region search, and a map to place the pin. Without it the form still works.
(function () {
  "use strict";
  var picker = document.querySelector(".region-picker");
  if (!picker) { return; }
  var url = picker.dataset.lookup;
  var levels = ["province", "regency", "district", "village"];
  var labels = {};
  levels.forEach(function (name) {
    var select = document.getElementById("id_" + name);
    if (select) { labels[name] = select.closest(".level").querySelector("label").innerHTML; }
  });

  function get(params) {
    return fetch(url + "?" + new URLSearchParams(params), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {items: []}; });
  }

  function ensureSelect(name) {
    var select = document.getElementById("id_" + name);
    if (select) { return select; }
    var box = document.createElement("div");
    box.className = "field level";
    var label = document.createElement("label");
    label.htmlFor = "id_" + name;
    label.innerHTML = labels[name] || picker.dataset["label" + name] || name;
    select = document.createElement("select");
    select.id = "id_" + name;
    select.name = name;
    box.appendChild(label);
    box.appendChild(select);
    picker.querySelector(".levels").appendChild(box);
    select.addEventListener("change", onChange);
    return select;
  }

  function clearBelow(index) {
    levels.slice(index + 1).forEach(function (name) {
      var select = document.getElementById("id_" + name);
      if (select) { select.closest(".level").remove(); }
    });
  }

  function load(index, parent, chosen) {
    if (index >= levels.length) { return Promise.resolve(); }
    return get({parent: parent}).then(function (data) {
      if (!data.items.length) { return; }
      var select = ensureSelect(levels[index]);
      var first = select.options[0] ? select.options[0].textContent : "—";
      select.textContent = "";
      select.appendChild(new Option(first, ""));
      data.items.forEach(function (item) {
        select.appendChild(new Option(item.name, item.code, false, item.code === chosen));
      });
    });
  }

  function onChange(event) {
    var index = levels.indexOf(event.target.name);
    clearBelow(index);
    if (event.target.value && index + 1 < levels.length) {
      load(index + 1, event.target.value, "");
    }
  }

  function pick(code) {
    var parts = code.split(".");
    var chain = parts.map(function (_p, i) { return parts.slice(0, i + 1).join("."); });
    clearBelow(0);
    var step = Promise.resolve();
    chain.forEach(function (value, i) {
      step = step.then(function () {
        return i === 0 ? null : load(i, chain[i - 1], value);
      }).then(function () {
        var select = document.getElementById("id_" + levels[i]);
        if (select) { select.value = value; }
      });
    });
  }

  levels.forEach(function (name) {
    var select = document.getElementById("id_" + name);
    if (select) { select.addEventListener("change", onChange); }
  });

  var search = document.getElementById("id_region_q");
  var results = picker.querySelector(".region-results");
  var timer = null;
  if (search && results) {
    var run = function () {
      var text = search.value.trim();
      if (text.length < 3) { results.textContent = ""; return; }
      get({q: text}).then(function (data) {
        results.textContent = "";
        var list = document.createElement("ul");
        list.className = "region-hits";
        data.items.forEach(function (item) {
          var li = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = item.name + (item.within ? " — " + item.within : "");
          button.addEventListener("click", function () {
            pick(item.code);
            results.textContent = "";
            search.value = item.name;
          });
          li.appendChild(button);
          list.appendChild(li);
        });
        results.appendChild(list);
      });
    };
    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 300); });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); run(); }
    });
    var button = picker.querySelector("button[name=_find_region]");
    if (button) { button.addEventListener("click", function (event) { event.preventDefault(); run(); }); }
  }

  // The map: only when the visitor opens it, so nobody downloads tiles they do not want.
  var box = document.querySelector(".map-box");
  var mapEl = box && box.querySelector(".map");
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  var map = null;
  var marker = null;
  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else { marker = window.L.marker(latlng).addTo(map); }
    lat.value = latlng.lat.toFixed(6);
    lng.value = latlng.lng.toFixed(6);
  }
  // The map library too (48 KB on a phone's connection) is fetched only then.
  var loading = false;
  function loadLibrary() {
    if (loading || !mapEl) { return; }
    loading = true;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = mapEl.dataset.css;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = mapEl.dataset.js;
    script.addEventListener("load", openMap);
    document.head.appendChild(script);
  }
  function openMap() {
    if (mapEl && box.open && !window.L) { loadLibrary(); return; }
    if (map || !mapEl || !window.L || !box.open) { return; }
    mapEl.hidden = false;
    mapEl.setAttribute("role", "application");
    mapEl.setAttribute("aria-label", mapEl.dataset.label);
    window.L.Icon.Default.imagePath = mapEl.dataset.images || "/static/aduan/vendor/leaflet/images/";
    var start = lat.value && lng.value ? [parseFloat(lat.value), parseFloat(lng.value)] : [-2.5, 118];
    map = window.L.map(mapEl).setView(start, lat.value ? 15 : 4);
    window.L.tileLayer(mapEl.dataset.tiles, {maxZoom: 19, attribution: mapEl.dataset.attribution}).addTo(map);
    if (lat.value && lng.value) { place(window.L.latLng(start[0], start[1])); }
    map.on("click", function (event) { place(event.latlng); });
  }
  if (box) {
    box.addEventListener("toggle", openMap);
    window.addEventListener("load", openMap);
  }
})();
