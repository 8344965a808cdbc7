// The food log form: show the custom-entry fields only when "Something not on the
// list" is ticked, hint the usual portion of the chosen food, and give every
// submission an id so a double tap or a retried post logs it once.
(function () {
  "use strict";
  var form = document.querySelector("[data-food-form]");
  if (!form) return;
  var custom = form.querySelector("input[name=custom]");
  var fields = form.querySelector("[data-custom-fields]");
  var food = form.querySelector("input[name=food]");
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
    // servings are keyed by the food's name: the one picked from the suggestions
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

// The meal plan builder (back office): drag a food by its row to reorder it in its meal
// or to put it in another meal or day. The ↑ ↓ and "Move" forms do the same from the
// keyboard and without JavaScript; here they post in the background too, and the page's
// content is swapped for the server's answer (one source of markup), keeping focus.
(function () {
  "use strict";
  if (!document.querySelector("[data-meal-builder]")) return;
  var dragged = null;
  var origin = null;

  function live(text) {
    var el = document.querySelector("[data-live]");
    if (el) el.textContent = text;
  }

  function swap(html, focusKey) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var main = document.getElementById("content-start");
    var next = fresh.getElementById("content-start");
    if (!main || !next || !next.querySelector("[data-meal-builder]")) {
      location.reload();
      return;
    }
    var y = window.scrollY;
    main.innerHTML = next.innerHTML;
    window.scrollTo(0, y);
    var note = main.querySelector(".messagelist");
    if (note) live(note.textContent.trim());
    var target = focusKey && main.querySelector('[data-focus-key="' + focusKey + '"]');
    if (target && target.disabled) {
      var twin = focusKey.indexOf("up-") === 0 ? "down-" : "up-";
      target = main.querySelector('[data-focus-key="' + twin + focusKey.split("-")[1] + '"]');
    }
    if (target) target.focus({ preventScroll: false });
    wire();
  }

  function post(data, focusKey) {
    data.append("csrfmiddlewaretoken", MF.csrfToken());
    return fetch(location.pathname, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": MF.csrfToken() },
    })
      .then(function (response) { return response.text(); })
      .then(function (html) { swap(html, focusKey); })
      .catch(function () { location.reload(); });
  }

  function move(row, body) {
    var index = [].slice.call(body.querySelectorAll("tr[data-item]")).indexOf(row);
    var data = new FormData();
    data.append("op", "move_item");
    data.append("item", row.dataset.item);
    data.append("meal", body.dataset.meal);
    data.append("position", String(index + 1));
    post(data, "to-" + row.dataset.item);
  }

  function wire() {
    document.querySelectorAll("form[data-mfb-async]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = form.querySelector("button, select");
        var key = document.activeElement && document.activeElement.dataset
          ? document.activeElement.dataset.focusKey
          : "";
        post(new FormData(form), key || (button && button.dataset.focusKey));
      });
    });
    document.querySelectorAll("tr[data-item] .mfb-grip[draggable]").forEach(function (grip) {
      var row = grip.closest("tr");
      grip.addEventListener("dragstart", function (event) {
        dragged = row;
        origin = { body: row.parentElement, next: row.nextElementSibling };
        row.classList.add("is-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.dataset.item);
        if (event.dataTransfer.setDragImage) event.dataTransfer.setDragImage(row, 12, 12);
      });
      grip.addEventListener("dragend", function () {
        row.classList.remove("is-dragging");
        if (dragged && origin) origin.body.insertBefore(dragged, origin.next); // dropped nowhere
        dragged = null;
      });
    });
    document.querySelectorAll("tbody[data-meal-items]").forEach(function (body) {
      body.addEventListener("dragover", function (event) {
        if (!dragged) return;
        event.preventDefault();
        var after = [].slice.call(body.querySelectorAll("tr[data-item]")).find(function (child) {
          if (child === dragged) return false;
          var box = child.getBoundingClientRect();
          return event.clientY < box.top + box.height / 2;
        });
        if (after) body.insertBefore(dragged, after);
        else body.appendChild(dragged);
      });
      body.addEventListener("drop", function (event) {
        if (!dragged || dragged.parentElement !== body) return;
        event.preventDefault();
        var row = dragged;
        var unchanged = origin.body === body && row.nextElementSibling === origin.next;
        dragged = null;
        if (!unchanged) {
          live("Moving…");
          move(row, body);
        }
      });
    });
  }
  wire();
})();
