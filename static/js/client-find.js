// The back office's "Find a client" box: best matches as you type (an ARIA combobox).
// Enter without a highlighted option submits the form to the full, ranked client list.
(function () {
  "use strict";
  const input = document.getElementById("mf-find-input");
  const list = document.getElementById("mf-find-results");
  if (!input || !list) return;
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
      item.id = `mf-find-option-${i}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      const link = document.createElement("a");
      link.href = client.url;
      link.tabIndex = -1;
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
      link.append(name, detail);
      item.append(link);
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
      const url = `${input.dataset.url}?q=${encodeURIComponent(query)}`;
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
    const count = results.length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      highlight((active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      highlight(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && results[active]) {
      event.preventDefault();
      window.location.href = results[active].url;
    } else if (event.key === "Escape") {
      close();
    }
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".mf-find")) close();
  });
})();
