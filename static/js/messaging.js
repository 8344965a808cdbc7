/* A conversation page (portal and back office), on top of its form that works without
   JavaScript: sends through the API (no reload) and, every 5 s while the page is
   visible, asks the API for messages after the last one shown and appends them.
   Polling is the fallback a real-time connection will later sit on top of.
   Needs shared.js (MF.postJSON, MF.csrfToken). Text is set as text, never as HTML. */
(function () {
  "use strict";
  var POLL_MS = 5000;
  var root = document.querySelector("[data-mf-thread]");
  if (!root || !window.MF || !window.fetch) return;

  var api = root.getAttribute("data-api");
  var me = parseInt(root.getAttribute("data-me"), 10);
  var zone = root.getAttribute("data-zone") || undefined;
  var after = parseInt(root.getAttribute("data-after"), 10) || 0;
  var list = root.querySelector("[data-mf-messages]");
  var form = root.querySelector("[data-mf-send]");
  var errors = root.querySelector("[data-mf-error]");
  var textarea = form && form.querySelector("textarea");
  var busy = false;

  // "6 Dec, 16:29", as the page writes the messages it came with
  var locale = document.documentElement.lang === "en" ? "en-GB" : document.documentElement.lang || undefined;
  var when;
  try {
    when = new Intl.DateTimeFormat(locale, {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zone,
    });
  } catch (e) {
    when = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false });
  }

  // text with its web addresses made links (as the page's urlize does); no HTML parsed
  function fillText(node, text) {
    var parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var a = document.createElement("a");
        a.href = part;
        a.rel = "nofollow noopener";
        a.textContent = part;
        node.appendChild(a);
      } else {
        part.split("\n").forEach(function (line, j) {
          if (j > 0) node.appendChild(document.createElement("br"));
          node.appendChild(document.createTextNode(line));
        });
      }
    });
  }

  function render(m) {
    var li = document.createElement("li");
    var mine = m.author && m.author.id === me;
    li.className = "mf-msg" + (mine ? " mf-msg--mine" : "") + (m.is_deleted ? " mf-msg--deleted" : "");
    li.id = "m-" + m.id;
    li.setAttribute("data-id", m.id);
    var meta = document.createElement("p");
    meta.className = "mf-msg__meta";
    var author = document.createElement("span");
    author.className = "mf-msg__author";
    author.textContent = mine ? (root.getAttribute("data-you") || "You") : (m.author ? m.author.name : "");
    var time = document.createElement("time");
    time.setAttribute("datetime", m.created_at);
    time.textContent = when.format(new Date(m.created_at));
    meta.appendChild(author);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(time);
    if (m.edited_at && !m.is_deleted) {
      var edited = document.createElement("span");
      edited.className = "mf-msg__edited";
      edited.textContent = "edited";
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(edited);
    }
    li.appendChild(meta);
    if (m.reply_to) {
      var quote = document.createElement("p");
      quote.className = "mf-msg__quote";
      quote.textContent = m.reply_to.text.slice(0, 120);
      li.appendChild(quote);
    }
    var body = document.createElement("p");
    body.className = "mf-msg__text";
    if (m.is_deleted) {
      var em = document.createElement("em");
      em.textContent = m.text;
      body.appendChild(em);
    } else {
      fillText(body, m.body);
    }
    li.appendChild(body);
    return li;
  }

  function append(messages) {
    var added = 0;
    messages.forEach(function (m) {
      if (m.id > after) after = m.id;
      if (document.getElementById("m-" + m.id)) return;
      var empty = list.querySelector("[data-mf-empty]");
      if (empty) empty.remove();
      list.appendChild(render(m));
      if (!(m.author && m.author.id === me)) added += 1;
    });
    return added;
  }

  function markRead() {
    MF.postJSON(api + "read/", {}).catch(function () {});
  }

  function poll() {
    if (busy || document.visibilityState !== "visible") return;
    busy = true;
    fetch(api + "messages/?after=" + after, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && append(data.results)) markRead();
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }

  function showError(text) {
    errors.textContent = "";
    if (!text) return;
    var li = document.createElement("li");
    li.textContent = text;
    errors.appendChild(li);
  }

  if (form && textarea) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      MF.postJSON(api + "messages/", { body: textarea.value })
        .then(function (r) {
          return r.json().then(function (data) { return { ok: r.ok, data: data }; }, function () { return { ok: r.ok, data: {} }; });
        })
        .then(function (res) {
          if (res.ok) {
            showError("");
            textarea.value = "";
            append([res.data]);
          } else {
            var d = res.data || {};
            showError((d.body && d.body[0]) || d.detail || "The message was not sent. Please try again.");
          }
        })
        .catch(function () {
          showError("The message was not sent: check your connection and try again.");
        })
        .then(function () {
          button.disabled = false;
          textarea.focus();
        });
    });
  }

  // an earlier page ("Show earlier") is history: only the latest page takes news
  if (!/[?&]before=/.test(window.location.search)) {
    setInterval(poll, POLL_MS);
    document.addEventListener("visibilitychange", poll);
  }
})();
