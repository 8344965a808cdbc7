/* The workout logger's queue on the device (see programs-logging.js): every logged set
   waits here until the server has it. IndexedDB ("mf-logging", opened by MF.loggingDB in
   shared.js, which the service worker reads too); without it localStorage (same shape),
   so a private window still keeps the queue across a reload.

   MF.logging.queue: put(store, value), remove(store, key), all(store); the stores are
   "workouts" and "sets", keyed by client_uuid. */
(function (MF) {
  "use strict";
  var L = (MF.logging = MF.logging || {});
  if (L.queue) return;

  var dbPromise = null;

  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = MF.loggingDB().catch(function () {
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

  L.queue = {
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
  window.mfQueue = L.queue; // the browser test reads it
})(self.MF);
