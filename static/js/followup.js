// 回头看 candidates (templates/dashboard/followup.html): a search that shows
// only the rows with the typed words (title, deputy, unit), and buttons that
// tick or clear every row shown, so that a whole unit or subject is left out
// in two steps instead of one box at a time. Without JavaScript every row
// stays, ticked by the rule, and the tools stay hidden.
(function () {
  "use strict";
  function setUp() {
    var tools = document.querySelector("[data-followup-tools]");
    if (!tools) { return; }
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-followup-row]"));
    var find = tools.querySelector("[data-followup-find]");
    var count = tools.querySelector("[data-followup-count]");
    function box(row) { return row.querySelector("input[type=checkbox]"); }
    function shown() { return rows.filter(function (row) { return !row.hidden; }); }
    function say() {
      var ticked = rows.filter(function (row) { return box(row).checked; }).length;
      count.textContent = count.dataset.template.replace("%(n)s", ticked).replace("%(shown)s", shown().length);
    }
    find.addEventListener("input", function () {
      var words = find.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
      });
      say();
    });
    tools.querySelectorAll("[data-followup-tick]").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = button.dataset.followupTick === "all";
        shown().forEach(function (row) { box(row).checked = on; });
        say();
      });
    });
    rows.forEach(function (row) { box(row).addEventListener("change", say); });
    tools.hidden = false;
    say();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
})();
