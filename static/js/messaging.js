/* A conversation page (portal and back office), on top of its form that works without
   JavaScript: sends through the API (no reload) and, every 5 s while the page is
   visible, asks the API for messages after the last one shown and appends them.
   A WebSocket (below) brings news at once; polling is its fallback while it is down.
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
  var fileInput = form && form.querySelector("[data-mf-files]");
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
    if (m.is_announcement && !m.is_deleted) {
      var badge = document.createElement("p");
      badge.className = "mf-msg__badge";
      badge.textContent = "Announcement";
      li.appendChild(badge);
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
    if (m.attachments && m.attachments.length && !m.is_deleted) li.appendChild(renderFiles(m.attachments));
    return li;
  }

  // photos shown small (a link to the full one), PDFs as download links
  function renderFiles(files) {
    var ul = document.createElement("ul");
    ul.className = "mf-msg__files";
    files.forEach(function (f) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = f.url;
      if (f.kind === "image") {
        var img = document.createElement("img");
        img.src = f.url;
        img.alt = "Photo: " + f.name;
        img.width = f.width;
        img.height = f.height;
        img.loading = "lazy";
        img.className = "mf-msg__img";
        a.appendChild(img);
      } else {
        a.setAttribute("download", "");
        a.textContent = f.name;
      }
      li.appendChild(a);
      ul.appendChild(li);
    });
    return ul;
  }

  // a message with files goes as multipart (the API's same endpoint), without as JSON
  function send(text) {
    if (!fileInput || !fileInput.files.length) return MF.postJSON(api + "messages/", { body: text });
    var data = new FormData();
    data.append("body", text);
    Array.prototype.forEach.call(fileInput.files, function (f) { data.append("attachments", f); });
    return fetch(api + "messages/", {
      method: "POST", credentials: "same-origin", body: data,
      headers: { "X-CSRFToken": MF.csrfToken(), Accept: "application/json" },
    });
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
        if (data && data.read_by) data.read_by.forEach(function (r) { noteRead(r.person, r.last_read_message); });
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
      send(textarea.value)
        .then(function (r) {
          return r.json().then(function (data) { return { ok: r.ok, data: data }; }, function () { return { ok: r.ok, data: {} }; });
        })
        .then(function (res) {
          if (res.ok) {
            showError("");
            textarea.value = "";
            if (fileInput) fileInput.value = "";
            append([res.data]);
          } else {
            var d = res.data || {};
            showError((d.body && d.body[0]) || (d.attachments && [].concat(d.attachments)[0]) || d.detail || "The message was not sent. Please try again.");
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

  // --- real time: the socket first, polling while it cannot connect ------------------
  // One WebSocket (data-socket, or this origin's /ws/messages/) subscribed to this
  // conversation brings new, changed and deleted messages, read receipts ("Seen by"),
  // typing hints and the unread count at once. While it is down the page polls as
  // before and tries the socket again, waiting 1, 2, 4 … up to 30 s between tries.
  var threadId = parseInt(root.getAttribute("data-thread"), 10);
  var socketUrl = root.getAttribute("data-socket") ||
    (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/messages/";
  var live = false;
  var socket = null;
  var retryMs = 1000;
  var refused = false;
  var typedAt = 0;
  var seenBy = {};  // person id -> {name, last}: how far each other person has read
  var typingTimer = null;

  function statusLine(cls) {
    var p = document.createElement("p");
    p.className = cls;
    p.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(p, list.nextSibling);
    return p;
  }
  var typingLine = statusLine("mf-chat__typing");
  var seenLine = statusLine("mf-chat__seen");

  // "Seen by Kai, Cleo" under one's own last message, when they have read up to it
  function showSeen() {
    var mine = list.querySelectorAll(".mf-msg--mine");
    var last = mine.length ? parseInt(mine[mine.length - 1].getAttribute("data-id"), 10) : 0;
    var names = [];
    Object.keys(seenBy).forEach(function (id) {
      if (last && seenBy[id].last >= last) names.push(seenBy[id].name);
    });
    seenLine.textContent = names.length ? "Seen by " + names.join(", ") : "";
  }

  function noteRead(person, last) {
    if (!person || person.id === me) return;
    var known = seenBy[person.id];
    if (!known || known.last < last) seenBy[person.id] = { name: person.name, last: last };
    showSeen();
  }

  function showTyping(person) {
    if (!person || person.id === me) return;
    typingLine.textContent = person.name + " is typing…";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 4000);
  }

  function showUnread(total) {
    document.querySelectorAll('a[href="/messages/"] .nav-badge, [data-mf-unread]').forEach(function (badge) {
      if (!total) { badge.remove(); return; }
      badge.setAttribute("data-unread", total);
      var shown = badge.querySelector("[aria-hidden]");
      if (shown) shown.textContent = total;
      var spoken = badge.querySelector(".visually-hidden");
      if (spoken) spoken.textContent = ", " + total + " new " + (total === 1 ? "message" : "messages");
    });
  }

  // the count comes from the API (one GET however many messages arrive at once)
  var unreadTimer = null;
  function unreadSoon() {
    clearTimeout(unreadTimer);
    unreadTimer = setTimeout(function () {
      fetch("/api/v1/threads/unread/", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d) showUnread(d.total); })
        .catch(function () {});
    }, 500);
  }

  function replaceMessage(m) {
    var old = document.getElementById("m-" + m.id);
    if (!old) return;
    var fresh = render(m);
    var files = old.querySelector(".mf-msg__files");
    if (files && !m.is_deleted && !fresh.querySelector(".mf-msg__files")) fresh.appendChild(files);
    old.parentNode.replaceChild(fresh, old);
  }

  function onEvent(e) {
    // (re)joined: fetch what came while the socket was down
    if (e.type === "subscribed") { live = true; retryMs = 1000; poll(); return; }
    if (e.type === "refused") { refused = true; live = false; socket.close(); return; }
    if (e.type === "unread.changed") { unreadSoon(); return; }
    if (e.type === "read") { noteRead(e.person, e.last_read_message); return; }
    if (e.type === "typing") { showTyping(e.person); return; }
    var m = e.message;
    if (!m || m.thread !== threadId) return;
    if (e.type === "message.new") {
      typingLine.textContent = "";
      // files are the API's to show: fetch such a message from it
      if (m.has_attachments) { poll(); return; }
      if (append([m]) && document.visibilityState === "visible") markRead();
      showSeen();
    } else if (e.type === "message.changed" || e.type === "message.deleted") {
      replaceMessage(m);
    }
  }

  function connect() {
    if (refused || !threadId || !window.WebSocket) return;
    try {
      socket = new WebSocket(socketUrl);
    } catch (err) {
      return;
    }
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: "subscribe", thread: threadId }));
    };
    socket.onmessage = function (msg) {
      try { onEvent(JSON.parse(msg.data)); } catch (err) { /* a frame we do not know */ }
    };
    socket.onclose = function () {
      live = false;
      socket = null;
      if (refused) return;
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    };
  }

  // tell the others "… is typing" (the server passes on one every 2 s at most)
  if (textarea) {
    textarea.addEventListener("input", function () {
      var now = Date.now();
      if (!live || !socket || now - typedAt < 2000 || !textarea.value) return;
      typedAt = now;
      socket.send(JSON.stringify({ type: "typing", thread: threadId }));
    });
  }
  // proxies close quiet connections: a word every 25 s keeps it open
  setInterval(function () {
    if (live && socket) socket.send(JSON.stringify({ type: "ping" }));
  }, 25000);

  // an earlier page ("Show earlier") is history: only the latest page takes news
  if (!/[?&]before=/.test(window.location.search)) {
    setInterval(function () { if (!live) poll(); }, POLL_MS);
    document.addEventListener("visibilitychange", function () { if (!live || document.visibilityState === "visible") poll(); });
    poll();
    connect();
  }
})();
