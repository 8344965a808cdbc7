/* The portal's service worker (static/sw.js, served at /sw.js) keeps workouts
   working offline; signed-in clients only. */
"use strict";
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
}
