// The exercise library: results follow the search box and filters as you type
// (the form still works without JavaScript). The server sends the results partial
// when asked with HX-Request, the same markup the full page includes.
(function () {
  "use strict";
  var form = document.querySelector("[data-library-search]");
  if (!form || !window.fetch) return;
  var target = document.getElementById("lib-results");
  var timer = null;
  var latest = 0;

  function refresh() {
    var params = new URLSearchParams(new FormData(form));
    var url = form.getAttribute("action") || window.location.pathname;
    var ticket = ++latest;
    fetch(url + "?" + params.toString(), {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (ticket !== latest) return; // an older answer arriving late
        target.innerHTML = html;
        window.history.replaceState(null, "", "?" + params.toString());
      })
      .catch(function () { /* offline: the submit button still works */ });
  }

  form.addEventListener("input", function (event) {
    if (event.target.name !== "q") return;
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 150);
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "q") return;
    refresh();
  });
})();
