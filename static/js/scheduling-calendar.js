// The back office's calendar: drag a session to another time (or, in the day view of
// everyone, to another coach's column) and it is moved through the same form as the
// session's page, which also works without this script. Snaps to 15 minutes.
(function () {
  "use strict";
  const SNAP = 15;
  const grid = document.querySelector(".mf-cal__grid");
  if (!grid) return;
  const status = document.querySelector(".mf-cal__status");
  let dragged = null;
  let grabOffset = 0;

  function pad(n) { return String(n).padStart(2, "0"); }

  function say(text) {
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
  }

  grid.addEventListener("dragstart", (event) => {
    const link = event.target.closest(".mf-cal__event");
    if (!link) return;
    dragged = link;
    grabOffset = event.clientY - link.getBoundingClientRect().top;
    link.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/uri-list", link.href);
  });
  grid.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    grid.querySelectorAll(".is-target").forEach((el) => el.classList.remove("is-target"));
  });
  grid.addEventListener("dragover", (event) => {
    const body = event.target.closest(".mf-cal__body");
    if (!body || !dragged) return;
    event.preventDefault();
    grid.querySelectorAll(".is-target").forEach((el) => el !== body && el.classList.remove("is-target"));
    body.classList.add("is-target");
  });
  grid.addEventListener("drop", async (event) => {
    const body = event.target.closest(".mf-cal__body");
    if (!body || !dragged) return;
    event.preventDefault();
    const first = Number(body.dataset.firstHour);
    const last = Number(body.dataset.lastHour);
    const box = body.getBoundingClientRect();
    const y = Math.min(Math.max(event.clientY - grabOffset - box.top, 0), box.height);
    let minutes = first * 60 + Math.round(((y / box.height) * (last - first) * 60) / SNAP) * SNAP;
    minutes = Math.min(minutes, 24 * 60 - SNAP);
    const form = new FormData();
    form.append("day", body.dataset.day);
    form.append("time", pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60));
    form.append("coach", body.dataset.coach || dragged.dataset.coach);
    const link = dragged;
    dragged = null;
    try {
      const response = await fetch(link.dataset.moveUrl, {
        method: "POST",
        body: form,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": grid.dataset.csrf },
      });
      const answer = await response.json();
      if (answer.ok) {
        window.location.reload();
        return;
      }
      say(Object.values(answer.errors || {}).flat().join(" ") || grid.dataset.failed);
    } catch (error) {
      say(grid.dataset.failed);
    }
  });
})();
