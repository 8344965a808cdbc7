/* The revenue page's charts (Chart.js, vendored). The tables beside them hold the
   same figures: without this script, or without canvas, nothing is lost. */
(function () {
  "use strict";
  var data = document.getElementById("mf-rev-data");
  if (!data || !window.Chart) return;
  data = JSON.parse(data.textContent);
  var scale = Math.pow(10, data.exponent);
  var money = new Intl.NumberFormat(undefined, { style: "currency", currency: data.currency });
  var monthFormat = new Intl.DateTimeFormat(undefined, { month: "short", year: "2-digit", timeZone: "UTC" });
  var styles = getComputedStyle(document.documentElement);
  function cssVar(name, fallback) { return styles.getPropertyValue(name).trim() || fallback; }
  var brand = cssVar("--mf-brand", "#c2410c");
  var text = cssVar("--body-quiet-color", "#4b5563");
  var grid = cssVar("--hairline-color", "#e5e7eb");
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function common(horizontal) {
    var valueAxis = {
      ticks: { color: text, callback: function (v) { return money.format(v / scale); } },
      grid: { color: grid },
      beginAtZero: true,
    };
    var labelAxis = { ticks: { color: text, autoSkip: true }, grid: { display: false } };
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 300 },
      indexAxis: horizontal ? "y" : "x",
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (ctx) { return money.format(ctx.parsed[horizontal ? "x" : "y"] / scale); } } },
      },
      scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
    };
  }

  var months = document.getElementById("mf-rev-months");
  if (months) {
    new window.Chart(months, {
      type: "bar",
      data: {
        labels: data.months.map(function (iso) { return monthFormat.format(new Date(iso + "T00:00:00Z")); }),
        datasets: [{ label: "Net", data: data.net, backgroundColor: brand, borderRadius: 4 }],
      },
      options: common(false),
    });
  }
  var products = document.getElementById("mf-rev-products");
  if (products && data.products.length) {
    products.parentElement.style.height = Math.max(120, 44 * data.products.length + 40) + "px";
    new window.Chart(products, {
      type: "bar",
      data: { labels: data.products, datasets: [{ label: "Net", data: data.productNet, backgroundColor: brand, borderRadius: 4 }] },
      options: common(true),
    });
  }
})();
