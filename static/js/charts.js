// Draws the portal's charts with the locally served Chart.js. The data comes
// from the page (a json_script tag, "chart-data" unless the canvas names
// another in data-source); each chart has its data table beside it, so the
// figures stay readable without JavaScript and to a screen reader.
//
// A chart's data: {"kind": "bars" | "pie", "labels": [...], and either
// "values": [...] (one series) or "datasets": [{"label", "values"}], and
// optionally "percent": true}. Bars are horizontal, one row per label, and
// the box grows with the number of rows (inside a scrolling container), so
// that every label is readable however many units or stations there are;
// long names are wrapped on the axis and shown whole in the tooltip.
(function () {
  "use strict";
  var palette = ["#a8071a", "#d4380d", "#d48806", "#389e0d", "#08979c", "#1d39c4", "#531dab", "#c41d7f", "#595959", "#874d00", "#006d75", "#10239e", "#391085", "#780650", "#ad2102"];
  var sources = {};

  function source(id) {
    if (!(id in sources)) {
      var node = document.getElementById(id);
      sources[id] = node ? JSON.parse(node.textContent) : {};
    }
    return sources[id];
  }

  // Chinese names have no spaces to break at: cut every `width` characters.
  function wrap(text, width) {
    text = String(text);
    if (text.length <= width) { return text; }
    var lines = [];
    for (var i = 0; i < text.length; i += width) { lines.push(text.slice(i, i + width)); }
    return lines;
  }

  function series(chart) {
    if (chart.datasets) { return chart.datasets; }
    return [{ label: "", values: chart.values }];
  }

  function drawPie(canvas, chart) {
    return new Chart(canvas, {
      type: "doughnut",
      data: { labels: chart.labels, datasets: [{ data: chart.values, backgroundColor: palette, borderWidth: 1 }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: true, position: "bottom" } } }
    });
  }

  function drawBars(canvas, chart) {
    var sets = series(chart);
    var box = canvas.parentElement;
    var narrow = box.clientWidth < 560;
    var width = narrow ? 7 : 14;
    var longest = chart.labels.reduce(function (n, label) { return Math.max(n, Math.ceil(String(label).length / width)); }, 1);
    var row = Math.max(sets.length * 14 + 10, longest * 15 + 8);
    // Sized through the DOM (not a style attribute): the policy forbids inline styles.
    box.style.height = (chart.labels.length * row + 64) + "px";
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: sets.map(function (set, i) {
          return { label: set.label, data: set.values, backgroundColor: palette[(i * 4) % palette.length], borderWidth: 0 };
        })
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: sets.length > 1, position: "top" },
          tooltip: chart.percent ? { callbacks: { label: function (item) { return (item.dataset.label ? item.dataset.label + "：" : "") + item.formattedValue + "%"; } } } : {}
        },
        scales: {
          x: { beginAtZero: true, max: chart.percent ? 100 : undefined, ticks: { precision: 0 }, position: "top" },
          y: { ticks: { autoSkip: false, callback: function (value) { return wrap(this.getLabelForValue(value), width); } } }
        }
      }
    });
  }

  function draw() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = source(canvas.dataset.source || "chart-data")[canvas.dataset.chart];
      if (!chart || !chart.labels || !chart.labels.length) { return; }
      if (chart.kind === "bars") { drawBars(canvas, chart); } else { drawPie(canvas, chart); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
