/* What several pages and the service worker share, in one global namespace: MF.
   A classic script (no build step): pages load it before their own scripts
   (<script src=".../shared.js" defer>), the service worker with importScripts().

   - MF.csrfToken(): Django's CSRF token, from its cookie or the page's form field
   - MF.postJSON(url, body): a same-origin JSON POST carrying the CSRF token
   - MF.fetchWithRetry(url, options, retry): fetch, tried again after a network error
     or a gateway error (502, 503, 504); only for requests that are safe to repeat
   - MF.uuid4(): a random id made on the device
   - MF.loggingDB(): the workout queue's IndexedDB ("mf-logging": sets, workouts)
   - MF.workoutSyncBody(workout, sets) and MF.workoutSync(workout, sets, csrf): the
     request the logger and the service worker both send to /api/v1/workout-sync/ */
(function (scope) {
  "use strict";
  if (scope.MF && scope.MF.csrfToken) return;
  var MF = (scope.MF = scope.MF || {});

  MF.WORKOUT_SYNC_URL = "/api/v1/workout-sync/";
  MF.WORKOUT_SYNC_TAG = "mf-workout-sync";

  // ---------------------------------------------------------------- CSRF and requests

  MF.csrfToken = function () {
    if (typeof document === "undefined") return ""; // the service worker has no cookies
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  function wait(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  var GATEWAY = [502, 503, 504];

  // retry: {retries: 2, delay: 1000} (ms, doubled each time)
  MF.fetchWithRetry = function (url, options, retry) {
    var retries = retry && retry.retries != null ? retry.retries : 2;
    var delay = retry && retry.delay != null ? retry.delay : 1000;
    function attempt(left, pause) {
      return fetch(url, options).then(
        function (response) {
          if (left > 0 && GATEWAY.indexOf(response.status) >= 0) {
            return wait(pause).then(function () {
              return attempt(left - 1, pause * 2);
            });
          }
          return response;
        },
        function (error) {
          if (left <= 0) throw error;
          return wait(pause).then(function () {
            return attempt(left - 1, pause * 2);
          });
        }
      );
    }
    return attempt(retries, delay);
  };

  function jsonRequest(body, csrf) {
    return {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrf != null ? csrf : MF.csrfToken(),
        Accept: "application/json",
      },
      body: JSON.stringify(body),
    };
  }

  MF.postJSON = function (url, body, csrf) {
    return fetch(url, jsonRequest(body, csrf));
  };

  // ---------------------------------------------------------------- ids

  MF.uuid4 = function () {
    if (scope.crypto && crypto.randomUUID) return crypto.randomUUID();
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
  };

  // ---------------------------------------------------------------- the workout queue

  MF.loggingDB = function () {
    return new Promise(function (resolve, reject) {
      if (!scope.indexedDB) return reject(new Error("no indexedDB"));
      var req = indexedDB.open("mf-logging", 1);
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
    });
  };

  // A queued workout and its queued sets, as /api/v1/workout-sync/ takes them.
  MF.workoutSyncBody = function (workout, sets) {
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
    // the server refuses (409) a queue made by another account than the one signed in
    // now; it stays on the phone for its owner
    if (workout.user) body.user = parseInt(workout.user, 10);
    return body;
  };

  // Sending a batch again is harmless (the server stores each set's id once): retried.
  MF.workoutSync = function (workout, sets, csrf) {
    return MF.fetchWithRetry(
      MF.WORKOUT_SYNC_URL,
      jsonRequest(MF.workoutSyncBody(workout, sets), csrf)
    );
  };
})(self);
