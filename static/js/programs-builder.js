/* The program builder: every change goes to the JSON API, then the builder's markup is
   fetched again from the server (one source of markup) and swapped in, keeping focus,
   scroll and open editors. Drag and drop (HTML5) reorders days, blocks and exercises
   and moves blocks and exercises to other workouts; the ↑ ↓ buttons and the "Move to"
   forms (plain forms that also work without JavaScript) do the same from the keyboard.
   Each exercise is one line (a <details>) and each block's tools wait behind its ⋯
   (another <details>): an exercise's editor and a block's tools are made from shared
   <template>s when they open, and their "Move to…" lists filled then, from the page's
   JSON (#pb-data), so the server writes none of them once per exercise. */
(function () {
  "use strict";
  const root = document.querySelector("[data-builder]");
  if (!root) return;
  const pickerUrl = root.dataset.picker;
  // a workout, a block and an exercise: their ids (day-5, block-12, rx-40) name them
  const PARTS = ".pb-day, .pb-block, .pb-rx";

  function live(text) {
    const el = document.querySelector("[data-live]");
    if (el) el.textContent = text;
  }

  function showErrors(form, errors) {
    const box = document.querySelector("[data-errors]");
    const loose = [];
    if (form) form.querySelectorAll("[data-error-for]").forEach((p) => (p.textContent = ""));
    Object.entries(errors || {}).forEach(([field, messages]) => {
      const text = Array.isArray(messages) ? messages.join(" ") : String(messages);
      const slot = form && form.querySelector(`[data-error-for="${field}"]`);
      if (slot) {
        slot.textContent = text;
        const input = form.querySelector(`[name="${field}"]`);
        if (input) input.setAttribute("aria-invalid", "true");
      } else loose.push(text);
    });
    if (box) {
      box.hidden = loose.length === 0;
      box.textContent = loose.join(" ");
    }
    const first = form && form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
    else if (loose.length && box) box.scrollIntoView({ block: "center" });
  }

  async function call(url, method, body) {
    const response = await fetch(url, {
      method,
      headers: { "Content-Type": "application/json", "X-CSRFToken": MF.csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) {
      const error = new Error("request failed");
      error.data = response.status === 400 ? data : { detail: [data.detail || "Something went wrong. Reload the page and try again."] };
      throw error;
    }
    return data;
  }

  let cached = null;
  function builderData() {
    if (!cached) {
      const el = document.getElementById("pb-data");
      cached = el ? JSON.parse(el.textContent) : { rx: {}, blocks: {}, weeks: [] };
    }
    return cached;
  }

  async function refresh(focusKey) {
    // popover menus close after their action; editors and block tools stay open
    const open = [...document.querySelectorAll("details[open]:not(.pb-menu)")].map((d) => d.id).filter(Boolean);
    const active = document.activeElement;
    const activeId = active && active.id;
    const y = window.scrollY;
    const html = await (await fetch(location.href, { credentials: "same-origin" })).text();
    const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("pb-root");
    if (!fresh) { location.reload(); return; }
    document.getElementById("pb-root").replaceWith(fresh);
    cached = null;
    open.forEach((id) => { const d = document.getElementById(id); if (d) d.open = true; });
    wire();
    window.scrollTo(0, y);
    let target = activeId && document.getElementById(activeId);
    if (focusKey) {
      const item = document.getElementById(focusKey);
      if (item) target = item.querySelector("summary, input, button, select") || target;
    }
    if (target) target.focus({ preventScroll: true });
  }

  // --- controls made when they are opened ---------------------------------------------
  // An exercise's editor (↑ ↓ ✕ and its form) and a block's tools (kind, rounds, rest,
  // label, ↑ ↓, remove, add) need this script anyway, so the page carries one copy of
  // each in a <template> and the values in #pb-data; they are made when their
  // <details> opens. The "Move to…" forms are in the page (they work without it).
  function stamp(root, from, to) {
    root.querySelectorAll("[id]").forEach((el) => { el.id = el.id.replace(from, to); });
    root.querySelectorAll("label[for]").forEach((l) => { l.htmlFor = l.htmlFor.replace(from, to); });
    root.querySelectorAll("[aria-controls]").forEach((el) => {
      el.setAttribute("aria-controls", el.getAttribute("aria-controls").replace(from, to));
    });
  }

  function fill(form, values) {
    Object.entries(values).forEach(([name, value]) => {
      const field = form.elements.namedItem(name);
      if (field && value !== null && value !== undefined) field.value = value;
    });
  }

  // The page's own options stay chosen when the full list replaces them: a choice made
  // before the list was filled (a quick hand, a slow machine) is kept, not lost.
  function refill(select, options) {
    const chosen = select.value;
    select.replaceChildren(...options);
    if (chosen && [...select.options].some((o) => o.value === chosen)) select.value = chosen;
    select.dataset.filled = "1";
  }

  function fillMoves(select, rx) {
    const groups = [];
    builderData().weeks.forEach((week) => week.days.forEach((day) => {
      const group = document.createElement("optgroup");
      group.label = day.label;
      if (week.id === rx.week) {
        day.blocks.forEach(([pk, label]) => {
          if (pk !== rx.block) group.append(new Option(`into ${label}`, `block:${pk}`));
        });
      }
      group.append(new Option("as a new block at the end", `day:${day.id}`));
      groups.push(group);
    }));
    refill(select, [new Option("Move to…", ""), ...groups]);
  }

  function fillBlockMoves(select, block) {
    const options = [];
    builderData().weeks.forEach((week) => week.days.forEach((day) => {
      if (day.id !== block.day) options.push(new Option(day.label, `day:${day.id}`));
    }));
    refill(select, [new Option("Move block to…", ""), ...options]);
  }

  function openEditor(details) {
    const id = details.closest("[data-id]").dataset.id;
    const data = builderData();
    const values = data.rx[id];
    if (!values) return;
    const tools = details.querySelector("[data-rx-tools]");
    const buttons = document.getElementById("pb-rx-tools");
    if (tools && buttons && !tools.querySelector("[data-move]")) {
      const made = buttons.content.cloneNode(true);
      const [up, down] = made.querySelectorAll("[data-move]");
      const remove = made.querySelector("[data-remove-rx]");
      up.setAttribute("aria-label", `Move ${values.name} up`);
      down.setAttribute("aria-label", `Move ${values.name} down`);
      const block = data.blocks[values.block] || {};
      if (values.single) {
        up.dataset.moveOf = down.dataset.moveOf = "block";
        up.disabled = !!block.first;
        down.disabled = !!block.last;
      } else {
        up.disabled = values.first;
        down.disabled = values.last;
      }
      remove.dataset.action = `/api/v1/prescriptions/${id}/`;
      remove.setAttribute("aria-label", `Remove ${values.name}`);
      tools.prepend(made);
      wireMove(up); wireMove(down); wireAction(remove);
    }
    const slot = details.querySelector("[data-rx-form]");
    const template = document.getElementById("pb-rx-form");
    if (slot && template && !slot.firstElementChild) {
      const form = template.content.firstElementChild.cloneNode(true);
      form.dataset.api = `/api/v1/prescriptions/${id}/`;
      stamp(form, "rx_-", `rx${id}-`);
      fill(form, values);
      slot.appendChild(form);
      wireForm(form);
    }
    const select = details.querySelector('.pb-moveto select[name="to"]');
    if (select && !select.dataset.filled) fillMoves(select, values);
  }

  function openBlock(details) {
    const id = details.closest("[data-id]").dataset.id;
    const values = builderData().blocks[id];
    const template = document.getElementById("pb-block-tools");
    if (!values) return;
    const slot = details.querySelector("[data-block-tools]");
    if (slot && template && !slot.firstElementChild) {
      const made = template.content.cloneNode(true);
      stamp(made, "b_-", `b${id}-`);
      const form = made.querySelector("form");
      form.dataset.api = `/api/v1/program-blocks/${id}/`;
      fill(form, values);
      if (values.kind === "straight") made.querySelector("[data-rounds]").remove();
      const [up, down] = made.querySelectorAll("[data-move]");
      up.setAttribute("aria-label", `Move block ${values.letter} up`);
      down.setAttribute("aria-label", `Move block ${values.letter} down`);
      up.disabled = values.first;
      down.disabled = values.last;
      const remove = made.querySelector("[data-remove-block]");
      remove.dataset.action = `/api/v1/program-blocks/${id}/`;
      remove.dataset.confirm = `Remove block ${values.letter} (${values.names})?`;
      const picker = made.querySelector("[data-picker-for]");
      picker.dataset.parent = id;
      picker.querySelector("label").textContent = values.kind === "straight"
        ? "Add to this block (makes a superset)" : `Add to this ${values.kind}`;
      slot.append(made);
      wireForm(form); wireMove(up); wireMove(down); wireAction(remove); wirePicker(picker);
    }
    const select = details.querySelector('.pb-moveto select[name="to"]');
    if (select && !select.dataset.filled) fillBlockMoves(select, values);
  }

  function formData(form) {
    const data = {};
    new FormData(form).forEach((value, key) => { data[key] = value; });
    if ("prog_kind" in data) {
      const kind = data.prog_kind;
      const rule = {};
      if (kind) {
        rule.kind = kind;
        if (kind !== "wave") rule.step = data.prog_step;
        if (kind === "add_reps") { rule.max = data.prog_max; if (data.prog_load_step) rule.load_step = data.prog_load_step; }
        if (kind === "wave") rule.percents = data.prog_percents;
        if (data.prog_deload_every) rule.deload_every = data.prog_deload_every;
      }
      Object.keys(data).filter((k) => k.startsWith("prog_")).forEach((k) => delete data[k]);
      data.progression = rule;
    }
    return data;
  }

  async function submit(form) {
    form.querySelectorAll("[aria-invalid]").forEach((i) => i.removeAttribute("aria-invalid"));
    try {
      await call(form.dataset.api, form.dataset.method || "POST", formData(form));
      live("Saved.");
      await refresh();
    } catch (error) {
      showErrors(form, error.data);
    }
  }

  function orderOf(list) {
    return [...list.children].filter((li) => li.dataset.id).map((li) => Number(li.dataset.id));
  }

  async function saveOrder(list, label) {
    try {
      await call(list.dataset.reorder, "POST", { [list.dataset.parentKey]: Number(list.dataset.parent), order: orderOf(list) });
      live(label || "Order saved.");
      await refresh();
    } catch (error) {
      showErrors(null, error.data);
      await refresh();
    }
  }

  // --- drag and drop ---------------------------------------------------------------
  // Inside one list an item is reordered; an exercise or a block dropped in another
  // workout's list (data-group="program") moves there; an exercise dropped on a
  // workout's blocks, outside any block, becomes a new block at the end of it.
  let dragged = null;
  let origin = null;
  const moveUrls = { prescriptions: "/api/v1/prescriptions/", blocks: "/api/v1/program-blocks/" };

  function clearTargets() {
    document.querySelectorAll(".pb-drop-target").forEach((el) => el.classList.remove("pb-drop-target"));
  }

  async function moveTo(item, kind, body, label) {
    try {
      await call(`${moveUrls[kind]}${item.dataset.id}/move/`, "POST", body);
      live(label);
    } catch (error) {
      showErrors(null, error.data);
    }
    await refresh(item.id);
  }

  function wireSortable(list) {
    [...list.children].forEach((item) => {
      if (!item.dataset.id) return;
      item.addEventListener("dragstart", (event) => {
        if (event.target !== item) return;
        dragged = item;
        origin = item.parentElement;
        item.classList.add("is-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.dataset.id);
        event.stopPropagation();
      });
      item.addEventListener("dragend", () => {
        item.classList.remove("is-dragging");
        clearTargets();
        if (dragged === item) { dragged = null; refresh(); } // dropped nowhere: put it back
      });
    });
    list.addEventListener("dragover", (event) => {
      if (!dragged) return;
      const from = dragged.parentElement;
      const sameKind = from.dataset.sortable === list.dataset.sortable;
      const allowed = from === list || (sameKind && list.dataset.group && list.dataset.group === from.dataset.group);
      if (!allowed) {
        if (origin.dataset.sortable === "prescriptions" && list.dataset.sortable === "blocks") {
          event.preventDefault();  // an exercise over a workout, outside its blocks
          event.stopPropagation();
          clearTargets();
          list.classList.add("pb-drop-target");
        }
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      clearTargets();
      if (from !== origin || list !== origin) list.classList.add("pb-drop-target");
      if (list.dataset.sortable === "days") {
        // workouts sit in a grid: the one under the pointer trades places with the
        // dragged one (before it when coming from after it, else after it)
        const over = [...list.children].find((child) => {
          if (child === dragged || !child.dataset.id) return false;
          const box = child.getBoundingClientRect();
          return event.clientX >= box.left && event.clientX <= box.right
            && event.clientY >= box.top && event.clientY <= box.bottom;
        });
        if (over) {
          const comesAfter = over.compareDocumentPosition(dragged) & Node.DOCUMENT_POSITION_FOLLOWING;
          list.insertBefore(dragged, comesAfter ? over : over.nextSibling);
        }
        return;
      }
      const after = [...list.children].find((child) => {
        if (child === dragged || !child.dataset.id) return false;
        const box = child.getBoundingClientRect();
        return event.clientY < box.top + box.height / 2;
      });
      if (after) list.insertBefore(dragged, after); else list.appendChild(dragged);
    });
    list.addEventListener("drop", (event) => {
      if (!dragged) return;
      const item = dragged;
      const kind = origin.dataset.sortable;
      if (kind === "prescriptions" && list.dataset.sortable === "blocks" && item.parentElement !== list) {
        event.preventDefault();
        event.stopPropagation();
        dragged = null;
        clearTargets();
        moveTo(item, kind, { day: Number(list.dataset.parent) }, "Moved to a new block.");
        return;
      }
      if (item.parentElement !== list) return;
      event.preventDefault();
      event.stopPropagation();
      dragged = null;
      clearTargets();
      if (list === origin) { saveOrder(list, "Moved."); return; }
      const position = orderOf(list).indexOf(Number(item.dataset.id)) + 1;
      moveTo(item, kind, { [list.dataset.parentKey]: Number(list.dataset.parent), position }, "Moved.");
    });
  }

  // --- the exercise picker ------------------------------------------------------------
  function wirePicker(box) {
    const input = box.querySelector("input");
    const listbox = box.querySelector("[role=listbox]");
    let timer = null, results = [], index = -1;
    function close() { listbox.hidden = true; input.setAttribute("aria-expanded", "false"); index = -1; }
    function render() {
      listbox.innerHTML = "";
      results.forEach((r, i) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = `${listbox.id}-${i}`;
        li.dataset.ref = r.ref;
        li.innerHTML = "<strong></strong> <span class='pb-muted'></span>";
        li.querySelector("strong").textContent = r.name;
        li.querySelector("span").textContent = r.detail || "";
        li.addEventListener("mousedown", (e) => { e.preventDefault(); add(r); });
        if (i === index) li.setAttribute("aria-selected", "true");
        listbox.appendChild(li);
      });
      if (!results.length && input.value.trim()) {
        const li = document.createElement("li");
        li.className = "pb-muted"; li.textContent = "No exercise matches.";
        listbox.appendChild(li);
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      input.setAttribute("aria-activedescendant", index >= 0 ? `${listbox.id}-${index}` : "");
    }
    async function add(r) {
      close();
      const body = { exercise: r.ref, [box.dataset.pickerFor]: Number(box.dataset.parent) };
      try {
        const made = await call("/api/v1/prescriptions/", "POST", body);
        live(`Added ${r.name}.`);
        input.value = "";
        await refresh(`rx-${made.id}`);
      } catch (error) { showErrors(null, error.data); }
    }
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = input.value.trim();
        if (!q) { close(); return; }
        const response = await fetch(`${pickerUrl}?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
        results = (await response.json()).results || [];
        index = results.length ? 0 : -1;
        render();
      }, 150);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" && results.length) { index = (index + 1) % results.length; render(); event.preventDefault(); }
      else if (event.key === "ArrowUp" && results.length) { index = (index - 1 + results.length) % results.length; render(); event.preventDefault(); }
      else if (event.key === "Enter") { event.preventDefault(); if (index >= 0 && results[index]) add(results[index]); }
      else if (event.key === "Escape" && !listbox.hidden) { close(); event.preventDefault(); }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  function showProgressionFields(form) {
    const select = form.querySelector('[name="prog_kind"]');
    if (!select) return;
    const update = () => form.querySelectorAll("[data-prog]").forEach((el) => {
      el.hidden = !el.dataset.prog.split(" ").includes(select.value);
    });
    select.addEventListener("change", update);
    update();
  }

  function wireForm(form) {
    form.addEventListener("submit", (event) => { event.preventDefault(); submit(form); });
    form.querySelectorAll("[data-autosave]").forEach((input) => {
      input.addEventListener("change", () => submit(form));
      input.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); submit(form); } });
    });
    showProgressionFields(form);
  }

  function wireAction(button) {
    button.addEventListener("click", async () => {
      if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
      button.disabled = true;
      try {
        const result = await call(button.dataset.action, button.dataset.method || "POST", button.dataset.method === "DELETE" ? undefined : {});
        if (button.dataset.go === "builder" && result.id) { location.href = `../../${result.id}/builder/`; return; }
        if (button.dataset.go === "list") { location.href = "../../"; return; }
        live("Done.");
        await refresh();
      } catch (error) { showErrors(null, error.data); button.disabled = false; }
    });
  }

  function wireMove(button) {
    button.addEventListener("click", () => {
      // an exercise alone in its block moves its block: that is what its ↑ ↓ mean
      const item = button.dataset.moveOf === "block" ? button.closest(".pb-block") : button.closest("[data-id]");
      const key = button.closest(PARTS).id;
      const direction = button.dataset.move;
      const list = item.parentElement;
      const sibling = direction === "up" ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling || !sibling.dataset.id) return;
      if (direction === "up") list.insertBefore(item, sibling); else list.insertBefore(sibling, item);
      saveOrder(list, direction === "up" ? "Moved up." : "Moved down.").then(() => {
        // the focus stays on the part: on the same button, or on the other one when
        // this end is reached (its button is disabled then)
        const own = (way) => [...document.querySelectorAll(`#${key} [data-move="${way}"]`)]
          .find((b) => b.closest(PARTS).id === key);
        const again = own(direction);
        const other = own(direction === "up" ? "down" : "up");
        if (again && !again.disabled) again.focus();
        else if (other && !other.disabled) other.focus();
      });
    });
  }

  function wire() {
    const scope = document.getElementById("pb-root");
    scope.querySelectorAll("form[data-api]").forEach(wireForm);
    scope.querySelectorAll("[data-action]").forEach(wireAction);
    scope.querySelectorAll("[data-move]").forEach(wireMove);
    scope.querySelectorAll("[data-sortable]").forEach(wireSortable);
    scope.querySelectorAll("[data-picker-for]").forEach(wirePicker);
    scope.querySelectorAll("details.pb-rx__edit, details.pb-block__menu").forEach((details) => {
      const open = details.classList.contains("pb-rx__edit") ? openEditor : openBlock;
      details.addEventListener("toggle", () => { if (details.open) open(details); });
      if (details.open) open(details);
    });
  }

  // the ⋯ menus and an exercise's editor close on Escape (the focus goes back to their
  // button or line); a workout's ⋯ menu also closes on a click elsewhere
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    const menu = event.target.closest && event.target.closest("details.pb-menu[open], details.pb-block__menu[open], details.pb-rx__edit[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", (event) => {
    document.querySelectorAll("details.pb-menu[open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
  wire();
})();
