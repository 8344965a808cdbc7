/* The rest timer of the workout logger (see programs-logging.js): it starts after each
   logged set, shows the time left and announces it politely (10 seconds left, rest
   over); +/- buttons change it, "Skip rest" stops it.

   MF.logging.restTimer(root, reduceMotion) returns {start(seconds), stop()}. */
(function (MF) {
  "use strict";
  var L = (MF.logging = MF.logging || {});
  if (L.restTimer) return;

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

  L.restTimer = function (root, reduceMotion) {
    var timer = root.querySelector("[data-timer]");
    var timeEl = root.querySelector("[data-timer-time]");
    var bar = root.querySelector("[data-timer-bar]");
    var live = root.querySelector("[data-timer-live]");
    var endAt = 0;
    var total = 0;
    var tickHandle = null;
    var warned = false;

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
        stop();
        announce("Rest over. Ready for the next set.");
        if (navigator.vibrate && !reduceMotion) navigator.vibrate(200);
      }
    }

    function start(seconds) {
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

    function stop() {
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
        stop();
        announce("Rest skipped.");
      }
    });

    return { start: start, stop: stop };
  };
})(self.MF);
