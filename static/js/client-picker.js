// Choosing clients where a form has too many to list (clients/widgets.py): a search box
// before the <select> or the checkboxes, with the best matches as you type (an ARIA
// combobox over the header's quick find). Choosing a match selects it in the <select>,
// or adds it, ticked, to the checkboxes.
(function () {
  "use strict";
  let count = 0;

  function enhance(target) {
    const multiple = target.tagName !== "SELECT";
    const n = ++count;
    const box = document.createElement("div");
    box.className = "mf-pick";
    const input = document.createElement("input");
    input.type = "search";
    input.id = `mf-pick-${n}`;
    input.autocomplete = "off";
    input.placeholder = "Type a name, e-mail or phone…";
    input.setAttribute("aria-label", multiple ? "Find clients to add" : "Find a client");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `mf-pick-results-${n}`);
    input.setAttribute("aria-autocomplete", "list");
    const list = document.createElement("ul");
    list.id = `mf-pick-results-${n}`;
    list.className = "mf-find__results mf-pick__results";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching clients");
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    box.append(input, list, status);
    target.before(box);

    let active = -1;
    let timer = null;
    let controller = null;
    let results = [];

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(client) {
      if (!multiple) {
        let option = Array.from(target.options).find((o) => o.value === String(client.id));
        if (!option) {
          option = new Option(client.name, String(client.id));
          target.add(option);
        }
        target.value = String(client.id);
        target.dispatchEvent(new Event("change", { bubbles: true }));
      } else {
        let tick = target.querySelector(`input[type=checkbox][value="${client.id}"]`);
        if (!tick) {
          const label = document.createElement("label");
          tick = document.createElement("input");
          tick.type = "checkbox";
          tick.name = target.dataset.pickerName;
          tick.value = String(client.id);
          label.append(tick, ` ${client.name}`);
          target.querySelectorAll(".mf-pick__none").forEach((none) => none.remove());
          target.append(label);
        }
        tick.checked = true;
      }
      status.textContent = multiple ? `${client.name} added.` : `${client.name} chosen.`;
      input.value = "";
      close();
    }

    function render(query) {
      list.replaceChildren();
      if (!results.length) {
        const empty = document.createElement("li");
        empty.className = "mf-find__empty";
        empty.textContent = `No client matches “${query}”.`;
        list.append(empty);
      }
      results.forEach((client, i) => {
        const item = document.createElement("li");
        item.id = `mf-pick-${n}-option-${i}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.className = "mf-pick__option";
        const name = document.createElement("span");
        name.className = "mf-find__name";
        name.textContent = client.name;
        if (client.health_flag) {
          const flag = document.createElement("span");
          flag.className = "mf-flag";
          flag.title = "Injuries or medical notes";
          flag.textContent = "!";
          name.append(" ", flag);
        }
        const detail = document.createElement("span");
        detail.className = "mf-find__detail";
        detail.textContent = [client.detail, client.status].filter(Boolean).join(" · ");
        item.append(name, detail);
        item.addEventListener("mousedown", (event) => event.preventDefault());
        item.addEventListener("click", () => choose(client));
        list.append(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    async function search() {
      const query = input.value.trim();
      if (!query) {
        close();
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const url = `${target.dataset.clientPicker}&q=${encodeURIComponent(query)}`;
        const response = await fetch(url, {
          signal: controller.signal,
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok) return;
        results = (await response.json()).results;
        render(query);
      } catch (error) {
        if (error.name !== "AbortError") close();
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 60);
    });
    input.addEventListener("keydown", (event) => {
      const total = results.length;
      if (event.key === "ArrowDown" && total) {
        event.preventDefault();
        highlight((active + 1) % total);
      } else if (event.key === "ArrowUp" && total) {
        event.preventDefault();
        highlight(active <= 0 ? total - 1 : active - 1);
      } else if (event.key === "Enter") {
        event.preventDefault(); // never submits the form half-chosen
        if (active >= 0 && results[active]) choose(results[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    document.addEventListener("click", (event) => {
      if (!box.contains(event.target)) close();
    });
  }

  document.querySelectorAll("[data-client-picker]").forEach(enhance);
})();
