/* Sending the logger's queue (programs-logging-queue.js) to /api/v1/workout-sync/, one
   workout at a time. The server stores each set's id once, so sending the same batch
   again (a retry, a replay) is harmless. With no connection the sets wait; they are
   sent when the connection returns (the online event, a retry timer, and Background
   Sync where the browser has it: the service worker, static/sw.js, then sends them
   even if the page was closed).

   MF.logging.sync: flush(), pendingCount(), requestBackgroundSync(), onSynced(fn) and
   start() (listens for the connection and the service worker). onSynced hears
   {type: "status", pending}, "offline", "failed", "synced" (workout, sent, data) and
   "rejected" (workout, status, data). MF.logging.user is the signed-in person: a shared
   phone keeps each person's queue apart (the server checks it too). */
(function (MF) {
  "use strict";
  var L = (MF.logging = MF.logging || {});
  if (L.sync) return;
  var Queue = L.queue;
  var USER = (L.user = (document.body && document.body.dataset.user) || "");

  var inFlight = null;
  var again = false; // a set queued while a batch was on its way: send once that is done
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

  function emitStatus() {
    return pendingCount().then(function (n) {
      emit({ type: "status", pending: n });
    });
  }

  function requestBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready
      .then(function (reg) {
        if (reg.sync) return reg.sync.register(MF.WORKOUT_SYNC_TAG);
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
    return MF.workoutSync(workout, sets, MF.csrfToken() || workout.csrf || "").then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            return { status: response.status, data: data };
          });
      }
    );
  }

  // Send everything queued, one workout at a time. Resolves when done (or offline).
  function flush() {
    if (inFlight) {
      again = true;
      return inFlight;
    }
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
          var its = sets.filter(function (s) {
            return s.workout === w.client_uuid;
          });
          if (!its.length && !w.dirty) return;
          chain = chain.then(function () {
            return postBatch(w, its).then(function (res) {
              return handleResponse(w, its, res);
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
        if (again) {
          again = false;
          return flush();
        }
        return emitStatus();
      });
    return inFlight;
  }

  function handleResponse(w, sent, res) {
    if (res.status >= 200 && res.status < 300) return stored(w, sent, res);
    if (res.status === 400 || res.status === 403 || res.status === 404) {
      return refused(w, sent, res);
    }
    if (res.status === 409) {
      // queued by someone else who signed in on this phone: kept for them
      emit({ type: "rejected", workout: w, status: res.status, data: res.data });
      return;
    }
    throw new Error("server error " + res.status);
  }

  // The server has the sets it lists: they leave the queue.
  function stored(w, sent, res) {
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

  // Never retried as is (it would fail again) and never dropped: kept, marked.
  function refused(w, sent, res) {
    var errors = res.data && res.data.sets;
    var perSet = errors && typeof errors === "object"; // {"1": {...}} or [{}, {...}]
    var ops = sent.map(function (s, i) {
      var err = perSet ? errors[i] || errors[String(i)] : null;
      if (res.status === 400 && perSet && (!err || !Object.keys(err).length)) {
        return null; // fine on its own: sent again with the next batch
      }
      return Queue.put("sets", Object.assign({}, s, { rejected: true, errors: err || res.data }));
    });
    return Promise.all(ops).then(function () {
      emit({ type: "rejected", workout: w, status: res.status, data: res.data });
    });
  }

  function start() {
    window.addEventListener("online", function () {
      flush();
    });
    window.addEventListener("offline", emitStatus);
    if ("serviceWorker" in navigator) {
      // what the service worker sent while the page was away (Background Sync)
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.type === "mf-synced") {
          (event.data.results || []).forEach(function (data) {
            if (data && data.workout) {
              emit({
                type: "synced",
                workout: { client_uuid: data.workout.client_uuid },
                sent: [],
                data: data,
              });
            }
          });
          emitStatus();
        }
      });
    }
  }

  L.sync = {
    flush: flush,
    pendingCount: pendingCount,
    requestBackgroundSync: requestBackgroundSync,
    onSynced: onSynced,
    start: start,
  };
})(self.MF);
