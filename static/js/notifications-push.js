/* "Turn on notifications on this device" (templates/notifications/_preferences_form.html):
   registers the site's service worker (/sw.js, which shows pushes), asks the browser for
   permission, subscribes with the site's VAPID key (data-push-key) and sends the
   subscription to /api/v1/push-subscriptions/ (DELETE to turn it off). Hidden where the
   browser cannot push. No inline script: the CSP forbids it. */
"use strict";
(function () {
  var box = document.querySelector(".mf-push");
  if (!box) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  var on = box.querySelector(".mf-push__on");
  var off = box.querySelector(".mf-push__off");
  var status = box.querySelector(".mf-push__status");
  var url = box.getAttribute("data-subscribe-url");

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function send(method, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok && response.status !== 204) throw new Error(String(response.status));
    });
  }

  function show(subscribed, text) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    status.textContent = text || (subscribed ? "Notifications are on for this device." : "");
  }

  function registration() {
    return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  on.addEventListener("click", function () {
    on.disabled = true;
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") throw new Error("denied");
        return registration();
      })
      .then(function (reg) {
        return reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.getAttribute("data-push-key"))
        });
      })
      .then(function (subscription) {
        return send("POST", subscription.toJSON());
      })
      .then(function () {
        show(true);
      })
      .catch(function (error) {
        show(false, error && error.message === "denied"
          ? "Notifications are blocked for this site: allow them in the browser's settings, then try again."
          : "Notifications could not be turned on. Try again later.");
      })
      .then(function () {
        on.disabled = false;
      });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    registration()
      .then(function (reg) {
        return reg.pushManager.getSubscription();
      })
      .then(function (subscription) {
        if (!subscription) return null;
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return send("DELETE", { endpoint: endpoint });
        });
      })
      .then(function () {
        show(false, "Notifications are off for this device.");
      })
      .catch(function () {
        show(true, "Notifications could not be turned off. Try again later.");
      })
      .then(function () {
        off.disabled = false;
      });
  });

  box.hidden = false;
  navigator.serviceWorker.getRegistration("/").then(function (reg) {
    if (!reg) return show(false);
    return reg.pushManager.getSubscription().then(function (subscription) {
      show(Boolean(subscription) && Notification.permission === "granted");
    });
  }).catch(function () { show(false); });
})();
