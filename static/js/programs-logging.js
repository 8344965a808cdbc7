/* Workout logging for a phone in a gym, offline first. This file starts the parts, each
   in its own file, loaded before it (templates/programs/_logging_scripts.html), after
   shared.js:

   - programs-logging-queue.js: every logged set gets an id made here (a UUID) and waits
     in a queue on the device (IndexedDB, "mf-logging");
   - programs-logging-sync.js: the queue is sent to /api/v1/workout-sync/; with no
     connection the sets wait ("offline — N sets waiting to sync") and are sent when it
     returns (or by the service worker, static/sw.js, with Background Sync);
   - programs-logging-sets.js: set entry (rows, checks, ticking a set, swaps);
   - programs-logging-timer.js: the rest timer after each set, announced politely;
   - programs-logging-results.js: new personal records celebrated, conflicts (the coach
     edited the workout meanwhile) and refused sets shown;
   - programs-logging-summary.js: finishing the workout, and its summary offline;
   - programs-logging-charts.js: the training charts of the progress pages.

   Here: the sync status line, the service worker (it keeps the next workouts on the
   phone), and the logger page's shared state, handed to its parts. */
(function (MF) {
  "use strict";
  if (window.mfLoggingLoaded) return;
  window.mfLoggingLoaded = true;
  var L = MF.logging;
  var sync = L.sync;
  sync.start();

  // ------------------------------------------------------------------ status line

  function initStatus() {
    var box = document.querySelector("[data-sync-status]");
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
    sync.onSynced(function (event) {
      if (event.type === "status") show(event.pending);
      if (event.type === "offline" || event.type === "failed") {
        sync.pendingCount().then(show);
      }
    });
    sync.pendingCount().then(function (n) {
      if (n) {
        show(n);
        sync.flush();
      }
    });
  }

  // ------------------------------------------------------------------ service worker

  function initServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .then(function () {
        var page = document.querySelector("[data-workouts-page]");
        if (!page) return;
        var urls = (page.getAttribute("data-offline-urls") || "").split(" ").filter(Boolean);
        return navigator.serviceWorker.ready.then(function (reg) {
          if (!reg.active || !urls.length) return;
          var channel = new MessageChannel();
          channel.port1.onmessage = function (event) {
            var ready = document.querySelector("[data-offline-ready]");
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
    var root = document.querySelector("[data-logger]");
    var source = document.getElementById("logger-config");
    if (!root || !source) return;
    var config = JSON.parse(source.textContent);
    var w = config.workout;
    var mapKey = "mf-workout-" + L.user + "-" + w.scheduled;
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

    // what the parts share: the page, the workout and what is queued with it
    var logger = {
      root: root,
      config: config,
      unit: config.unit,
      workout: w,
      meta: {
        client_uuid: w.client_uuid,
        scheduled: w.scheduled,
        name: w.name,
        started_at: w.started_at,
        csrf: MF.csrfToken(),
        user: L.user,
      },
      finishing: false,
      reduceMotion:
        window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      // this phone remembers the workout it started (a reload offline keeps its id)
      remember: function (extra) {
        localStorage.setItem(
          mapKey,
          JSON.stringify(Object.assign({ client_uuid: w.client_uuid, started_at: w.started_at }, extra || {}))
        );
      },
    };
    logger.remember();

    var timer = L.restTimer(root, logger.reduceMotion);
    var entry = L.setEntry(logger, timer.start);
    L.finish(logger, entry);
    L.syncResults(logger);
  }

  // ------------------------------------------------------------------ start

  function init() {
    initServiceWorker();
    initStatus();
    initLogger();
    L.drawCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})(self.MF);
