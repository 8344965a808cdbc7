/* dj-stripe's confirmation pages (our copies in templates/djstripe/admin): show the
   spinner while Stripe is called. dj-stripe does it with inline handlers, which the
   Content-Security-Policy blocks. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var spinner = document.getElementById("div_spinner");
  if (!spinner) return;
  function busy() {
    var main = document.getElementById("main_content");
    if (main) main.hidden = true;
    document.querySelectorAll(".messagelist").forEach(function (list) {
      list.hidden = true;
    });
    spinner.hidden = false;
  }
  document.querySelectorAll("#content form").forEach(function (form) {
    form.addEventListener("submit", busy);
  });
  document.querySelectorAll("#content a").forEach(function (link) {
    link.addEventListener("click", busy);
  });
});
