/* The portal's "Log a workout" page. */
"use strict";
(function () {
  // Two rows show at first; "Add an exercise" reveals the next (all show without JS).
  var spare = Array.prototype.slice.call(document.querySelectorAll("[data-spare]"));
  var wrap = document.querySelector("[data-add-row-wrap]");
  if (!spare.length || !wrap) return;
  spare.forEach(function (row) { row.hidden = true; });
  wrap.hidden = false;
  wrap.querySelector("[data-add-row]").addEventListener("click", function () {
    var row = spare.shift();
    row.hidden = false;
    row.querySelector("input").focus();
    if (!spare.length) wrap.hidden = true;
  });
})();
