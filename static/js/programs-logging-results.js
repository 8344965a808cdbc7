/* What the workout logger shows when its sets reach the server (see programs-logging.js):
   new personal records celebrated (a live region and a small animation that respects
   prefers-reduced-motion, then marked seen), conflicts (the coach edited the workout
   meanwhile), sets the server refused, and, once a finished workout is stored, its
   summary page.

   MF.logging.syncResults(logger) listens to MF.logging.sync; logger is the page's
   shared state (root, config, workout, meta, remember, finishing, reduceMotion). */
(function (MF) {
  "use strict";
  var L = (MF.logging = MF.logging || {});
  if (L.syncResults) return;

  // one line per exercise and kind: the best (two sets may beat a record in one sync)
  function bestRecords(all) {
    var best = {};
    all.forEach(function (r) {
      var key = r.exercise + "|" + r.kind + "|" + (r.reps || "") + "|" + (r.distance_m || "");
      var value = parseFloat(r.value);
      var was = best[key] ? parseFloat(best[key].value) : null;
      var better = r.kind === "fastest" ? value < was : value > was;
      if (!best[key] || better) best[key] = r;
    });
    return Object.keys(best).map(function (k) {
      return best[k];
    });
  }

  L.syncResults = function (logger) {
    var root = logger.root;
    var w = logger.workout;
    var prLive = root.querySelector("[data-pr-live]");
    var prBanner = root.querySelector("[data-pr-banner]");
    var conflictBox = root.querySelector("[data-conflicts]");

    function celebrate(all) {
      var list = prBanner.querySelector("[data-pr-list]");
      list.innerHTML = "";
      var words = [];
      bestRecords(all).forEach(function (r) {
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
      if (!logger.reduceMotion) prBanner.classList.add("is-popping");
      prLive.textContent = "";
      setTimeout(function () {
        prLive.textContent = "New personal record! " + words.join(". ") + ".";
      }, 50);
      if (navigator.vibrate && !logger.reduceMotion) navigator.vibrate([60, 40, 60]);
      MF.postJSON(logger.config.seenUrl, {
        ids: all.map(function (r) {
          return r.id;
        }),
      }).catch(function () {});
    }

    function showConflicts(conflicts) {
      var list = conflictBox.querySelector("[data-conflict-list]");
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

    function showRefused() {
      L.queue.all("sets").then(function (sets) {
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

    L.sync.onSynced(function (event) {
      if (event.type === "synced") {
        var data = event.data;
        if (data.workout && data.workout.client_uuid !== w.client_uuid && event.workout.client_uuid === w.client_uuid) {
          w.client_uuid = logger.meta.client_uuid = data.workout.client_uuid;
          logger.remember(logger.finishing ? { finished: true } : null);
        }
        if (data.records && data.records.length) celebrate(data.records);
        if (data.conflicts && data.conflicts.length) showConflicts(data.conflicts);
        if (logger.finishing && data.workout && data.workout.finished) {
          window.location.href = data.workout.summary_url;
        }
      } else if (event.type === "rejected") {
        showRefused();
      }
    });

    root.addEventListener("click", function (event) {
      if (event.target.closest("[data-pr-close]")) prBanner.hidden = true;
    });
  };
})(self.MF);
