// django-import-export's "select all" toggle on the admin export page, bound here
// instead of through an inline onchange attribute (refused by the Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", onSelectToggleChange);
  });
});
