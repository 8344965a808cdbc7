// Repairs to what Django admin's own scripts draw, for screen readers.
// The permission picker (SelectFilter2.js, built on the window's load) names its two
// search icons with aria-label on a plain <span>, which assistive technology ignores
// (axe: aria-prohibited-attr): give them the role of an image, which may carry a name.
window.addEventListener("load", () => {
  setTimeout(() => {
    document.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach((icon) => {
      icon.setAttribute("role", "img");
    });
  }, 0);
});
