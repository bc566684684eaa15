// The article page: the contents list stands open where it has a column of its own, and a
// table wider than the text, which scrolls sideways inside itself, can be reached and scrolled
// with the keyboard. Without this script the contents list opens with a click and wide tables
// still scroll.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 48.0625rem)");
  var contents = document.querySelector(".toc details");
  var body = document.querySelector(".article-body");

  function placeContents() {
    if (contents) { contents.open = wide.matches; }
  }

  function markWideTables() {
    if (!body) { return; }
    body.querySelectorAll("table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth) {
        table.tabIndex = 0;
        if (!table.querySelector("caption")) {
          table.setAttribute("aria-label", body.dataset.wideTable);
        }
      } else if (table.hasAttribute("tabindex")) {
        table.removeAttribute("tabindex");
        table.removeAttribute("aria-label");
      }
    });
  }

  placeContents();
  markWideTables();
  wide.addEventListener("change", placeContents);
  window.addEventListener("resize", markWideTables);
})();
