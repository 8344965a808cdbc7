/* Workout logging for a phone in a gym, offline first.

   - Every logged set gets an id made here (a UUID) and goes into a queue on the device
     (IndexedDB, "mf-logging"), then the queue is sent to /api/v1/workout-sync/. The server
     stores each id once, so sending the same batch again (a retry, a replay) is harmless.
   - With no connection the sets wait in the queue ("offline — N sets waiting to sync");
     they are sent when the connection returns (the online event, a retry timer, and
     Background Sync where the browser has it: the service worker then sends them even
     if this page was closed).
   - A rest timer starts after each set; its time left is announced politely.
   - New personal records are celebrated (live region + a small animation that respects
     prefers-reduced-motion); conflicts (the coach edited the workout meanwhile) are shown.
   - On the progress pages, Chart.js (vendored) draws the training charts; the tables
     beside them carry the same numbers. */
(function () {
  "use strict";
  if (window.mfLoggingLoaded) return;
  window.mfLoggingLoaded = true;

  var DB_NAME = "mf-logging";
  var SYNC_TAG = "mf-workout-sync";
  // The signed-in person. A shared phone keeps each person's queue apart: only their
  // own queued workouts are sent while they are signed in (the server checks it too).
  var USER = (document.body && document.body.dataset.user) || "";
  var reduceMotion =
    window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // ------------------------------------------------------------------ helpers

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 0x100).toString(16).slice(1);
    });
    return (
      h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("")
    );
  }

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function $(sel, root) {
    return (root || document).querySelector(sel);
  }

  function $all(sel, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(sel));
  }

  // ------------------------------------------------------------------ the queue

  // IndexedDB when available; otherwise localStorage (same shape), so a private window
  // still keeps the queue across a reload.
  var Queue = (function () {
    var dbPromise = null;

    function open() {
      if (dbPromise) return dbPromise;
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) return reject(new Error("no indexedDB"));
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          var db = req.result;
          if (!db.objectStoreNames.contains("sets")) {
            db.createObjectStore("sets", { keyPath: "client_uuid" }).createIndex("workout", "workout");
          }
          if (!db.objectStoreNames.contains("workouts")) {
            db.createObjectStore("workouts", { keyPath: "client_uuid" });
          }
        };
        req.onsuccess = function () {
          resolve(req.result);
        };
        req.onerror = function () {
          reject(req.error);
        };
      }).catch(function () {
        return null;
      });
      return dbPromise;
    }

    function lsGet(store) {
      try {
        return JSON.parse(localStorage.getItem("mf-q-" + store) || "{}");
      } catch (e) {
        return {};
      }
    }

    function lsSet(store, value) {
      localStorage.setItem("mf-q-" + store, JSON.stringify(value));
    }

    function tx(store, mode, fn) {
      return open().then(function (db) {
        if (!db) {
          var all = lsGet(store);
          var out = fn(null, all);
          if (mode === "readwrite") lsSet(store, all);
          return out;
        }
        return new Promise(function (resolve, reject) {
          var t = db.transaction(store, mode);
          var result;
          t.oncomplete = function () {
            resolve(result && result.result !== undefined ? result.result : result);
          };
          t.onerror = function () {
            reject(t.error);
          };
          result = fn(t.objectStore(store), null);
        });
      });
    }

    return {
      put: function (store, value) {
        return tx(store, "readwrite", function (s, all) {
          if (all) {
            all[value.client_uuid] = value;
            return value;
          }
          return s.put(value);
        });
      },
      remove: function (store, key) {
        return tx(store, "readwrite", function (s, all) {
          if (all) {
            delete all[key];
            return null;
          }
          return s.delete(key);
        });
      },
      all: function (store) {
        return tx(store, "readonly", function (s, all) {
          if (all) {
            return Object.keys(all).map(function (k) {
              return all[k];
            });
          }
          return s.getAll();
        });
      },
    };
  })();
  window.mfQueue = Queue; // the browser test reads it

  // ------------------------------------------------------------------ the sync

  var inFlight = null;
  var retryTimer = null;
  var listeners = [];

  function onSynced(fn) {
    listeners.push(fn);
  }

  function emit(event) {
    listeners.forEach(function (fn) {
      fn(event);
    });
  }

  function isMine(w) {
    return !w.user || w.user === USER;
  }

  // The signed-in person's queue: [workouts, sets not refused].
  function mine() {
    return Promise.all([Queue.all("workouts"), Queue.all("sets")]).then(function (got) {
      var workouts = got[0].filter(isMine);
      var ids = {};
      workouts.forEach(function (w) {
        ids[w.client_uuid] = true;
      });
      var sets = got[1].filter(function (s) {
        return !s.rejected && ids[s.workout];
      });
      return [workouts, sets];
    });
  }

  function pendingCount() {
    return mine().then(function (got) {
      return got[1].length;
    });
  }

  function requestBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready
      .then(function (reg) {
        if (reg.sync) return reg.sync.register(SYNC_TAG);
      })
      .catch(function () {});
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      flush();
    }, 20000);
  }

  function postBatch(workout, sets) {
    var body = {
      workout: {
        client_uuid: workout.client_uuid,
        scheduled: workout.scheduled || null,
        name: workout.name || "",
        started_at: workout.started_at || null,
        finished_at: workout.finished_at || null,
      },
      sets: sets.map(function (s) {
        return s.payload;
      }),
    };
    if (workout.notes != null) body.workout.notes = workout.notes;
    if (workout.user) body.user = parseInt(workout.user, 10);
    return fetch("/api/v1/workout-sync/", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken() || workout.csrf || "",
        Accept: "application/json",
      },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          return { status: response.status, data: data };
        });
    });
  }

  // Send everything queued, one workout at a time. Resolves when done (or offline).
  function flush() {
    if (inFlight) return inFlight;
    if (navigator.onLine === false) {
      emit({ type: "offline" });
      requestBackgroundSync();
      return Promise.resolve();
    }
    inFlight = mine()
      .then(function (got) {
        var workouts = got[0];
        var sets = got[1];
        var chain = Promise.resolve();
        workouts.forEach(function (w) {
          var mine = sets.filter(function (s) {
            return s.workout === w.client_uuid;
          });
          if (!mine.length && !w.dirty) return;
          chain = chain.then(function () {
            return postBatch(w, mine).then(function (res) {
              return handleResponse(w, mine, res);
            });
          });
        });
        return chain;
      })
      .catch(function () {
        emit({ type: "failed" });
        scheduleRetry();
        requestBackgroundSync();
      })
      .then(function () {
        inFlight = null;
        return pendingCount().then(function (n) {
          emit({ type: "status", pending: n });
        });
      });
    return inFlight;
  }

  function handleResponse(w, sent, res) {
    if (res.status >= 200 && res.status < 300) {
      var states = res.data.sets || {};
      var ops = sent
        .filter(function (s) {
          return states[s.client_uuid];
        })
        .map(function (s) {
          return Queue.remove("sets", s.client_uuid);
        });
      var serverUuid = res.data.workout && res.data.workout.client_uuid;
      if (w.finished_at || serverUuid !== w.client_uuid) {
        ops.push(Queue.remove("workouts", w.client_uuid));
        if (!w.finished_at && serverUuid) {
          // the server already had an open log for this workout: use its id from now on
          ops.push(
            Queue.put("workouts", Object.assign({}, w, { client_uuid: serverUuid, dirty: false }))
          );
          sent.forEach(function (s) {
            if (!states[s.client_uuid]) {
              ops.push(Queue.put("sets", Object.assign({}, s, { workout: serverUuid })));
            }
          });
        }
      } else if (w.dirty) {
        ops.push(Queue.put("workouts", Object.assign({}, w, { dirty: false })));
      }
      return Promise.all(ops).then(function () {
        emit({ type: "synced", workout: w, sent: sent, data: res.data });
      });
    }
    if (res.status === 400 || res.status === 403 || res.status === 404) {
      // never retried as is (it would fail again) and never dropped: kept, marked
      var errors = res.data && res.data.sets;
      var perSet = errors && typeof errors === "object"; // {"1": {...}} or [{}, {...}]
      var ops2 = sent.map(function (s, i) {
        var err = perSet ? errors[i] || errors[String(i)] : null;
        if (res.status === 400 && perSet && (!err || !Object.keys(err).length)) {
          return null; // fine on its own: sent again with the next batch
        }
        return Queue.put("sets", Object.assign({}, s, { rejected: true, errors: err || res.data }));
      });
      return Promise.all(ops2).then(function () {
        emit({ type: "rejected", workout: w, status: res.status, data: res.data });
      });
    }
    if (res.status === 409) {
      // queued by someone else who signed in on this phone: kept for them
      emit({ type: "rejected", workout: w, status: res.status, data: res.data });
      return;
    }
    throw new Error("server error " + res.status);
  }

  window.addEventListener("online", function () {
    flush();
  });
  window.addEventListener("offline", function () {
    pendingCount().then(function (n) {
      emit({ type: "status", pending: n });
    });
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "mf-synced") {
        (event.data.results || []).forEach(function (data) {
          if (data && data.workout) {
            emit({ type: "synced", workout: { client_uuid: data.workout.client_uuid }, sent: [], data: data });
          }
        });
        pendingCount().then(function (n) {
          emit({ type: "status", pending: n });
        });
      }
    });
  }

  // ------------------------------------------------------------------ status line

  function initStatus() {
    var box = $("[data-sync-status]");
    if (!box) return;
    var okTimer = null;
    function show(pending) {
      clearTimeout(okTimer);
      if (!pending) {
        if (!box.hidden && box.dataset.state !== "ok") {
          box.dataset.state = "ok";
          box.textContent = "All sets saved.";
          okTimer = setTimeout(function () {
            box.hidden = true;
          }, 4000);
        }
        return;
      }
      box.hidden = false;
      var sets = pending + " set" + (pending === 1 ? "" : "s");
      if (navigator.onLine === false) {
        box.dataset.state = "offline";
        box.textContent = "Offline \u2014 " + sets + " waiting to sync. They are safe on this phone.";
      } else {
        box.dataset.state = "pending";
        box.textContent = sets + " waiting to sync\u2026";
      }
    }
    onSynced(function (event) {
      if (event.type === "status") show(event.pending);
      if (event.type === "offline" || event.type === "failed") {
        pendingCount().then(show);
      }
    });
    pendingCount().then(function (n) {
      if (n) {
        show(n);
        flush();
      }
    });
  }

  // ------------------------------------------------------------------ service worker

  function initServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .then(function () {
        var page = $("[data-workouts-page]");
        if (!page) return;
        var urls = (page.getAttribute("data-offline-urls") || "").split(" ").filter(Boolean);
        return navigator.serviceWorker.ready.then(function (reg) {
          if (!reg.active || !urls.length) return;
          var channel = new MessageChannel();
          channel.port1.onmessage = function (event) {
            var ready = $("[data-offline-ready]");
            if (ready && event.data && event.data.ok) ready.hidden = false;
          };
          reg.active.postMessage({ type: "mf-cache-urls", urls: urls }, [channel.port2]);
        });
      })
      .catch(function () {
        /* no service worker (not a secure context): the queue still works on this page */
      });
  }

  // ------------------------------------------------------------------ the logger

  function initLogger() {
    var root = $("[data-logger]");
    var source = document.getElementById("logger-config");
    if (!root || !source) return;
    var config = JSON.parse(source.textContent);
    var unit = config.unit;
    var maxLoad = unit === "lb" ? 2204.6 : 1000;
    var w = config.workout;
    var mapKey = "mf-workout-" + USER + "-" + w.scheduled;
    var remembered = null;
    try {
      remembered = JSON.parse(localStorage.getItem(mapKey) || "null");
    } catch (e) {
      remembered = null;
    }
    if (remembered && !w.is_open && !remembered.finished) {
      w.client_uuid = remembered.client_uuid; // started on this phone before (maybe offline)
      w.started_at = remembered.started_at;
    }
    if (!w.started_at) w.started_at = new Date().toISOString();
    function remember(extra) {
      localStorage.setItem(
        mapKey,
        JSON.stringify(Object.assign({ client_uuid: w.client_uuid, started_at: w.started_at }, extra || {}))
      );
    }
    remember();

    var meta = {
      client_uuid: w.client_uuid,
      scheduled: w.scheduled,
      name: w.name,
      started_at: w.started_at,
      csrf: csrfToken(),
      user: USER,
    };

    // sets queued on this phone but not synced yet: show them ticked after a reload
    Queue.all("sets").then(function (sets) {
      sets.forEach(function (s) {
        if (s.workout !== w.client_uuid) return;
        var card = root.querySelector('[data-exercise-card][data-prescription="' + s.payload.prescription + '"]');
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

    root.addEventListener("change", function (event) {
      var radio = event.target.closest('input[type=radio][name^="swap-"]');
      if (radio) applySwap(radio.closest("[data-exercise-card]"), radio);
    });

    // A card has the inputs its exercise is measured by (data-field): reps and load for
    // a squat, time for a plank, distance and time for a run, and RPE. Missing ones are null.
    var FIELDS = ["reps", "load", "time", "distance", "rpe"];

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

    function markRow(row, logged) {
      row.classList.toggle("is-logged", logged);
      row.querySelector("[data-tick]").setAttribute("aria-pressed", logged ? "true" : "false");
    }

    function ensureRow(card, number) {
      var row = card.querySelector('[data-set][data-set-number="' + number + '"]');
      while (!row) {
        addRow(card);
        row = card.querySelector('[data-set][data-set-number="' + number + '"]');
      }
      return row;
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

    function parseNumber(text) {
      var t = String(text || "").trim().replace(",", ".");
      if (t === "") return null;
      if (!/^-?\d+(\.\d+)?$/.test(t)) return NaN;
      return parseFloat(t);
    }

    function validate(row) {
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

    function logRow(row) {
      var card = row.closest("[data-exercise-card]");
      var v = validate(row);
      if (!v) return;
      var id = uuid4();
      row.dataset.uuid = id;
      markRow(row, true);
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
      var display = {};
      FIELDS.forEach(function (k) {
        if (v.raw[k]) display[k] = v.raw[k].value;
      });
      Queue.put("workouts", Object.assign({}, meta, { client_uuid: w.client_uuid }))
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
          return flush();
        });
      startTimer(parseInt(card.dataset.rest || "90", 10));
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
            flush();
          });
          return;
        }
        if (navigator.onLine === false) {
          var box = row.querySelector("[data-set-error]");
          box.textContent = "This set is saved already: undo it when you are back online.";
          box.hidden = false;
          return;
        }
        fetch(config.unlogUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({ set: id }),
        }).then(function (r) {
          if (r.ok || r.status === 404) {
            markRow(row, false);
            delete row.dataset.uuid;
            updateCount();
          }
        });
      });
    }

    root.addEventListener("click", function (event) {
      var tick = event.target.closest("[data-tick]");
      if (tick) {
        var row = tick.closest("[data-set]");
        if (row.classList.contains("is-logged")) unlogRow(row);
        else logRow(row);
        return;
      }
      if (event.target.closest("[data-pr-close]")) {
        $("[data-pr-banner]", root).hidden = true;
        return;
      }
      var add = event.target.closest("[data-add-set]");
      if (add) {
        var newRow = addRow(add.closest("[data-exercise-card]"));
        presentInputs(newRow)[0].focus();
        return;
      }
      if (event.target.closest("[data-finish]")) finish();
    });

    function updateCount() {
      var n = $all(".mfl-set.is-logged", root).length;
      var el = $("[data-finish-count]", root);
      if (el) el.textContent = n + " set" + (n === 1 ? "" : "s") + " logged.";
    }

    // --- finish
    var finishing = false;
    function finish() {
      var notes = $("[data-notes]", root).value;
      var finishedAt = new Date().toISOString();
      finishing = true;
      remember({ finished: true });
      Queue.put(
        "workouts",
        Object.assign({}, meta, {
          client_uuid: w.client_uuid,
          finished_at: finishedAt,
          notes: notes,
          dirty: true,
        })
      ).then(function () {
        if (navigator.onLine === false) {
          showLocalSummary(finishedAt);
          requestBackgroundSync();
          return;
        }
        flush().then(function () {
          Queue.all("workouts").then(function (ws) {
            var still = ws.some(function (x) {
              return x.client_uuid === w.client_uuid && x.finished_at;
            });
            if (still) showLocalSummary(finishedAt);
          });
        });
      });
    }

    function showLocalSummary(finishedAt) {
      var rows = $all(".mfl-set.is-logged", root);
      var volume = 0;
      rows.forEach(function (row) {
        var v = rowInputs(row);
        var reps = (v.reps && parseNumber(v.reps.value)) || 0;
        var load = (v.load && parseNumber(v.load.value)) || 0;
        volume += reps * load;
      });
      var minutes = Math.max(1, Math.round((new Date(finishedAt) - new Date(w.started_at)) / 60000));
      var box = $("[data-local-summary]", root);
      box.hidden = false;
      box.innerHTML = "";
      var p = document.createElement("p");
      p.className = "alert alert--success";
      p.setAttribute("role", "status");
      p.textContent =
        "Workout finished: " + rows.length + " sets, " +
        (volume ? Math.round(volume).toLocaleString() + " " + unit + " lifted, " : "") +
        minutes + " min. Saved on this phone; it will sync when you are online.";
      box.appendChild(p);
      p.focus && p.setAttribute("tabindex", "-1");
      p.focus();
    }

    // --- sync results: records, conflicts, rejected sets, the summary
    var prLive = $("[data-pr-live]", root);
    var prBanner = $("[data-pr-banner]", root);
    var conflictBox = $("[data-conflicts]", root);
    onSynced(function (event) {
      if (event.type === "synced") {
        var data = event.data;
        if (data.workout && data.workout.client_uuid !== w.client_uuid && event.workout.client_uuid === w.client_uuid) {
          w.client_uuid = meta.client_uuid = data.workout.client_uuid;
          remember(finishing ? { finished: true } : null);
        }
        if (data.records && data.records.length) celebrate(data.records);
        if (data.conflicts && data.conflicts.length) showConflicts(data.conflicts);
        if (finishing && data.workout && data.workout.finished) {
          window.location.href = data.workout.summary_url;
        }
      } else if (event.type === "rejected") {
        Queue.all("sets").then(function (sets) {
          sets.forEach(function (s) {
            if (!s.rejected) return;
            var row = root.querySelector('[data-set][data-uuid="' + s.client_uuid + '"]');
            if (!row) return;
            var box = row.querySelector("[data-set-error]");
            var errs = s.errors || {};
            var text = Object.keys(errs)
              .map(function (k) {
                return [].concat(errs[k]).join(" ");
              })
              .join(" ");
            box.textContent = "Not saved: " + (text || "the server refused this set.");
            box.hidden = false;
          });
        });
      }
    });

    function celebrate(all) {
      // one line per exercise and kind: the best (two sets may beat a record in one sync)
      var best = {};
      all.forEach(function (r) {
        var key = r.exercise + "|" + r.kind + "|" + (r.reps || "") + "|" + (r.distance_m || "");
        var value = parseFloat(r.value);
        var was = best[key] ? parseFloat(best[key].value) : null;
        var better = r.kind === "fastest" ? value < was : value > was;
        if (!best[key] || better) best[key] = r;
      });
      var records = Object.keys(best).map(function (k) {
        return best[k];
      });
      var list = $("[data-pr-list]", prBanner);
      list.innerHTML = "";
      var words = [];
      records.forEach(function (r) {
        var li = document.createElement("li");
        li.textContent = r.exercise + ": " + r.text;
        list.appendChild(li);
        words.push(r.exercise + ", " + r.text);
        if (r.set) {
          var row = root.querySelector('[data-set][data-uuid="' + r.set + '"]');
          if (row) row.classList.add("is-pr");
        }
      });
      prBanner.hidden = false;
      prBanner.classList.remove("is-popping");
      void prBanner.offsetWidth; // restart the animation
      if (!reduceMotion) prBanner.classList.add("is-popping");
      prLive.textContent = "";
      setTimeout(function () {
        prLive.textContent = "New personal record! " + words.join(". ") + ".";
      }, 50);
      if (navigator.vibrate && !reduceMotion) navigator.vibrate([60, 40, 60]);
      fetch(config.seenUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({
          ids: all.map(function (r) {
            return r.id;
          }),
        }),
      }).catch(function () {});
    }

    function showConflicts(conflicts) {
      var list = $("[data-conflict-list]", conflictBox);
      conflicts.forEach(function (c) {
        var li = document.createElement("li");
        var row = c.set ? root.querySelector('[data-set][data-uuid="' + c.set + '"]') : null;
        var where = "";
        if (row) {
          var card = row.closest("[data-exercise-card]");
          where = card.querySelector("[data-ex-name]").textContent + ", set " + row.dataset.setNumber + ": ";
          row.classList.add("is-conflict");
        }
        li.textContent = where + c.message;
        list.appendChild(li);
      });
      conflictBox.hidden = false;
    }

    // --- the rest timer
    var timer = $("[data-timer]", root);
    var timeEl = $("[data-timer-time]", root);
    var bar = $("[data-timer-bar]", root);
    var live = $("[data-timer-live]", root);
    var endAt = 0;
    var total = 0;
    var tickHandle = null;
    var warned = false;

    function fmt(s) {
      s = Math.max(0, Math.ceil(s));
      return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    }

    function spoken(s) {
      var m = Math.floor(s / 60);
      var r = s % 60;
      var parts = [];
      if (m) parts.push(m + " minute" + (m === 1 ? "" : "s"));
      if (r) parts.push(r + " second" + (r === 1 ? "" : "s"));
      return parts.join(" ") || "0 seconds";
    }

    function announce(text) {
      live.textContent = "";
      setTimeout(function () {
        live.textContent = text;
      }, 30);
    }

    function render() {
      var left = (endAt - Date.now()) / 1000;
      timeEl.textContent = fmt(left);
      bar.style.transform = "scaleX(" + Math.max(0, Math.min(1, left / total)) + ")";
      if (!warned && left <= 10 && total > 15) {
        warned = true;
        announce("10 seconds of rest left.");
      }
      if (left <= 0) {
        stopTimer();
        announce("Rest over. Ready for the next set.");
        if (navigator.vibrate && !reduceMotion) navigator.vibrate(200);
      }
    }

    function startTimer(seconds) {
      if (!seconds || seconds < 1) return;
      total = seconds;
      endAt = Date.now() + seconds * 1000;
      warned = false;
      timer.hidden = false;
      clearInterval(tickHandle);
      tickHandle = setInterval(render, 250);
      render();
      announce("Set logged. Rest " + spoken(seconds) + ".");
    }

    function stopTimer() {
      clearInterval(tickHandle);
      timer.hidden = true;
    }

    timer.addEventListener("click", function (event) {
      var add = event.target.closest("[data-timer-add]");
      if (add) {
        var delta = parseInt(add.getAttribute("data-timer-add"), 10);
        endAt += delta * 1000;
        total = Math.max(total + delta, 1);
        var left = Math.round((endAt - Date.now()) / 1000);
        announce(spoken(Math.max(0, left)) + " of rest left.");
        render();
      } else if (event.target.closest("[data-timer-skip]")) {
        stopTimer();
        announce("Rest skipped.");
      }
    });
  }

  // ------------------------------------------------------------------ charts

  function colour(el, name, fallback) {
    var v = getComputedStyle(el).getPropertyValue(name).trim();
    return v || fallback;
  }

  var dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });

  function dayLabel(iso) {
    var p = iso.split("-");
    return dayFormat.format(new Date(+p[0], +p[1] - 1, +p[2]));
  }

  function initCharts() {
    if (!window.Chart) return;
    $all("[data-training-charts]").forEach(function (box) {
      var source = document.getElementById(box.getAttribute("data-training-charts"));
      if (!source || box.dataset.drawn) return;
      var data = JSON.parse(source.textContent);
      var draw = function () {
        if (box.dataset.drawn || !box.offsetParent) return;
        box.dataset.drawn = "1";
        drawAll(box, data);
      };
      draw();
      var details = box.closest("details");
      if (details) details.addEventListener("toggle", draw);
    });
  }

  function drawAll(box, data) {
    var line = colour(box, "--mfl-line", "#c2410c");
    var second = colour(box, "--mfl-line-2", "#1d4ed8");
    var soft = colour(box, "--mfl-bar", "rgba(107,114,128,0.35)");
    var text = colour(box, "--mfl-text", "#4b5563");
    var grid = colour(box, "--mfl-grid", "#e5e7eb");
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = text;
    var animation = reduceMotion ? false : { duration: 350 };
    var unit = data.unit;
    data.exercises.forEach(function (ex) {
      var canvas = box.querySelector('[data-lift-chart="' + ex.id + '"]');
      if (!canvas || ex.points.length < 2) return;
      new window.Chart(canvas, {
        data: {
          labels: ex.points.map(function (p) {
            return dayLabel(p.d);
          }),
          datasets: [
            {
              type: "line",
              label: "Est. 1RM (" + unit + ")",
              data: ex.points.map(function (p) {
                return p.e1rm;
              }),
              borderColor: line,
              backgroundColor: line,
              tension: 0.25,
              spanGaps: true,
              yAxisID: "y",
            },
            {
              type: "line",
              label: "Top set (" + unit + ")",
              data: ex.points.map(function (p) {
                return p.top;
              }),
              borderColor: second,
              backgroundColor: second,
              borderDash: [5, 4],
              tension: 0.25,
              yAxisID: "y",
            },
            {
              type: "bar",
              label: "Volume (" + unit + ")",
              data: ex.points.map(function (p) {
                return p.volume;
              }),
              backgroundColor: soft,
              yAxisID: "y2",
            },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: animation,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { labels: { boxWidth: 12 } } },
          scales: {
            x: { grid: { display: false }, ticks: { maxTicksLimit: 5, maxRotation: 0 } },
            y: { position: "left", grid: { color: grid }, ticks: { maxTicksLimit: 5 } },
            y2: { position: "right", grid: { display: false }, ticks: { maxTicksLimit: 4 } },
          },
        },
      });
    });
    var weeks = data.weeks.map(dayLabel);
    var palette = ["#c2410c", "#1d4ed8", "#15803d", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4b5563"];
    var muscles = box.querySelector("[data-muscle-chart]");
    if (muscles && data.muscles.length) {
      new window.Chart(muscles, {
        type: "bar",
        data: {
          labels: weeks,
          datasets: data.muscles.map(function (m, i) {
            return { label: m.name, data: m.sets, backgroundColor: palette[i % palette.length] };
          }),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: animation,
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
          scales: {
            x: { stacked: true, grid: { display: false }, ticks: { maxTicksLimit: 6, maxRotation: 0 } },
            y: {
              stacked: true,
              grid: { color: grid },
              ticks: { precision: 0 },
              title: { display: true, text: "sets" },
            },
          },
        },
      });
    }
    var adherence = box.querySelector("[data-adherence-chart]");
    if (adherence) {
      new window.Chart(adherence, {
        type: "bar",
        data: {
          labels: weeks,
          datasets: [
            {
              label: "Done",
              data: data.adherence.map(function (a) {
                return a.done;
              }),
              backgroundColor: line,
            },
            {
              label: "Scheduled",
              data: data.adherence.map(function (a) {
                return a.scheduled;
              }),
              backgroundColor: soft,
            },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: animation,
          plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
          scales: {
            x: { grid: { display: false }, ticks: { maxTicksLimit: 6, maxRotation: 0 } },
            y: { grid: { color: grid }, ticks: { precision: 0 } },
          },
        },
      });
    }
  }

  // ------------------------------------------------------------------ start

  function init() {
    initServiceWorker();
    initStatus();
    initLogger();
    initCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
