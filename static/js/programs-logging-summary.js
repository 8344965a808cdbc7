/* Finishing a workout on the logger (see programs-logging.js): the workout, its notes and
   its end time go into the queue and are sent; the server's summary page follows once
   it has them (programs-logging-results.js). Offline, or until the server has it, a
   summary made on the phone says what was done and that it will sync.

   MF.logging.finish(logger, entry) wires the "Finish workout" button; entry is what
   MF.logging.setEntry returned (rowInputs, parseNumber). */
(function (MF) {
  "use strict";
  var L = (MF.logging = MF.logging || {});
  if (L.finish) return;

  L.finish = function (logger, entry) {
    var root = logger.root;
    var w = logger.workout;
    var Queue = L.queue;

    function showLocalSummary(finishedAt) {
      var rows = Array.prototype.slice.call(root.querySelectorAll(".mfl-set.is-logged"));
      var volume = 0;
      rows.forEach(function (row) {
        var v = entry.rowInputs(row);
        var reps = (v.reps && entry.parseNumber(v.reps.value)) || 0;
        var load = (v.load && entry.parseNumber(v.load.value)) || 0;
        volume += reps * load;
      });
      var minutes = Math.max(1, Math.round((new Date(finishedAt) - new Date(w.started_at)) / 60000));
      var box = root.querySelector("[data-local-summary]");
      box.hidden = false;
      box.innerHTML = "";
      var p = document.createElement("p");
      p.className = "alert alert--success";
      p.setAttribute("role", "status");
      p.textContent =
        "Workout finished: " + rows.length + " sets, " +
        (volume ? Math.round(volume).toLocaleString() + " " + logger.unit + " lifted, " : "") +
        minutes + " min. Saved on this phone; it will sync when you are online.";
      box.appendChild(p);
      p.focus && p.setAttribute("tabindex", "-1");
      p.focus();
    }

    function finish() {
      var notes = root.querySelector("[data-notes]").value;
      var finishedAt = new Date().toISOString();
      logger.finishing = true;
      logger.remember({ finished: true });
      Queue.put(
        "workouts",
        Object.assign({}, logger.meta, {
          client_uuid: w.client_uuid,
          finished_at: finishedAt,
          notes: notes,
          dirty: true,
        })
      ).then(function () {
        if (navigator.onLine === false) {
          showLocalSummary(finishedAt);
          L.sync.requestBackgroundSync();
          return;
        }
        L.sync.flush().then(function () {
          Queue.all("workouts").then(function (ws) {
            var still = ws.some(function (x) {
              return x.client_uuid === w.client_uuid && x.finished_at;
            });
            if (still) showLocalSummary(finishedAt);
          });
        });
      });
    }

    root.addEventListener("click", function (event) {
      if (event.target.closest("[data-finish]")) finish();
    });
  };
})(self.MF);
