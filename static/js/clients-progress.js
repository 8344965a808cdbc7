/* Progress pages: charts of each metric (Chart.js, vendored), the unit next to the value
   field, and the photo picker (preview, 20 MB check before sending, busy button).
   Everything works without this script: values are in tables, forms post normally. */
(function () {
  "use strict";
  if (window.mfProgressLoaded) return; // the panel and a page may both include it
  window.mfProgressLoaded = true;

  var MAX_BYTES_DEFAULT = 20 * 1024 * 1024;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = [];

  function cssVar(el, name, fallback) {
    var value = getComputedStyle(el).getPropertyValue(name).trim();
    return value || fallback;
  }

  var scratch = document.createElement("canvas").getContext("2d", { willReadFrequently: true });

  // any CSS colour (also color(srgb ...) from relative colour syntax) as [r, g, b]
  function rgbOf(colour, fallback) {
    scratch.clearRect(0, 0, 1, 1);
    scratch.fillStyle = fallback;
    scratch.fillStyle = colour;
    scratch.fillRect(0, 0, 1, 1);
    var d = scratch.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2]];
  }

  function colours(el) {
    var probe = document.createElement("span");
    probe.style.display = "none";
    el.appendChild(probe);
    function resolve(name, fallback) {
      probe.style.color = fallback;
      probe.style.color = cssVar(el, name, fallback);
      return rgbOf(getComputedStyle(probe).color, fallback);
    }
    var out = {
      line: resolve("--mfp-line", "#c2410c"),
      grid: resolve("--mfp-grid", "#e5e7eb"),
      text: resolve("--mfp-text", "#4b5563"),
      surface: resolve("--mfp-surface", "#ffffff"),
    };
    el.removeChild(probe);
    return out;
  }

  function rgba(rgb, alpha) {
    return "rgba(" + rgb[0] + "," + rgb[1] + "," + rgb[2] + "," + (alpha == null ? 1 : alpha) + ")";
  }

  var dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
  var longFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });

  function parseDay(iso) {
    var p = iso.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]);
  }

  function fmtDay(ms, long) {
    var d = new Date(ms);
    var local = new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return (long ? longFormat : dayFormat).format(local);
  }

  function drawChart(canvas) {
    var points;
    try {
      points = JSON.parse(canvas.getAttribute("data-points") || "[]");
    } catch (e) {
      return;
    }
    if (points.length < 2 || !window.Chart) return;
    var unit = canvas.getAttribute("data-unit") || "";
    var places = parseInt(canvas.getAttribute("data-places") || "1", 10);
    var numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: places });
    var card = canvas.closest(".mfp") || document.body;
    var c = colours(card);
    var data = points.map(function (p) {
      return { x: parseDay(p.d), y: p.v };
    });
    var spanDays = (data[data.length - 1].x - data[0].x) / 86400000;
    var chart = new window.Chart(canvas, {
      type: "line",
      data: {
        datasets: [
          {
            label: canvas.getAttribute("data-label") || "",
            data: data,
            borderColor: rgba(c.line),
            backgroundColor: rgba(c.line, 0.12),
            pointBackgroundColor: rgba(c.surface),
            pointBorderColor: rgba(c.line),
            pointBorderWidth: 2,
            pointRadius: data.length > 40 ? 0 : 3,
            pointHoverRadius: 5,
            pointHitRadius: 12,
            borderWidth: 2.5,
            tension: 0.25,
            fill: true,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 400 },
        interaction: { mode: "nearest", intersect: false, axis: "x" },
        layout: { padding: { top: 4, right: 6 } },
        plugins: {
          legend: { display: false },
          tooltip: {
            displayColors: false,
            callbacks: {
              title: function (items) {
                return fmtDay(items[0].parsed.x, true);
              },
              label: function (item) {
                return numberFormat.format(item.parsed.y) + (unit ? "\u00a0" + unit : "");
              },
            },
          },
        },
        scales: {
          x: {
            type: "linear",
            min: data[0].x,
            max: data[data.length - 1].x,
            grid: { display: false },
            border: { color: rgba(c.grid) },
            ticks: {
              color: rgba(c.text),
              maxTicksLimit: 4,
              maxRotation: 0,
              callback: function (value) {
                return fmtDay(value, spanDays > 330);
              },
            },
          },
          y: {
            grace: "8%",
            grid: { color: rgba(c.grid) },
            border: { display: false },
            ticks: {
              color: rgba(c.text),
              maxTicksLimit: 5,
              callback: function (value) {
                return numberFormat.format(value);
              },
            },
          },
        },
      },
    });
    charts.push({ chart: chart, card: card });
  }

  function recolour() {
    charts.forEach(function (entry) {
      var c = colours(entry.card);
      var ds = entry.chart.data.datasets[0];
      ds.borderColor = rgba(c.line);
      ds.pointBorderColor = rgba(c.line);
      ds.pointBackgroundColor = rgba(c.surface);
      ds.backgroundColor = rgba(c.line, 0.12);
      var s = entry.chart.options.scales;
      s.x.ticks.color = rgba(c.text);
      s.y.ticks.color = rgba(c.text);
      s.y.grid.color = rgba(c.grid);
      s.x.border.color = rgba(c.grid);
      entry.chart.update("none");
    });
  }

  function initCharts() {
    if (!window.Chart) return;
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (!canvas.dataset.drawn) {
        canvas.dataset.drawn = "1";
        drawChart(canvas);
      }
    });
    // the back office's theme toggle, and the system's dark mode
    new MutationObserver(recolour).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-theme"],
    });
    if (window.matchMedia) {
      var mq = window.matchMedia("(prefers-color-scheme: dark)");
      if (mq.addEventListener) mq.addEventListener("change", recolour);
    }
  }

  function initUnitLabels() {
    document.querySelectorAll("form[data-measure-form]").forEach(function (form) {
      var select = form.querySelector("select[name=metric]");
      var label = form.querySelector("[data-unit-label]");
      var source = form.querySelector("#metric-units") || document.getElementById("metric-units");
      if (!select || !label || !source) return;
      var units = JSON.parse(source.textContent || "{}");
      function update() {
        label.textContent = units[select.value] || "";
      }
      select.addEventListener("change", update);
      update();
    });
  }

  function initPhotoForms() {
    document.querySelectorAll("form[data-photo-form]").forEach(function (form) {
      var input = form.querySelector("input[type=file]");
      var name = form.querySelector("[data-file-name]");
      var preview = form.querySelector("[data-file-preview]");
      var error = form.querySelector("[data-file-error]");
      var button = form.querySelector("button[type=submit]");
      if (!input) return;
      var max = parseInt(input.getAttribute("data-max-bytes") || MAX_BYTES_DEFAULT, 10);
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        error.hidden = true;
        error.textContent = "";
        input.setCustomValidity("");
        if (!file) return;
        if (name) name.textContent = file.name;
        if (file.size > max) {
          var mb = (file.size / 1048576).toFixed(1);
          error.textContent = "This file is " + mb + " MB; photos can be at most 20 MB.";
          error.hidden = false;
          input.setCustomValidity(error.textContent);
        }
        if (preview && /^image\/(jpeg|png|webp|gif)$/.test(file.type)) {
          preview.src = URL.createObjectURL(file);
          preview.alt = "Preview of the chosen photo";
          preview.hidden = false;
        }
      });
      var poses = form.querySelectorAll("input[type=radio][name=pose]");
      var poseError = form.querySelector("[data-pose-error]");
      function poseChosen() {
        return Array.prototype.some.call(poses, function (radio) {
          return radio.checked;
        });
      }
      poses.forEach(function (radio) {
        radio.addEventListener("change", function () {
          if (poseError) poseError.hidden = true;
        });
      });
      form.addEventListener("submit", function (event) {
        if (input.files && input.files[0] && input.files[0].size > max) {
          event.preventDefault();
          error.hidden = false;
          input.focus();
          return;
        }
        // ask for the pose before sending: a refused upload would lose the chosen file
        if (poses.length && !poseChosen()) {
          event.preventDefault();
          if (poseError) poseError.hidden = false;
          poses[0].focus();
          return;
        }
        if (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
          var busy = button.getAttribute("data-busy-text");
          if (busy) button.lastChild.textContent = busy;
        }
      });
    });
  }

  function initConfirms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  function init() {
    initUnitLabels();
    initPhotoForms();
    initConfirms();
    initCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
