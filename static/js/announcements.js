/* The announcement form (back office): whenever whom it is for changes, asks the API
   how many clients it reaches and says so ("12 clients will get this"). The form
   works without it: the page shows the figure for what was posted. */
(function () {
  "use strict";
  var form = document.querySelector("[data-mf-announce]");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var out = form.querySelector("[data-mf-count]");
  var url = form.getAttribute("data-audience");
  var pending = null;
  var asked = 0;

  function query() {
    var params = new URLSearchParams();
    ["tags", "statuses"].forEach(function (name) {
      form.querySelectorAll("input[name=" + name + "]:checked").forEach(function (box) {
        params.append(name, box.value);
      });
    });
    ["program", "session_type"].forEach(function (name) {
      var select = form.querySelector("select[name=" + name + "]");
      if (select && select.value) params.append(name, select.value);
    });
    return params.toString();
  }

  function update() {
    var mine = ++asked;
    fetch(url + "?" + query(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || mine !== asked) return;
        out.textContent = data.count === 1 ? "1 client will get this." : data.count + " clients will get this.";
      })
      .catch(function () {});
  }

  form.addEventListener("change", function (event) {
    if (!/^(tags|statuses|program|session_type)$/.test(event.target.name)) return;
    clearTimeout(pending);
    pending = setTimeout(update, 200);
  });
})();
