/* Draw each statistics chart with the vendored Chart.js from the JSON beside it.
   The data table next to every chart is the accessible and no-JavaScript version;
   the canvas is hidden from assistive technology. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#be123c"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.series.map(function (series, i) {
      return { label: series.label, data: series.values, borderColor: palette[i % palette.length],
               backgroundColor: palette[i % palette.length], tension: 0.2 };
    });
    canvas.parentElement.hidden = false;
    new Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 indexAxis: spec.horizontal ? "y" : "x",
                 plugins: { legend: { display: datasets.length > 1 } } }
    });
  });
})();
