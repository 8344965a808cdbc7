/* Intake forms and check-ins: the back office's form builder, "Copy link", and
   small helps on the answer pages. Progressive: without JavaScript the builder
   falls back to editing the questions as JSON, and every form still posts. */
(function () {
  "use strict";

  // ------------------------------------------------------------- copy link
  document.querySelectorAll("[data-mf-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.querySelector(button.getAttribute("data-mf-copy"));
      var status = button.parentNode.querySelector(".mf-copy__status");
      var done = function () {
        if (status) status.textContent = "Link copied";
        button.textContent = "Copied";
        setTimeout(function () {
          button.textContent = "Copy link";
          if (status) status.textContent = "";
        }, 2500);
      };
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          document.execCommand("copy");
          done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });

  // ---------------------------------------------- answers: no double send
  document.querySelectorAll("form[data-mf-answers]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      setTimeout(function () {
        delete form.dataset.sending;
      }, 8000);
    });
  });
  var errors = document.querySelector(".alert--error[role=alert]");
  if (errors) errors.focus();

  // --------------------------------------------------------------- builder
  var app = document.getElementById("mf-builder");
  var source = document.getElementById("id_fields_json");
  if (!app || !source) return;
  var typesNode = document.getElementById("mf-builder-types");
  var TYPES = typesNode ? JSON.parse(typesNode.textContent) : [];
  var TYPE_LABEL = {};
  TYPES.forEach(function (t) {
    TYPE_LABEL[t[0]] = t[1];
  });
  var questions;
  try {
    questions = JSON.parse(source.value || "[]");
    if (!Array.isArray(questions)) questions = [];
  } catch (e) {
    return; // leave the JSON box for the owner to fix
  }
  document.querySelector(".mf-builder__json").hidden = true;
  app.innerHTML = "";
  var uid = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "checked" || key === "hidden" || key === "disabled") node[key] = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function labelled(text, control, help) {
    var id = "mfq-" + ++uid;
    control.id = id;
    var wrap = el("div", { class: "mf-bq__row" }, [el("label", { for: id, text: text }), control]);
    if (help) wrap.appendChild(el("p", { class: "help", text: help }));
    return wrap;
  }

  function numberOrNull(value) {
    if (value === "" || value === null || value === undefined) return null;
    var n = Number(value);
    return isNaN(n) ? value : n;
  }

  function sync() {
    source.value = JSON.stringify(questions, null, 2);
  }

  function announce(text) {
    live.textContent = text;
  }

  function card(q, index) {
    var box = el("li", { class: "mf-bq", "data-index": index });
    var head = el("div", { class: "mf-bq__head" });
    head.appendChild(el("span", { class: "mf-bq__number", text: "Question " + (index + 1) }));
    var typeSelect = el("select", { "aria-label": "Type of answer for question " + (index + 1) });
    TYPES.forEach(function (t) {
      var option = el("option", { value: t[0], text: t[1] });
      if (t[0] === q.type) option.selected = true;
      typeSelect.appendChild(option);
    });
    typeSelect.addEventListener("change", function () {
      q.type = typeSelect.value;
      if ((q.type === "single_choice" || q.type === "multiple_choice") && !(q.choices || []).length) {
        q.choices = ["", ""];
      }
      if (q.type === "scale") {
        if (q.min == null) q.min = 1;
        if (q.max == null) q.max = 10;
      }
      render(index);
    });
    head.appendChild(typeSelect);
    var tools = el("span", { class: "mf-bq__tools" });
    var up = el("button", { type: "button", class: "button mf-icon-button", "aria-label": "Move question " + (index + 1) + " up", text: "↑" });
    var down = el("button", { type: "button", class: "button mf-icon-button", "aria-label": "Move question " + (index + 1) + " down", text: "↓" });
    var remove = el("button", { type: "button", class: "button mf-button-danger", text: "Remove" });
    remove.setAttribute("aria-label", "Remove question " + (index + 1));
    up.disabled = index === 0;
    down.disabled = index === questions.length - 1;
    up.addEventListener("click", function () {
      move(index, index - 1);
    });
    down.addEventListener("click", function () {
      move(index, index + 1);
    });
    remove.addEventListener("click", function () {
      var label = q.label || "Question " + (index + 1);
      if (q.label && !window.confirm("Remove “" + label + "”?")) return;
      questions.splice(index, 1);
      render(Math.min(index, questions.length - 1));
      announce("Removed " + label + ".");
    });
    tools.appendChild(up);
    tools.appendChild(down);
    tools.appendChild(remove);
    head.appendChild(tools);
    box.appendChild(head);

    var label = el("input", { type: "text", class: "vTextField mf-bq__label", maxlength: "300", value: q.label || "", placeholder: "Write the question" });
    label.addEventListener("input", function () {
      q.label = label.value;
      sync();
    });
    box.appendChild(labelled("Question", label));

    var help = el("input", { type: "text", class: "vTextField", maxlength: "500", value: q.help || "", placeholder: "Optional hint shown under the question" });
    help.addEventListener("input", function () {
      q.help = help.value;
      sync();
    });
    box.appendChild(labelled("Help text", help));

    if (q.type === "single_choice" || q.type === "multiple_choice") {
      var choices = el("textarea", { rows: "4", class: "vLargeTextField" });
      choices.value = (q.choices || []).join("\n");
      choices.addEventListener("input", function () {
        q.choices = choices.value.split("\n");
        sync();
      });
      box.appendChild(labelled("Choices, one per line", choices, "At least two."));
    }
    if (q.type === "number" || q.type === "scale") {
      var range = el("div", { class: "mf-bq__range" });
      ["min", "max"].forEach(function (end) {
        var input = el("input", { type: "number", step: q.type === "scale" ? "1" : "any", value: q[end] == null ? "" : q[end], class: "vIntegerField" });
        input.addEventListener("input", function () {
          q[end] = numberOrNull(input.value);
          sync();
        });
        range.appendChild(labelled(end === "min" ? "From" : "To", input));
      });
      box.appendChild(range);
      if (q.type === "number") box.appendChild(el("p", { class: "help", text: "Leave empty for no limit." }));
    }
    if (q.type === "consent") {
      var consent = el("textarea", { rows: "4", class: "vLargeTextField" });
      consent.value = q.consent_text || "";
      consent.addEventListener("input", function () {
        q.consent_text = consent.value;
        sync();
      });
      box.appendChild(labelled("Consent text people agree to", consent, "Kept with every answer, word for word."));
    }

    var foot = el("div", { class: "mf-bq__foot" });
    var required = el("input", { type: "checkbox", checked: !!q.required });
    required.addEventListener("change", function () {
      q.required = required.checked;
      sync();
    });
    var reqId = "mfq-" + ++uid;
    required.id = reqId;
    foot.appendChild(el("span", { class: "mf-bq__check" }, [required, el("label", { for: reqId, class: "vCheckboxLabel", text: "Required" })]));
    var key = el("input", { type: "text", class: "mf-bq__key", maxlength: "40", value: q.key || "", placeholder: "made from the question", pattern: "[a-z][a-z0-9_]*" });
    key.addEventListener("input", function () {
      q.key = key.value;
      sync();
    });
    var keyRow = labelled("Answer key", key);
    keyRow.classList.add("mf-bq__keyrow");
    foot.appendChild(keyRow);
    box.appendChild(foot);
    return box;
  }

  function move(from, to) {
    var q = questions.splice(from, 1)[0];
    questions.splice(to, 0, q);
    render(to);
    announce("Moved to position " + (to + 1) + ".");
    var target = list.children[to];
    var button = target && target.querySelector(to < from ? ".mf-icon-button" : ".mf-icon-button + .mf-icon-button");
    if (button && !button.disabled) button.focus();
  }

  var list = el("ol", { class: "mf-bq-list" });
  var live = el("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  var adder = el("div", { class: "mf-builder__add" });
  var newType = el("select", { id: "mf-new-type", "aria-label": "Type of the new question" });
  TYPES.forEach(function (t) {
    newType.appendChild(el("option", { value: t[0], text: t[1] }));
  });
  var add = el("button", { type: "button", class: "button default", text: "Add a question" });
  add.addEventListener("click", function () {
    var q = { key: "", label: "", type: newType.value, required: false, help: "" };
    if (q.type === "single_choice" || q.type === "multiple_choice") q.choices = ["", ""];
    if (q.type === "scale") {
      q.min = 1;
      q.max = 10;
    }
    if (q.type === "consent") {
      q.consent_text = "";
      q.required = true;
    }
    questions.push(q);
    render(questions.length - 1);
    var last = list.lastElementChild.querySelector(".mf-bq__label");
    if (last) last.focus();
  });
  adder.appendChild(el("label", { for: "mf-new-type", text: "New question:" }));
  adder.appendChild(newType);
  adder.appendChild(add);

  function render() {
    list.innerHTML = "";
    questions.forEach(function (q, i) {
      list.appendChild(card(q, i));
    });
    if (!questions.length) {
      list.appendChild(el("li", { class: "mf-bq-empty", text: "No questions yet. Add the first one below." }));
    }
    sync();
  }

  app.appendChild(live);
  app.appendChild(list);
  app.appendChild(adder);
  render();

  document.getElementById("mf-builder-form").addEventListener("submit", function () {
    // choice lines typed with blank lines in between: drop the blanks
    questions.forEach(function (q) {
      if (Array.isArray(q.choices)) {
        q.choices = q.choices.map(function (c) {
          return c.trim();
        }).filter(Boolean);
      }
    });
    sync();
  });
})();
