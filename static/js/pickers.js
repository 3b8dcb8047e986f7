/* Searchable pickers: every <select data-search-url> becomes a Tom Select
   (static/vendor/tom-select) that asks the portal's JSON endpoint as the
   person types; the endpoint answers {"results": [{"id", "text"}]}, at most
   20 rows. Without JavaScript the select stays a plain field with the chosen
   options, and the form posts the same values. A <select data-search-local>
   (a fixed list a little longer than 20) is searched among its own options.

   Tom Select points the field's <label> at the box the person types into; the
   original select, kept only for the form, is hidden from assistive
   technology (it takes no focus), so that it is not an unnamed field. */
(function () {
  "use strict";

  function fetchResults(url, query, callback) {
    var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
    fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { callback(data.results || []); })
      .catch(function () { callback(); });
  }

  // data-search-with="congress session": the values of those fields of the
  // same form go with the query (the co-signers of the chosen congress).
  function searchAddress(select) {
    var url = select.getAttribute("data-search-url");
    var names = (select.getAttribute("data-search-with") || "").split(" ").filter(Boolean);
    var form = select.form;
    var extra = [];
    names.forEach(function (name) {
      var field = form && form.elements.namedItem(name);
      if (field && field.value) {
        extra.push(encodeURIComponent(name) + "=" + encodeURIComponent(field.value));
      }
    });
    if (!extra.length) { return url; }
    return url + (url.indexOf("?") === -1 ? "?" : "&") + extra.join("&");
  }

  function hideOriginal(select) {
    select.setAttribute("aria-hidden", "true");
    select.setAttribute("tabindex", "-1");
  }

  function setUpLocal(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") {
      return;
    }
    new window.TomSelect(select, { maxOptions: null, allowEmptyOption: true });
    hideOriginal(select);
  }

  function setUp(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") {
      return;
    }
    var multiple = select.multiple;
    new window.TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],
      maxOptions: 20,
      preload: "focus",
      loadThrottle: 250,
      placeholder: select.getAttribute("data-placeholder") || "",
      plugins: multiple ? ["remove_button"] : [],
      allowEmptyOption: !multiple,
      // The endpoint has already matched: keep its order and every row it sent.
      score: function () { return function () { return 1; }; },
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        var picker = this;
        // A new query replaces the earlier rows instead of piling up under them.
        picker.clearOptions();
        fetchResults(searchAddress(select), query, function (rows) {
          if (query === picker.inputValue()) {
            callback(rows);
            return;
          }
          // A late answer to what is no longer typed (the person chose an
          // option, or typed on): drop it. Given to Tom Select, it would
          // reopen the list the person had just closed, over the fields and
          // the button below. callback() still ends the load (its spinner).
          var wasOpen = picker.isOpen;
          callback();
          if (!wasOpen) { picker.close(false); }
        });
      },
      render: {
        no_results: function () {
          var note = document.createElement("div");
          note.className = "no-results";
          note.textContent = select.getAttribute("data-no-results") || "";
          return note;
        }
      }
    });
    hideOriginal(select);
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("select[data-search-url]").forEach(setUp);
    (root || document).querySelectorAll("select[data-search-local]").forEach(setUpLocal);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpAll(); });
  } else {
    setUpAll();
  }
  // Forms that htmx swaps in get their pickers too.
  document.addEventListener("htmx:afterSwap", function (event) { setUpAll(event.target); });
})();
