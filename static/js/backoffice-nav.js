// The back office's navigation on a tablet or phone: a panel the header's Menu button
// opens and closes. Without this script the panel simply stays open above the page.
(() => {
  const nav = document.getElementById("mf-nav");
  const button = document.querySelector(".mf-tools__menu");
  if (!nav || !button) return;
  document.documentElement.classList.add("mf-nav-js");
  button.hidden = false;
  const set = (open) => {
    nav.classList.toggle("is-open", open);
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => set(!nav.classList.contains("is-open")));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && nav.classList.contains("is-open")) {
      set(false);
      button.focus();
    }
  });
})();
