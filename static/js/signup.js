/* Sign-up form, progressive enhancement: the form works without this file.
   - suggests the address (slug) from the business name until the user edits it
   - checks the address as you type (debounced) and says whether it is free
   - fills in country, time zone and currency from the browser's time zone and language
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

  // --- country, time zone and currency from the browser -----------------------
  // Only on a fresh form (data-prefill): after a refused submit, keep what was sent.
  var countrySelect = form.elements.namedItem("country");
  var tzInput = form.elements.namedItem("timezone");
  var currencySelect = form.elements.namedItem("currency");
  var currencyTouched = false;

  function jsonAttr(el, name) {
    try {
      return JSON.parse((el && el.getAttribute(name)) || "{}");
    } catch (e) {
      return {};
    }
  }
  var currencyByCountry = jsonAttr(currencySelect, "data-currency-by-country");

  function hasOption(select, value) {
    return !!select && Array.prototype.some.call(select.options, function (o) {
      return o.value === value;
    });
  }

  function zoneOption(name) {
    var list = tzInput && tzInput.list;
    if (!list || !name) return null;
    var aliases = jsonAttr(tzInput, "data-aliases");
    var wanted = aliases[name] || name;
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value === wanted) return list.options[i];
    }
    return null;
  }

  function setCurrencyFor(country) {
    if (currencyTouched || !currencySelect) return;
    var currency = currencyByCountry[country] || "USD";
    if (hasOption(currencySelect, currency)) currencySelect.value = currency;
  }

  if (form.hasAttribute("data-prefill") && countrySelect && tzInput) {
    var browserZone = "";
    try {
      browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      browserZone = "";
    }
    var option = zoneOption(browserZone);
    var country = option ? option.getAttribute("data-country") : "";
    if (!country) {
      // no zone with a country (UTC, an unknown name): the language's region, "en-GB" -> GB
      var region = ((navigator.languages && navigator.languages[0]) || navigator.language || "")
        .split("-")
        .slice(1)
        .filter(function (part) {
          return /^[A-Za-z]{2}$/.test(part);
        })[0];
      country = region ? region.toUpperCase() : "";
    }
    if (option) tzInput.value = option.value;
    if (country && hasOption(countrySelect, country)) {
      countrySelect.value = country;
      setCurrencyFor(country);
    }
  }

  if (countrySelect) {
    if (currencySelect) {
      currencySelect.addEventListener("change", function () {
        currencyTouched = true;
      });
    }
    countrySelect.addEventListener("change", function () {
      var country = countrySelect.value;
      setCurrencyFor(country);
      // a zone of another country: move to the new country's main zone
      var current = zoneOption(tzInput && tzInput.value);
      if (tzInput && tzInput.list && country && (!current || current.getAttribute("data-country") !== country)) {
        var main = tzInput.list.querySelector('option[data-country="' + country + '"][data-primary]');
        if (main) tzInput.value = main.value;
      }
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
