// The e-mail wording page: the preview follows the typing (the Preview button posts
// the form to the preview frame; without this script it works on a click).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("email-wording");
    var button = document.getElementById("email-preview-button");
    if (!form || !button) return;
    var timer = null;
    function preview() { button.click(); }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(preview, 400);
    });
    preview();
  });
})();
