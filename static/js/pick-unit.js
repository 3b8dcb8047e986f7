// One-click pick of a recommended unit on the staff page: a button with
// data-pick-unit="lead_unit" (or "co_units") and data-unit-id selects that
// unit in the assignment form's field of the same name.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-unit]");
    if (!button) return;
    var marker = document.querySelector("input[name=action][value=assign]");
    var form = marker ? marker.form : document;
    var field = form.querySelector("[name=" + button.dataset.pickUnit + "]");
    if (!field) return;
    var id = button.dataset.unitId;
    if (field.tagName === "SELECT") {
      Array.prototype.forEach.call(field.options, function (option) {
        if (option.value === id) option.selected = true;
        else if (!field.multiple) option.selected = false;
      });
      field.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      field.value = id;
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
    var mode = form.querySelector("input[name=mode][value=lead]");
    if (mode) mode.checked = true;
    field.scrollIntoView({ block: "center" });
    field.focus();
  });
})();
