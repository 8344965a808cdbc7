/* The portal's service worker (served at /sw.js by programs.views.logging, which puts
   MF_VERSION, MF_PRECACHE (the hashed static URLs) and MF_SHARED (shared.js's URL) above
   this file). shared.js, the pages' shared module, brings the workout queue's database
   and the workout-sync request (MF.loggingDB, MF.workoutSync).

   - install: keep the portal shell (styles, scripts, the workouts page) on the device
   - pages: network first; when the network is down, the copy kept last time
   - static files: cache first (their names change with their content)
   - the workouts page asks (postMessage "mf-cache-urls") to keep the next workouts
   - Background Sync ("mf-workout-sync"): send the sets queued in IndexedDB by
     programs-logging.js, even when no portal page is open
   - signing out clears everything kept, so the next person on this phone sees nothing
   The API is never cached: it always goes to the network. */
/* global MF_VERSION, MF_PRECACHE, MF_SHARED, MF */
"use strict";
importScripts(MF_SHARED);

var SHELL = "mf-shell-" + MF_VERSION;
var PAGES = "mf-pages";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(SHELL)
      .then(function (cache) {
        // one by one: a missing file must not stop the rest from being kept
        return Promise.all(
          MF_PRECACHE.map(function (url) {
            return cache.add(new Request(url, { credentials: "same-origin" })).catch(function () {});
          })
        );
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (keys) {
        return Promise.all(
          keys
            .filter(function (k) {
              return k.indexOf("mf-shell-") === 0 && k !== SHELL;
            })
            .map(function (k) {
              return caches.delete(k);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function isPage(request, url) {
  return (
    request.mode === "navigate" ||
    (request.headers.get("accept") || "").indexOf("text/html") >= 0
  ) && url.pathname.indexOf("/admin/") !== 0 && url.pathname.indexOf("/api/") !== 0 &&
    url.pathname.indexOf("/accounts/") !== 0;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/accounts/logout/") {
    event.waitUntil(clearAll());
    return;
  }
  if (request.method !== "GET" || url.pathname.indexOf("/api/") === 0) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      caches.match(request).then(function (hit) {
        return (
          hit ||
          fetch(request).then(function (response) {
            if (response.ok) {
              var copy = response.clone();
              caches.open(SHELL).then(function (cache) {
                cache.put(request, copy);
              });
            }
            return response;
          })
        );
      })
    );
    return;
  }
  if (isPage(request, url)) {
    event.respondWith(
      fetch(request)
        .then(function (response) {
          // keep the portal pages a client may need offline (never a redirect to login)
          if (response.ok && !response.redirected && keepPage(url)) {
            var copy = response.clone();
            caches.open(PAGES).then(function (cache) {
              cache.put(url.pathname, copy);
            });
          }
          return response;
        })
        .catch(function () {
          return caches.match(url.pathname).then(function (hit) {
            return (
              hit ||
              caches.match("/workouts/").then(function (fallback) {
                return fallback || offlinePage();
              })
            );
          });
        })
    );
  }
});

function keepPage(url) {
  return url.pathname === "/" || url.pathname.indexOf("/workouts/") === 0;
}

function offlinePage() {
  return new Response(
    '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
      "<title>Offline</title><body style=\"font-family:system-ui;padding:24px\">" +
      "<h1>You are offline</h1><p>This page was not saved on this phone. Open your workouts " +
      "once with a connection and they will work offline next time.</p>" +
      '<p><a href="/workouts/">Your workouts</a></p></body>',
    { headers: { "Content-Type": "text/html; charset=utf-8" } }
  );
}

function clearAll() {
  return caches.keys().then(function (keys) {
    return Promise.all(
      keys.map(function (k) {
        return caches.delete(k);
      })
    );
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (data.type === "mf-cache-urls" && Array.isArray(data.urls)) {
    event.waitUntil(
      caches
        .open(PAGES)
        .then(function (cache) {
          return Promise.all(
            data.urls
              .filter(function (u) {
                return typeof u === "string" && u.indexOf("/workouts/") === 0;
              })
              .map(function (u) {
                return fetch(u, { credentials: "same-origin" })
                  .then(function (response) {
                    if (response.ok && !response.redirected) return cache.put(u, response);
                  })
                  .catch(function () {});
              })
          );
        })
        .then(function () {
          if (port) port.postMessage({ ok: true });
        })
    );
  }
});

// ---------------------------------------------------------------- Background Sync

function getAll(db, store) {
  return new Promise(function (resolve, reject) {
    var req = db.transaction(store, "readonly").objectStore(store).getAll();
    req.onsuccess = function () {
      resolve(req.result);
    };
    req.onerror = function () {
      reject(req.error);
    };
  });
}

function remove(db, store, key) {
  return new Promise(function (resolve) {
    var t = db.transaction(store, "readwrite");
    t.objectStore(store).delete(key);
    t.oncomplete = resolve;
    t.onerror = resolve;
  });
}

function sendQueued() {
  var results = [];
  return MF.loggingDB().then(function (db) {
    return Promise.all([getAll(db, "workouts"), getAll(db, "sets")]).then(function (got) {
      var chain = Promise.resolve();
      got[0].forEach(function (w) {
        var sets = got[1].filter(function (s) {
          return s.workout === w.client_uuid && !s.rejected;
        });
        if (!sets.length && !w.dirty) return;
        chain = chain.then(function () {
          return MF.workoutSync(w, sets, w.csrf || "").then(function (response) {
            if (!response.ok) {
              if (response.status >= 500) throw new Error("retry later");
              return; // the page shows refusals when it next opens
            }
            return response.json().then(function (data) {
              results.push(data);
              var done = data.sets || {};
              var ops = sets
                .filter(function (s) {
                  return done[s.client_uuid];
                })
                .map(function (s) {
                  return remove(db, "sets", s.client_uuid);
                });
              if (w.finished_at) ops.push(remove(db, "workouts", w.client_uuid));
              return Promise.all(ops);
            });
          });
        });
      });
      return chain.then(function () {
        return results;
      });
    });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== MF.WORKOUT_SYNC_TAG) return;
  event.waitUntil(
    sendQueued().then(function (results) {
      // the open pages celebrate the records and show the conflicts of what was sent here
      return self.clients.matchAll().then(function (clients) {
        clients.forEach(function (c) {
          c.postMessage({ type: "mf-synced", results: results });
        });
      });
    })
  );
});

/* Web push (notifications/push.py): show what the business sent (title, text, the place
   it is about); a tap opens that place, in a window of the site already open if any. */
self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { title: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "", {
      body: data.body || "",
      tag: data.tag || undefined,
      icon: "/icons/192.png",
      badge: "/icons/192.png",
      data: { url: data.url || "/" }
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var path = (event.notification.data && event.notification.data.url) || "/";
  // only a path on this site: a push never sends the person elsewhere
  var target = new URL(path.charAt(0) === "/" && path.charAt(1) !== "/" ? path : "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === target && "focus" in windows[i]) return windows[i].focus();
      }
      for (var j = 0; j < windows.length; j++) {
        if ("navigate" in windows[j] && new URL(windows[j].url).origin === self.location.origin) {
          return windows[j].navigate(target).then(function (w) { return w && w.focus(); });
        }
      }
      return self.clients.openWindow(target);
    })
  );
});
