/* Back office: ask before a destructive submit. A form, or one submit button of a
   form, carries the question in data-confirm-submit (no inline handlers: the
   Content-Security-Policy allows none). */
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var question =
    (button && button.getAttribute("data-confirm-submit")) || form.getAttribute("data-confirm-submit");
  if (question && !window.confirm(question)) event.preventDefault();
});
