// The food log form: show the custom-entry fields only when "Something not on the
// list" is ticked, hint the usual portion of the chosen food, and give every
// submission an id so a double tap or a retried post logs it once.
(function () {
  "use strict";
  var form = document.querySelector("[data-food-form]");
  if (!form) return;
  var custom = form.querySelector("input[name=custom]");
  var fields = form.querySelector("[data-custom-fields]");
  var food = form.querySelector("select[name=food]");
  var grams = form.querySelector("input[name=grams]");
  var hint = form.querySelector("[data-serving-hint]");
  var uuid = form.querySelector("input[name=client_uuid]");
  var servings = {};
  try {
    servings = JSON.parse(document.getElementById("food-servings").textContent);
  } catch (e) {}

  function sync() {
    var on = custom && custom.checked;
    if (fields) fields.hidden = !on;
    if (food) food.disabled = !!on;
  }
  if (custom) {
    custom.addEventListener("change", sync);
    sync();
  }
  if (food) {
    food.addEventListener("change", function () {
      var g = servings[food.value];
      if (hint) hint.textContent = g ? "A usual portion is " + g + " g." : "";
      if (g && grams && !grams.value) grams.value = g;
    });
  }
  if (uuid && !uuid.value && window.crypto && crypto.randomUUID) uuid.value = crypto.randomUUID();
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    if (button) button.setAttribute("aria-disabled", "true");
  });
})();
