/* The training charts on the progress pages (portal and back office): Chart.js (vendored)
   draws them from the page's JSON; the tables beside them carry the same numbers.

   MF.logging.drawCharts() draws every [data-training-charts] box once it is visible. */
(function (MF) {
  "use strict";
  var L = (MF.logging = MF.logging || {});
  if (L.drawCharts) return;
  var reduceMotion =
    window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function colour(el, name, fallback) {
    var v = getComputedStyle(el).getPropertyValue(name).trim();
    return v || fallback;
  }

  var dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });

  function dayLabel(iso) {
    var p = iso.split("-");
    return dayFormat.format(new Date(+p[0], +p[1] - 1, +p[2]));
  }

  L.drawCharts = function () {
    if (!window.Chart) return;
    var boxes = document.querySelectorAll("[data-training-charts]");
    Array.prototype.forEach.call(boxes, function (box) {
      var source = document.getElementById(box.getAttribute("data-training-charts"));
      if (!source || box.dataset.drawn) return;
      var data = JSON.parse(source.textContent);
      var draw = function () {
        if (box.dataset.drawn || !box.offsetParent) return;
        box.dataset.drawn = "1";
        drawAll(box, data);
      };
      draw();
      var details = box.closest("details");
      if (details) details.addEventListener("toggle", draw);
    });
  };

  function drawAll(box, data) {
    var line = colour(box, "--mfl-line", "#c2410c");
    var second = colour(box, "--mfl-line-2", "#1d4ed8");
    var soft = colour(box, "--mfl-bar", "rgba(107,114,128,0.35)");
    var text = colour(box, "--mfl-text", "#4b5563");
    var grid = colour(box, "--mfl-grid", "#e5e7eb");
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = text;
    var animation = reduceMotion ? false : { duration: 350 };
    var unit = data.unit;
    data.exercises.forEach(function (ex) {
      var canvas = box.querySelector('[data-lift-chart="' + ex.id + '"]');
      if (!canvas || ex.points.length < 2) return;
      new window.Chart(canvas, {
        data: {
          labels: ex.points.map(function (p) {
            return dayLabel(p.d);
          }),
          datasets: [
            {
              type: "line",
              label: "Est. 1RM (" + unit + ")",
              data: ex.points.map(function (p) {
                return p.e1rm;
              }),
              borderColor: line,
              backgroundColor: line,
              tension: 0.25,
              spanGaps: true,
              yAxisID: "y",
            },
            {
              type: "line",
              label: "Top set (" + unit + ")",
              data: ex.points.map(function (p) {
                return p.top;
              }),
              borderColor: second,
              backgroundColor: second,
              borderDash: [5, 4],
              tension: 0.25,
              yAxisID: "y",
            },
            {
              type: "bar",
              label: "Volume (" + unit + ")",
              data: ex.points.map(function (p) {
                return p.volume;
              }),
              backgroundColor: soft,
              yAxisID: "y2",
            },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: animation,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { labels: { boxWidth: 12 } } },
          scales: {
            x: { grid: { display: false }, ticks: { maxTicksLimit: 5, maxRotation: 0 } },
            y: { position: "left", grid: { color: grid }, ticks: { maxTicksLimit: 5 } },
            y2: { position: "right", grid: { display: false }, ticks: { maxTicksLimit: 4 } },
          },
        },
      });
    });
    var weeks = data.weeks.map(dayLabel);
    var palette = ["#c2410c", "#1d4ed8", "#15803d", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4b5563"];
    var muscles = box.querySelector("[data-muscle-chart]");
    if (muscles && data.muscles.length) {
      new window.Chart(muscles, {
        type: "bar",
        data: {
          labels: weeks,
          datasets: data.muscles.map(function (m, i) {
            return { label: m.name, data: m.sets, backgroundColor: palette[i % palette.length] };
          }),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: animation,
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
          scales: {
            x: { stacked: true, grid: { display: false }, ticks: { maxTicksLimit: 6, maxRotation: 0 } },
            y: {
              stacked: true,
              grid: { color: grid },
              ticks: { precision: 0 },
              title: { display: true, text: "sets" },
            },
          },
        },
      });
    }
    var adherence = box.querySelector("[data-adherence-chart]");
    if (adherence) {
      new window.Chart(adherence, {
        type: "bar",
        data: {
          labels: weeks,
          datasets: [
            {
              label: "Done",
              data: data.adherence.map(function (a) {
                return a.done;
              }),
              backgroundColor: line,
            },
            {
              label: "Scheduled",
              data: data.adherence.map(function (a) {
                return a.scheduled;
              }),
              backgroundColor: soft,
            },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: animation,
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
          scales: {
            x: { grid: { display: false }, ticks: { maxTicksLimit: 6, maxRotation: 0 } },
            y: { grid: { color: grid }, ticks: { precision: 0 } },
          },
        },
      });
    }
  }
})(self.MF);
