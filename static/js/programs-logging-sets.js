/* Set entry on the workout logger (see programs-logging.js): the rows of each exercise
   card, what a set's inputs must hold, ticking a set (it goes into the queue and the
   rest timer starts) and unticking it, added rows, and exercise swaps remembered on
   this phone.

   MF.logging.setEntry(logger, onLogged) wires the logger's root; logger is the shared
   state of the page (root, unit, workout, meta); onLogged(restSeconds) runs after a set
   is ticked. Returns the helpers the summary needs (rowInputs, parseNumber, ...). */
(function (MF) {
  "use strict";
  var L = (MF.logging = MF.logging || {});
  if (L.setEntry) return;

  // A card has the inputs its exercise is measured by (data-field): reps and load for
  // a squat, time for a plank, distance and time for a run, and RPE. Missing ones are null.
  var FIELDS = ["reps", "load", "time", "distance", "rpe"];

  function $all(sel, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(sel));
  }

  function rowInputs(row) {
    var out = {};
    FIELDS.forEach(function (k) {
      out[k] = row.querySelector('[data-field="' + k + '"]');
    });
    return out;
  }

  function presentInputs(row) {
    var inputs = rowInputs(row);
    return FIELDS.map(function (k) {
      return inputs[k];
    }).filter(Boolean);
  }

  function setRowValues(row, values) {
    var inputs = rowInputs(row);
    FIELDS.forEach(function (k) {
      if (values[k] != null && inputs[k]) inputs[k].value = values[k];
    });
  }

  // "45" -> 45 s, "1:30" -> 90, "1:02:03" -> 3723; null when empty, NaN when not a time
  function parseDuration(text) {
    var t = String(text || "").trim().replace(/\s+/g, "");
    if (t === "") return null;
    var m = t.match(/^(\d+)(s|sec)?$/i);
    if (m) return parseInt(m[1], 10);
    m = t.match(/^(\d+)min$/i);
    if (m) return parseInt(m[1], 10) * 60;
    if (!/^\d+(:\d{1,2}){1,2}$/.test(t)) return NaN;
    var parts = t.split(":").map(function (x) {
      return parseInt(x, 10);
    });
    var total = 0;
    for (var i = 0; i < parts.length; i++) {
      if (i > 0 && parts[i] >= 60) return NaN;
      total = total * 60 + parts[i];
    }
    return total;
  }

  function parseNumber(text) {
    var t = String(text || "").trim().replace(",", ".");
    if (t === "") return null;
    if (!/^-?\d+(\.\d+)?$/.test(t)) return NaN;
    return parseFloat(t);
  }

  function markRow(row, logged) {
    row.classList.toggle("is-logged", logged);
    row.querySelector("[data-tick]").setAttribute("aria-pressed", logged ? "true" : "false");
  }

  function addRow(card) {
    var rows = $all("[data-set]", card);
    var next = rows.length + 1;
    var template = card.querySelector("template[data-row-template]");
    var html = template.innerHTML.replace(/__N__/g, String(next));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    var last = rows[rows.length - 1];
    if (last) {
      var from = rowInputs(last);
      var to = rowInputs(row);
      FIELDS.forEach(function (k) {
        if (from[k] && to[k]) to[k].value = from[k].value;
      });
    }
    card.querySelector(".mfl-sets").appendChild(row);
    return row;
  }

  function ensureRow(card, number) {
    var row = card.querySelector('[data-set][data-set-number="' + number + '"]');
    while (!row) {
      addRow(card);
      row = card.querySelector('[data-set][data-set-number="' + number + '"]');
    }
    return row;
  }

  // The row's values, or null after showing what is wrong (the first bad input focused).
  function validate(row, unit) {
    var maxLoad = unit === "lb" ? 2204.6 : 1000;
    var inputs = rowInputs(row);
    var value = function (k) {
      return inputs[k] ? inputs[k].value : "";
    };
    var reps = parseNumber(value("reps"));
    var load = parseNumber(value("load"));
    var rpe = parseNumber(value("rpe"));
    var time = parseDuration(value("time"));
    var distance = parseNumber(value("distance"));
    var errors = [];
    var bad = [];
    if (inputs.reps && reps === null) {
      errors.push("Enter the reps.");
      bad.push(inputs.reps);
    } else if (inputs.reps && (isNaN(reps) || reps < 0 || reps > 200 || Math.floor(reps) !== reps)) {
      errors.push("Reps: a whole number from 0 to 200.");
      bad.push(inputs.reps);
    }
    var timed = inputs.time && !inputs.distance;
    if (inputs.time && time === null && timed) {
      errors.push("Enter the time, like 45 or 1:30.");
      bad.push(inputs.time);
    } else if (inputs.time && time !== null && (isNaN(time) || time < 1 || time > 86400)) {
      errors.push("Time: seconds (45) or minutes:seconds (1:30), up to 24 hours.");
      bad.push(inputs.time);
    }
    if (inputs.distance && distance === null && !inputs.time) {
      errors.push("Enter the distance in metres.");
      bad.push(inputs.distance);
    } else if (
      inputs.distance && distance !== null &&
      (isNaN(distance) || distance < 1 || distance > 1000000 || Math.floor(distance) !== distance)
    ) {
      errors.push("Distance: whole metres, from 1.");
      bad.push(inputs.distance);
    }
    if (inputs.time && inputs.distance && time === null && distance === null) {
      errors.push("Enter the distance, the time or both.");
      bad.push(inputs.distance);
    }
    if (load !== null && (isNaN(load) || load < 0 || load > maxLoad)) {
      errors.push("Load: a number from 0 to " + (unit === "lb" ? "2204 lb" : "1000 kg") + ".");
      bad.push(inputs.load);
    }
    if (rpe !== null && (isNaN(rpe) || rpe < 1 || rpe > 10)) {
      errors.push("RPE goes from 1 to 10.");
      bad.push(inputs.rpe);
    }
    presentInputs(row).forEach(function (input) {
      if (bad.indexOf(input) >= 0) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
    var box = row.querySelector("[data-set-error]");
    box.textContent = errors.join(" ");
    box.hidden = !errors.length;
    if (errors.length) {
      bad[0].focus();
      return null;
    }
    return { reps: reps, load: load, rpe: rpe, time: time, distance: distance, raw: inputs };
  }

  // What the server stores for a ticked row (POST /api/v1/workout-sync/, one of "sets").
  function setPayload(id, card, row, v, unit) {
    var payload = {
      client_uuid: id,
      prescription: parseInt(card.dataset.prescription, 10),
      prescription_version: card.dataset.version,
      exercise: card.dataset.exercise,
      set_number: parseInt(row.dataset.setNumber, 10),
      rpe: v.rpe,
      logged_at: new Date().toISOString(),
    };
    if (v.raw.reps) payload.reps = v.reps;
    if (v.raw.time && v.time !== null) payload.duration_seconds = v.time;
    if (v.raw.distance && v.distance !== null) payload.distance_m = v.distance;
    if (v.load !== null) {
      payload.load = v.raw.load.value.trim().replace(",", ".");
      payload.unit = unit;
    }
    return payload;
  }

  L.setEntry = function (logger, onLogged) {
    var root = logger.root;
    var w = logger.workout;
    var Queue = L.queue;
    var sync = L.sync;

    function updateCount() {
      var n = $all(".mfl-set.is-logged", root).length;
      var el = root.querySelector("[data-finish-count]");
      if (el) el.textContent = n + " set" + (n === 1 ? "" : "s") + " logged.";
    }

    function applySwap(card, radio) {
      card.dataset.exercise = radio.value;
      var name = card.querySelector("[data-ex-name]");
      var note = card.querySelector("[data-swapped-note]");
      name.textContent = radio.getAttribute("data-name");
      var swapped = radio.value !== card.dataset.prescribed;
      note.hidden = !swapped;
      note.textContent = "Instead of " + card.dataset.prescribedName;
      localStorage.setItem("mf-swap-" + w.client_uuid + "-" + card.dataset.prescription, radio.value);
    }

    function logRow(row) {
      var card = row.closest("[data-exercise-card]");
      var v = validate(row, logger.unit);
      if (!v) return;
      var id = MF.uuid4();
      row.dataset.uuid = id;
      markRow(row, true);
      var payload = setPayload(id, card, row, v, logger.unit);
      var display = {};
      FIELDS.forEach(function (k) {
        if (v.raw[k]) display[k] = v.raw[k].value;
      });
      Queue.put("workouts", Object.assign({}, logger.meta, { client_uuid: w.client_uuid }))
        .then(function () {
          return Queue.put("sets", {
            client_uuid: id,
            workout: w.client_uuid,
            payload: payload,
            display: display,
          });
        })
        .then(function () {
          updateCount();
          return sync.flush();
        });
      onLogged(parseInt(card.dataset.rest || "90", 10));
    }

    function unlogRow(row) {
      var id = row.dataset.uuid;
      Queue.all("sets").then(function (sets) {
        var queued = sets.some(function (s) {
          return s.client_uuid === id;
        });
        if (queued) {
          Queue.remove("sets", id).then(function () {
            markRow(row, false);
            delete row.dataset.uuid;
            updateCount();
            sync.flush();
          });
          return;
        }
        if (navigator.onLine === false) {
          var box = row.querySelector("[data-set-error]");
          box.textContent = "This set is saved already: undo it when you are back online.";
          box.hidden = false;
          return;
        }
        MF.postJSON(logger.config.unlogUrl, { set: id }).then(function (r) {
          if (r.ok || r.status === 404) {
            markRow(row, false);
            delete row.dataset.uuid;
            updateCount();
          }
        });
      });
    }

    // sets queued on this phone but not synced yet: show them ticked after a reload
    Queue.all("sets").then(function (sets) {
      sets.forEach(function (s) {
        if (s.workout !== w.client_uuid) return;
        var card = root.querySelector(
          '[data-exercise-card][data-prescription="' + s.payload.prescription + '"]'
        );
        if (!card) return;
        var row = ensureRow(card, s.payload.set_number);
        row.dataset.uuid = s.client_uuid;
        setRowValues(row, s.display || {});
        markRow(row, true);
      });
      updateCount();
    });

    // swaps remembered on this phone
    $all("[data-exercise-card]", root).forEach(function (card) {
      var saved = localStorage.getItem("mf-swap-" + w.client_uuid + "-" + card.dataset.prescription);
      if (saved && !card.querySelector(".mfl-set.is-logged")) {
        var radio = card.querySelector('input[type=radio][value="' + saved + '"]');
        if (radio) {
          radio.checked = true;
          applySwap(card, radio);
        }
      }
    });

    root.addEventListener("change", function (event) {
      var radio = event.target.closest('input[type=radio][name^="swap-"]');
      if (radio) applySwap(radio.closest("[data-exercise-card]"), radio);
    });

    root.addEventListener("click", function (event) {
      var tick = event.target.closest("[data-tick]");
      if (tick) {
        var row = tick.closest("[data-set]");
        if (row.classList.contains("is-logged")) unlogRow(row);
        else logRow(row);
        return;
      }
      var add = event.target.closest("[data-add-set]");
      if (add) {
        var newRow = addRow(add.closest("[data-exercise-card]"));
        presentInputs(newRow)[0].focus();
      }
    });

    return { rowInputs: rowInputs, parseNumber: parseNumber };
  };
})(self.MF);
