/* Sign-up form, progressive enhancement: the form works without this file.
   - suggests the address (slug) from the business name until the user edits it
   - checks the address as you type (debounced) and says whether it is free
   - stops a second submit while the business is being created */
(function () {
  "use strict";

  var form = document.querySelector("[data-signup-form]");
  if (!form) return;

  var nameInput = form.elements.namedItem("name");
  var slugInput = form.elements.namedItem("slug");
  var status = form.querySelector("[data-slug-status]");
  var submit = form.querySelector("[data-submit]");
  var checkUrl = form.getAttribute("data-slug-check-url");
  var DELAY = 250;
  var MAX = 40;

  function suggest(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "") // é -> e
      .toLowerCase()
      .trim()
      .replace(/[\s_]+/g, "-")
      .replace(/[^a-z0-9-]/g, "")
      .replace(/-+/g, "-")
      .replace(/^-+/, "")
      .slice(0, MAX)
      .replace(/-+$/, "");
  }

  // true once the user has typed their own address: stop suggesting then
  var slugTouched = !!(slugInput && slugInput.value && nameInput && slugInput.value !== suggest(nameInput.value));

  // --- live availability ---------------------------------------------------
  var timer = null;
  var inFlight = null;
  var lastChecked = null;

  function show(state, text) {
    status.textContent = text;
    if (state) status.setAttribute("data-state", state);
    else status.removeAttribute("data-state");
  }

  function check() {
    var slug = slugInput.value.trim();
    if (slug === lastChecked) return;
    lastChecked = slug;
    if (inFlight) inFlight.abort();
    if (!slug) {
      show("", "");
      status.removeAttribute("aria-busy");
      return;
    }
    var controller = "AbortController" in window ? new AbortController() : null;
    inFlight = controller;
    status.setAttribute("aria-busy", "true");
    var url = checkUrl + (checkUrl.indexOf("?") === -1 ? "?" : "&") + "slug=" + encodeURIComponent(slug);
    fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.slug !== slugInput.value.trim()) return; // the user typed on
        show(data.available ? "ok" : "error", data.message);
        status.removeAttribute("aria-busy");
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        // offline or a server hiccup: say nothing, the form checks on submit
        lastChecked = null;
        show("", "");
        status.removeAttribute("aria-busy");
      });
  }

  function scheduleCheck() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, DELAY);
  }

  if (slugInput && status && checkUrl && window.fetch) {
    // the status line describes the field, alongside help text and errors
    var describedBy = (slugInput.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (describedBy.indexOf(status.id) === -1) describedBy.unshift(status.id);
    slugInput.setAttribute("aria-describedby", describedBy.join(" "));

    slugInput.addEventListener("input", function () {
      slugTouched = slugInput.value !== "";
      scheduleCheck();
    });

    // a value from ?slug= (not a server error) gets checked straight away
    if (slugInput.value && slugInput.getAttribute("aria-invalid") !== "true") check();
  }

  // --- suggest the address from the business name ----------------------------
  if (nameInput && slugInput) {
    nameInput.addEventListener("input", function () {
      if (slugTouched) return;
      slugInput.value = suggest(nameInput.value);
      if (status && checkUrl && window.fetch) scheduleCheck();
    });
  }

  // --- one submit only -------------------------------------------------------
  var submitted = false;
  var idleLabel = submit ? submit.textContent : "";

  form.addEventListener("submit", function (event) {
    if (submitted) {
      event.preventDefault();
      return;
    }
    submitted = true;
    if (submit) {
      // disable after the browser has taken the form's data for this submit
      window.setTimeout(function () {
        submit.disabled = true;
      }, 0);
      submit.setAttribute("aria-disabled", "true");
      submit.textContent = submit.getAttribute("data-busy-label") || idleLabel;
    }
  });

  // coming back with the Back button restores the page from cache: re-enable
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted || !submit) return;
    submitted = false;
    submit.disabled = false;
    submit.removeAttribute("aria-disabled");
    submit.textContent = idleLabel;
  });
})();
