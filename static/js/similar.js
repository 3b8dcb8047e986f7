// Similar suggestions while a deputy writes one: after a pause in typing the
// title and content are sent to the similar-suggestions endpoint and the
// answers listed above the form. No inline script: loaded with {% static %}.
(function () {
  "use strict";
  var box = document.getElementById("similar-live");
  if (!box) return;
  var form = box.parentNode.querySelector("form") || document.querySelector("form.stacked");
  var title = document.querySelector("[name=title]");
  var content = document.querySelector("[name=content]");
  if (!title || !content) return;
  var list = box.querySelector(".similar-list");
  var labels = box.querySelector("template").content.firstElementChild;
  var timer = null;
  var last = "";
  var pending = null;

  function item(row) {
    var li = document.createElement("li");
    var head = document.createElement(row.url ? "a" : "span");
    if (row.url) head.href = row.url;
    head.textContent = (row.number ? row.number + " " : "") + row.title;
    li.appendChild(head);
    var meta = document.createElement("span");
    meta.className = "meta";
    var parts = [String(row.year), row.status_label];
    if (row.merged_into) parts.push(labels.dataset.merged + row.merged_into);
    parts.forEach(function (text) {
      var s = document.createElement("span");
      s.textContent = text;
      meta.appendChild(s);
    });
    li.appendChild(meta);
    if (row.reply) {
      var p = document.createElement("p");
      p.className = "help";
      p.textContent = labels.dataset.reply + "（" + row.reply.result + "）" + (row.reply.summary ? "：" + row.reply.summary : "");
      li.appendChild(p);
    }
    return li;
  }

  function show(rows) {
    list.replaceChildren.apply(list, rows.map(item));
    box.hidden = rows.length === 0;
  }

  function ask() {
    var text = title.value.trim() + "\n" + content.value.trim().slice(0, 500);
    if (text.trim().length < 4 || text === last) return;
    last = text;
    var params = new URLSearchParams({ title: title.value.trim(), content: content.value.trim().slice(0, 500) });
    if (box.dataset.exclude) params.append("exclude", box.dataset.exclude);
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(box.dataset.url + "?" + params.toString(), {
      credentials: "same-origin", headers: { Accept: "application/json" }, signal: pending.signal,
    })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { show(data.results || []); })
      .catch(function () {});
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 600);
  }

  title.addEventListener("input", later);
  content.addEventListener("input", later);
  if (form) later();
})();
