/* The layout on a phone.
   - The navigation: one "菜单" button opens and closes the list of links
     (closed at first, so the page itself comes first). Without JavaScript
     the button stays hidden and the links wrap onto several rows.
   - A table wider than the screen scrolls inside its own box (portal.css):
     it is given tabindex="0" so that it can be scrolled from the keyboard. */
(function () {
  "use strict";

  function setUp() {
    var nav = document.getElementById("site-nav");
    var button = nav ? nav.querySelector(".menu-toggle") : null;
    if (!button) {
      return;
    }
    var narrow = window.matchMedia("(max-width: 47.99rem)");
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    }
    nav.classList.add("is-collapsible");
    button.hidden = false;
    show(!narrow.matches);
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    narrow.addEventListener("change", function (event) { show(!event.matches); });
    // Escape closes the menu and gives the focus back to its button.
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches && nav.classList.contains("is-open")) {
        show(false);
        button.focus();
      }
    });
  }

  function markScrollingTables() {
    document.querySelectorAll("main table, main .table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }

  function start() {
    setUp();
    markScrollingTables();
    window.addEventListener("resize", markScrollingTables);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
