// Draws the dashboard charts with the locally served Chart.js. The data comes
// from the page (json_script); each chart also has a data table beside it,
// so the figures stay readable without JavaScript.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var palette = ["#a8071a", "#d4380d", "#d48806", "#389e0d", "#08979c", "#1d39c4", "#531dab", "#c41d7f", "#595959", "#874d00", "#006d75", "#10239e", "#391085", "#780650", "#ad2102"];
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = data[canvas.dataset.chart];
      if (!chart) { return; }
      var pie = canvas.dataset.chart !== "by_unit";
      new Chart(canvas, {
        type: pie ? "doughnut" : "bar",
        data: {
          labels: chart.labels,
          datasets: [{ data: chart.values, backgroundColor: pie ? palette : "#a8071a", borderWidth: pie ? 1 : 0 }]
        },
        options: {
          indexAxis: pie ? undefined : "y",
          maintainAspectRatio: false,
          plugins: { legend: { display: pie, position: "bottom" } },
          scales: pie ? {} : { x: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
